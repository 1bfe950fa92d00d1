import { describe, expect, it } from "vitest";
import { isValidInn, normalizeEmail, normalizePersonName, normalizePhones, normalizeWebsite } from "./validators";

describe("isValidInn", () => {
  it.each(["7707083893", "7736207543", "500100732259", " 7707083893\t", "\n500100732259 "])("accepts %j", (inn) => {
    expect(isValidInn(inn)).toBe(true);
  });

  it("refuses every single-digit change of a valid INN (so the checksum is really checked)", () => {
    for (const valid of ["7707083893", "500100732259"]) {
      for (let i = 0; i < valid.length; i++) {
        const digit = Number(valid[i]);
        const changed = valid.slice(0, i) + ((digit + 1) % 10) + valid.slice(i + 1);
        if (changed.startsWith("00")) continue;
        expect(isValidInn(changed), changed).toBe(false);
      }
    }
  });

  it.each([
    ["7707083894", "wrong check digit"],
    ["500100732258", "wrong second check digit of 12"],
    ["500100732269", "wrong first check digit of 12"],
    ["770708389", "9 digits"],
    ["77070838931", "11 digits"],
    ["5001007322590", "13 digits"],
    ["7707 083893", "inner space"],
    ["7707-083893", "dash"],
    ["77O7083893", "letter O"],
    ["", "empty"],
    ["0000000000", "zeros pass the checksum but region 00 does not exist"],
    ["000000000000", "12 zeros"],
  ])("refuses %j (%s)", (inn) => {
    expect(isValidInn(inn)).toBe(false);
  });
});

describe("normalizePhones", () => {
  it.each([
    ["8 (916) 123-45-67", ["+79161234567"]],
    ["+7 916 1234567", ["+79161234567"]],
    ["89161234567", ["+79161234567"]],
    ["9161234567", ["+79161234567"]],
    ["79161234567", ["+79161234567"]],
    ["+7 (495) 123-45-67 доб. 123", ["+74951234567"]],
    ["+7 495 123 45 67 ext. 12", ["+74951234567"]],
    ["+7 495 123-45-67, доб. 12", ["+74951234567"]],
    ["+49 30 1234567", ["+49301234567"]],
    ["+1 212 555 0100", ["+12125550100"]],
    ["0049 30 1234567", ["+49301234567"]],
    ["тел.: +7 916 123-45-67", ["+79161234567"]],
    ["8 10 49 30 1234567", ["+49301234567"]],
    // From number cells, where Excel dropped the "+": not a Russian number, so international.
    ["49301234567", ["+49301234567"]],
    ["12125550100", ["+12125550100"]],
  ])("normalises %j", (cell, phones) => {
    expect(normalizePhones(cell)).toEqual({ phones, invalid: [] });
  });

  it("splits on , ; / newlines and 'или'/'or', not inside one number", () => {
    const cell =
      "8 (916) 123-45-67, +7 495 765-43-21; 8-812-111-22-33 / +49 30 1234567\n+1 212 555 0100 или 8 800 555-35-35 or +44 20 7946 0958";
    expect(normalizePhones(cell).phones).toEqual([
      "+79161234567",
      "+74957654321",
      "+78121112233",
      "+49301234567",
      "+12125550100",
      "+78005553535",
      "+442079460958",
    ]);
  });

  it("removes duplicates within the cell, keeping the first", () => {
    expect(normalizePhones("+7 916 1234567; 89161234567\n9161234567, 8 (495) 123-45-67")).toEqual({
      phones: ["+79161234567", "+74951234567"],
      invalid: [],
    });
  });

  it("reads the Russian shorthand 123-45-67/68 as two numbers", () => {
    expect(normalizePhones("8 (495) 123-45-67/68").phones).toEqual(["+74951234567", "+74951234568"]);
    expect(normalizePhones("8 (495) 123-45-67 / 68 / 69").phones).toEqual(["+74951234567", "+74951234568", "+74951234569"]);
    // After a comma a lone short number is not that shorthand.
    expect(normalizePhones("8 (495) 123-45-67, 68")).toEqual({ phones: ["+74951234567"], invalid: ["68"] });
  });

  it("finds two numbers separated only by spaces", () => {
    expect(normalizePhones("89161234567 89167654321").phones).toEqual(["+79161234567", "+79167654321"]);
  });

  it("reports invalid parts and keeps the valid ones", () => {
    expect(normalizePhones("123; 8 (916) 123-45-67; 8916123456")).toEqual({ phones: ["+79161234567"], invalid: ["123", "8916123456"] });
    expect(normalizePhones("+7 123 456-78-90").invalid).toEqual(["+7 123 456-78-90"]);
  });

  it("ignores placeholders without digits", () => {
    expect(normalizePhones("")).toEqual({ phones: [], invalid: [] });
    expect(normalizePhones(" - ")).toEqual({ phones: [], invalid: [] });
    expect(normalizePhones("нет")).toEqual({ phones: [], invalid: [] });
  });

  it("uses the default region for national numbers", () => {
    expect(normalizePhones("030 1234567", "DE").phones).toEqual(["+49301234567"]);
    expect(normalizePhones("(212) 555-0100", "US").phones).toEqual(["+12125550100"]);
  });
});

// Both normalisers return the cleaned value or null; one table each for what they keep and refuse.
const NORMALISERS: Array<{ name: string; fn: (input: string) => string | null; accepts: Array<[string, string]>; refuses: string[] }> = [
  {
    name: "normalizeEmail",
    fn: normalizeEmail,
    accepts: [
      [" Ivan.Petrov@Mail.RU ", "ivan.petrov@mail.ru"],
      ["mailto:Anna@Example.com", "anna@example.com"],
      ["a.b+tag@sub.example.co.uk", "a.b+tag@sub.example.co.uk"],
      ["Иван@Почта.РФ", "иван@почта.рф"],
    ],
    refuses: ["", "ivan", "ivan@", "@mail.ru", "ivan@mail", "ivan@@mail.ru", "iv an@mail.ru", ".ivan@mail.ru", "iv..an@mail.ru", "ivan@-mail.ru", "a@b.ru, c@d.ru", `${"a".repeat(65)}@mail.ru`],
  },
  {
    name: "normalizeWebsite",
    fn: normalizeWebsite,
    accepts: [
      ["example.ru", "https://example.ru"],
      ["www.Example.RU/about?x=1", "https://www.example.ru/about?x=1"],
      ["HTTP://Example.ru/Path", "http://example.ru/Path"],
      ["пример.рф", "https://пример.рф"],
      ["example.ru:8080/x", "https://example.ru:8080/x"],
    ],
    refuses: ["", "localhost", "1.2.3.4", "javascript:alert(1)", "ftp://example.ru", "http://user:pw@example.ru", "exa mple.ru", "example", "-x.ru", "example.ru:99999"],
  },
];

describe.each(NORMALISERS)("$name", ({ fn, accepts, refuses }) => {
  it.each(accepts)("%j -> %j", (input, expected) => {
    expect(fn(input)).toBe(expected);
  });

  it.each(refuses)("refuses %j", (input) => {
    expect(fn(input)).toBeNull();
  });
});

describe("normalizePersonName", () => {
  it.each([
    ["  ИВАНОВ  ", "Иванов"],
    ["мария-анна", "Мария-Анна"],
    ["Мария - Анна", "Мария-Анна"],
    ["Петров–Водкин", "Петров-Водкин"],
    ["ёлкин", "Ёлкин"],
    ["Анна   Мария", "Анна Мария"],
    ["McDonald", "McDonald"],
    ["ван дер Берг", "ван дер Берг"],
    ["O'BRIEN", "O'Brien"],
    ["МАР’ЯНА", "Мар'яна"],
    ["MÜLLER", "Müller"],
    ["Иванов2", "Иванов"],
    ["Иван -", "Иван"],
    ["  ", ""],
  ])("%j -> %j", (input, expected) => {
    expect(normalizePersonName(input)).toBe(expected);
  });
});
