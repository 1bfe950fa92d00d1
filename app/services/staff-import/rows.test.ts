import { describe, expect, it } from "vitest";
import { emptyMapping, guessMapping, mapRows, parseStaffFile, splitFullName, type ColumnMapping } from "./index";
import { makeXlsx } from "../../../tests/import/fixtures";

const separate: ColumnMapping = { ...emptyMapping(), lastName: 0, firstName: 1, middleName: 2, position: 3, email: 4, phone: 5 };

describe("mapRows", () => {
  it("normalises a good row", () => {
    const { items, errors } = mapRows(
      [["  ИВАНОВ ", "иван", "ИВАНОВИЧ", " Генеральный   директор ", " Ivan@Example.RU ", "8 (916) 123-45-67; +49 30 1234567"]],
      separate,
    );
    expect(errors).toEqual([]);
    expect(items).toEqual([
      {
        rowNumber: 2,
        lastName: "Иванов",
        firstName: "Иван",
        middleName: "Иванович",
        position: "Генеральный директор",
        email: "ivan@example.ru",
        phones: ["+79161234567", "+49301234567"],
      },
    ]);
  });

  it("leaves optional fields out when empty", () => {
    const { items } = mapRows([["Петрова", "Мария", "", "", "m@example.ru", ""]], separate);
    expect(items).toEqual([{ rowNumber: 2, lastName: "Петрова", firstName: "Мария", email: "m@example.ru", phones: [] }]);
    expect(Object.keys(items[0])).not.toContain("middleName");
  });

  it("reports errors with sheet row numbers (header = row 1) and leaves error rows out of items", () => {
    const rows = [
      ["Иванов", "Иван", "", "", "ivan@example.ru", ""], // row 2: fine
      ["", "Пётр", "", "", "petr@example.ru", ""], // row 3: no last name
      ["Сидоров", "", "", "", "not-an-email", "123"], // row 4: no first name, bad e-mail, bad phone
      ["Кузнецова", "Анна", "", "", "", "8 916 123-45-67"], // row 5: no e-mail
      ["Я".repeat(101), "Ян", "", "Д".repeat(201), "ya@example.ru", ""], // row 6: too long
      ["Смирнов", "Олег", "", "", "oleg@example.ru", "8 916 765-43-21"], // row 7: fine
    ];
    const { items, errors } = mapRows(rows, separate);
    expect(items.map((i) => i.rowNumber)).toEqual([2, 7]);
    expect(errors).toEqual([
      { rowNumber: 3, field: "lastName", code: "required" },
      { rowNumber: 4, field: "firstName", code: "required" },
      { rowNumber: 4, field: "email", code: "invalid_email", value: "not-an-email" },
      { rowNumber: 4, field: "phone", code: "invalid_phone", value: "123" },
      { rowNumber: 5, field: "email", code: "required" },
      { rowNumber: 6, field: "lastName", code: "too_long", value: "Я".repeat(101), max: 100 },
      { rowNumber: 6, field: "position", code: "too_long", value: "Д".repeat(201), max: 200 },
    ]);
  });

  it("accepts exactly the maximum lengths", () => {
    const email = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(58)}.ru`;
    expect(email).toHaveLength(254);
    const { items, errors } = mapRows([["Я".repeat(100), "Ян", "", "Д".repeat(200), email, ""]], separate);
    expect(errors).toEqual([]);
    expect(items).toHaveLength(1);
    const tooLong = mapRows([["Ян", "Ян", "", "", `x${email}`, ""]], separate);
    expect(tooLong.errors).toEqual([{ rowNumber: 2, field: "email", code: "too_long", value: `x${email}`, max: 254 }]);
  });

  it("makes e-mail optional on request", () => {
    const { items, errors } = mapRows([["Кузнецова", "Анна", "", "", "", ""]], separate, { requireEmail: false });
    expect(errors).toEqual([]);
    expect(items).toEqual([{ rowNumber: 2, lastName: "Кузнецова", firstName: "Анна", phones: [] }]);
    // An e-mail that is there must still be valid.
    expect(mapRows([["К", "А", "", "", "bad@", ""]], separate, { requireEmail: false }).errors[0].code).toBe("invalid_email");
  });

  it("uses the default region for national numbers", () => {
    const { items } = mapRows([["Müller", "Hans", "", "", "h@example.de", "030 1234567"]], separate, { defaultRegion: "DE" });
    expect(items[0].phones).toEqual(["+49301234567"]);
  });

  it("splits a full-name column; separate name columns win", () => {
    const mapping: ColumnMapping = { ...emptyMapping(), fullName: 0, firstName: 1, email: 2 };
    const { items, errors } = mapRows(
      [
        ["ИВАНОВ Иван Иванович", "", "a@example.ru"],
        ["Мамедов Ильхам Гейдар оглы", "", "b@example.ru"],
        ["Петрова Маша", "Мария", "c@example.ru"],
        ["Сидоров", "", "d@example.ru"],
      ],
      mapping,
    );
    expect(items).toEqual([
      { rowNumber: 2, lastName: "Иванов", firstName: "Иван", middleName: "Иванович", email: "a@example.ru", phones: [] },
      { rowNumber: 3, lastName: "Мамедов", firstName: "Ильхам", middleName: "Гейдар оглы", email: "b@example.ru", phones: [] },
      { rowNumber: 4, lastName: "Петрова", firstName: "Мария", email: "c@example.ru", phones: [] },
    ]);
    expect(errors).toEqual([{ rowNumber: 5, field: "firstName", code: "required" }]);
  });

  it("skips rows whose mapped cells are all empty", () => {
    const mapping: ColumnMapping = { ...emptyMapping(), lastName: 1, firstName: 2, email: 3 };
    const { items, errors } = mapRows(
      [
        ["1", "Иванов", "Иван", "i@example.ru"],
        ["Итого: 1", "", "", ""],
      ],
      mapping,
    );
    expect(items).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it("keeps the real sheet row numbers from parseStaffFile (empty rows skipped there)", async () => {
    const xlsx = await makeXlsx([
      ["ФИО", "E-mail", "Телефон"],
      ["Иванов Иван", { text: "ivan@example.ru", hyperlink: "mailto:ivan@example.ru" }, 79161234567],
      null,
      null,
      ["Петров", "petr@example.ru", null], // sheet row 5: no first name
      ["Сидорова Анна", "anna@example.ru", 9167654321],
    ]);
    const sheet = await parseStaffFile(xlsx, "staff.xlsx");
    const mapping = guessMapping(sheet.headers);
    const { items, errors } = mapRows(sheet.rows, mapping, { rowNumbers: sheet.rowNumbers });
    expect(items).toEqual([
      { rowNumber: 2, lastName: "Иванов", firstName: "Иван", email: "ivan@example.ru", phones: ["+79161234567"] },
      { rowNumber: 6, lastName: "Сидорова", firstName: "Анна", email: "anna@example.ru", phones: ["+79167654321"] },
    ]);
    expect(errors).toEqual([{ rowNumber: 5, field: "firstName", code: "required" }]);
  });
});

describe("splitFullName", () => {
  it("reads Russian order and commas", () => {
    expect(splitFullName("Иванов, Иван Иванович")).toEqual({ lastName: "Иванов", firstName: "Иван", middleName: "Иванович" });
    expect(splitFullName("  Иванов  ")).toEqual({ lastName: "Иванов", firstName: "", middleName: "" });
  });
});
