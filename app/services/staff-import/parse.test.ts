import type ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { ImportFileError, parseStaffFile } from "./index";
import { cellText } from "./xlsx";
import { encodeCp1251, makeStaffXlsx, makeXlsx } from "../../../tests/import/fixtures";
import { rejectionOf } from "../../../tests/setup/rejection";

/** Tab order in the saved workbook; exceljs has the property but does not declare it. */
function setSheetOrder(sheet: ExcelJS.Worksheet, order: number) {
  (sheet as ExcelJS.Worksheet & { orderNo: number }).orderNo = order;
}

const fileError = (promise: Promise<unknown>) => rejectionOf(promise, ImportFileError);

describe("parseStaffFile: XLSX", () => {
  it("reads phones stored as numbers, hyperlink e-mails, rich text, formulas, dates; skips empty rows", async () => {
    const xlsx = await makeXlsx(
      [
        null, // row 1 empty: the header is the first non-empty row
        ["ФИО", "Должность", "E-mail", "Телефон", "Дата"],
        [
          "Иванов Иван Иванович",
          "Директор",
          { text: "Ivan@Example.ru", hyperlink: "mailto:Ivan@Example.ru" },
          79161234567,
          new Date(Date.UTC(2025, 2, 14)),
        ],
        null, // an empty row in the middle
        ["  ", "", null, null, null], // only blanks: empty too
        [
          { richText: [{ text: "Петрова " }, { text: "Мария", font: { bold: true } }] },
          { formula: 'CONCATENATE("Мене","джер")', result: "Менеджер" },
          // Link text partly formatted: exceljs hands it over as rich text inside the hyperlink.
          {
            text: { richText: [{ text: "maria@" }, { text: "example.ru", font: { bold: true } }] },
            hyperlink: "mailto:maria@example.ru",
          } as never,
          9161234567,
          12345.5,
        ],
        ["Сидоров Пётр", null, "petr@example.ru", 1e21, { formula: "1/0", result: { error: "#DIV/0!" } }],
      ],
      (workbook) => {
        // An empty first sheet (instructions removed) must be passed over.
        workbook.addWorksheet("Пусто");
        workbook.worksheets.reverse().forEach((sheet, i) => setSheetOrder(sheet, i));
      },
    );
    const sheet = await parseStaffFile(xlsx, "staff.XLSX");
    expect(sheet.headers).toEqual(["ФИО", "Должность", "E-mail", "Телефон", "Дата"]);
    expect(sheet.rows).toEqual([
      ["Иванов Иван Иванович", "Директор", "Ivan@Example.ru", "79161234567", "2025-03-14"],
      ["Петрова Мария", "Менеджер", "maria@example.ru", "9161234567", "12345.5"],
      ["Сидоров Пётр", "", "petr@example.ru", "1000000000000000000000", ""],
    ]);
    expect(sheet.rowNumbers).toEqual([3, 6, 7]);
  });

  it("falls back to the link target when a hyperlink has no text", () => {
    expect(cellText({ text: "", hyperlink: "mailto:anna@example.ru" })).toBe("anna@example.ru");
    expect(cellText({ sharedFormula: "A1", result: 89161234567 })).toBe("89161234567");
    expect(cellText({ formula: "A1" })).toBe("");
    expect(cellText(true)).toBe("TRUE");
    expect(cellText(new Date(Date.UTC(2025, 0, 2, 9, 30)))).toBe("2025-01-02 09:30:00");
  });

  it("takes the first visible non-empty worksheet", async () => {
    const xlsx = await makeXlsx([["Фамилия"], ["Видимый"]], (workbook) => {
      const hidden = workbook.addWorksheet("Списки", { state: "hidden" });
      hidden.getCell("A1").value = "Скрытый";
      hidden.getCell("A2").value = "Лист";
      workbook.addWorksheet("Пустой").getCell("A1").value = "";
      // Order: hidden, empty, data.
      const [data, hiddenSheet, empty] = workbook.worksheets;
      setSheetOrder(hiddenSheet, 0);
      setSheetOrder(empty, 1);
      setSheetOrder(data, 2);
    });
    const sheet = await parseStaffFile(xlsx, "staff.xlsx");
    expect(sheet.headers).toEqual(["Фамилия"]);
    expect(sheet.rows).toEqual([["Видимый"]]);
  });

  it("keeps a merged header once and drops trailing empty columns", async () => {
    const xlsx = await makeXlsx(
      [
        ["ФИО", null, "Телефон", null, ""],
        ["Иванов Иван", "", "+7 916 123-45-67", null, " "],
      ],
      (_, sheet) => sheet.mergeCells("A1:B1"),
    );
    const sheet = await parseStaffFile(xlsx, "merged.xlsx");
    expect(sheet.headers).toEqual(["ФИО", "", "Телефон"]);
    expect(sheet.rows).toEqual([["Иванов Иван", "", "+7 916 123-45-67"]]);
  });

  it("builds staff files with the shared fixture", async () => {
    const sheet = await parseStaffFile(await makeStaffXlsx([["Иванов", "Иван", "", "Директор", "i@x.ru", "89161234567"]]), "s.xlsx");
    expect(sheet.headers).toEqual(["Фамилия", "Имя", "Отчество", "Должность", "E-mail", "Телефон"]);
    expect(sheet.rows).toEqual([["Иванов", "Иван", "", "Директор", "i@x.ru", "89161234567"]]);
  });
});

describe("parseStaffFile: CSV", () => {
  it("reads UTF-8 with BOM and ';' (CRLF, quoted delimiters and newlines)", async () => {
    const text =
      'Фамилия;Имя;Телефон;Должность\r\nИванов;Иван;"8 916 123-45-67; 8 495 123-45-67";Директор, продажи\r\n;;;\r\nПетрова;Мария;"+7 916 000-00-01\n+49 30 1234567";\r\n';
    const data = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
    const sheet = await parseStaffFile(data, "staff.csv");
    expect(sheet.headers).toEqual(["Фамилия", "Имя", "Телефон", "Должность"]); // no BOM glued to "Фамилия"
    expect(sheet.rows).toEqual([
      ["Иванов", "Иван", "8 916 123-45-67; 8 495 123-45-67", "Директор, продажи"],
      ["Петрова", "Мария", "+7 916 000-00-01\n+49 30 1234567", ""],
    ]);
    expect(sheet.rowNumbers).toEqual([2, 4]);
  });

  it("reads Windows-1251", async () => {
    const data = encodeCp1251("Фамилия;Имя;Отчество;Должность\r\nЁлкин;Пётр;Сергеевич;Инженер «Цеха №1»\r\nЩукина;Юлия;;Бухгалтер\r\n");
    // The table in the fixture matches the real code page.
    expect(new TextDecoder("windows-1251").decode(encodeCp1251("Привет Ёё"))).toBe("Привет Ёё");
    expect([...encodeCp1251("Привет")]).toEqual([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);
    const sheet = await parseStaffFile(data, "staff.csv");
    expect(sheet.headers).toEqual(["Фамилия", "Имя", "Отчество", "Должность"]);
    expect(sheet.rows).toEqual([
      ["Ёлкин", "Пётр", "Сергеевич", "Инженер «Цеха №1»"],
      ["Щукина", "Юлия", "", "Бухгалтер"],
    ]);
  });

  it("detects ',' even when data cells contain ';'", async () => {
    const data = Buffer.from('Last name,First name,Phone\nSmith,John,"+1 212 555 0100; +44 20 7946 0958"\nDoe,Jane,+49 30 1234567\n');
    const sheet = await parseStaffFile(data, "staff.csv");
    expect(sheet.headers).toEqual(["Last name", "First name", "Phone"]);
    expect(sheet.rows[0]).toEqual(["Smith", "John", "+1 212 555 0100; +44 20 7946 0958"]);
  });

  it("detects ';' even when data cells contain unquoted commas", async () => {
    const data = Buffer.from("Фамилия;Имя;Должность\nИванов;Иван;Директор, Москва\nПетров;Пётр;Менеджер, Санкт-Петербург\n");
    const sheet = await parseStaffFile(data, "staff.csv");
    expect(sheet.rows).toEqual([
      ["Иванов", "Иван", "Директор, Москва"],
      ["Петров", "Пётр", "Менеджер, Санкт-Петербург"],
    ]);
  });

  it("reads tab-separated UTF-16 (Excel 'Unicode text')", async () => {
    const data = Buffer.from("\ufeffФамилия\tИмя\r\nИванов\tИван\r\n", "utf16le");
    const sheet = await parseStaffFile(data, "staff.csv");
    expect(sheet.headers).toEqual(["Фамилия", "Имя"]);
    expect(sheet.rows).toEqual([["Иванов", "Иван"]]);
  });
});

describe("parseStaffFile: errors", () => {
  it("refuses other types", async () => {
    for (const name of ["staff.xls", "staff.txt", "staff", "staff.pdf"]) {
      const error = await fileError(parseStaffFile(Buffer.from("a;b\n1;2"), name));
      expect(error.code).toBe("unsupported_type");
    }
  });

  it("reports empty files and files with only a header", async () => {
    expect((await fileError(parseStaffFile(Buffer.alloc(0), "a.csv"))).code).toBe("empty");
    expect((await fileError(parseStaffFile(Buffer.from("\r\n;;\r\n \r\n"), "a.csv"))).code).toBe("empty");
    expect((await fileError(parseStaffFile(Buffer.from("Фамилия;Имя\r\n;\r\n"), "a.csv"))).code).toBe("empty");
    expect((await fileError(parseStaffFile(await makeStaffXlsx([]), "a.xlsx"))).code).toBe("empty");
    expect((await fileError(parseStaffFile(await makeXlsx([]), "a.xlsx"))).code).toBe("empty");
  });

  it("reports unreadable content", async () => {
    expect((await fileError(parseStaffFile(Buffer.from("not a zip at all"), "a.xlsx"))).code).toBe("unreadable");
    expect((await fileError(parseStaffFile(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]), "a.xlsx"))).code).toBe("unreadable");
    expect((await fileError(parseStaffFile(await makeStaffXlsx([["a", "b"]]), "renamed.csv"))).code).toBe("unreadable");
    expect((await fileError(parseStaffFile(Buffer.from([0x41, 0x3b, 0x42, 0x0a, 0x00, 0x01, 0x3b, 0x02]), "bin.csv"))).code).toBe(
      "unreadable",
    );
  });

  it("allows exactly maxRows data rows and refuses one more (CSV and XLSX)", async () => {
    const csv = (n: number) => Buffer.from(["Фамилия;Имя", ...Array.from({ length: n }, (_, i) => `Ф${i};И${i}`), ""].join("\n"));
    expect((await parseStaffFile(csv(3), "a.csv", { maxRows: 3 })).rows).toHaveLength(3);
    const csvError = await fileError(parseStaffFile(csv(4), "a.csv", { maxRows: 3 }));
    expect(csvError.code).toBe("too_many_rows");
    expect(csvError.params).toEqual({ limit: 3 });

    const xlsx = (n: number) => makeStaffXlsx(Array.from({ length: n }, (_, i) => [`Ф${i}`, `И${i}`]));
    expect((await parseStaffFile(await xlsx(3), "a.xlsx", { maxRows: 3 })).rows).toHaveLength(3);
    expect((await fileError(parseStaffFile(await xlsx(4), "a.xlsx", { maxRows: 3 }))).code).toBe("too_many_rows");
  });

  it("defaults to 20,000 data rows", async () => {
    const csv = (n: number) => Buffer.from(["Фамилия;Имя", ...Array.from({ length: n }, (_, i) => `Ф${i};И${i}`)].join("\n"));
    expect((await parseStaffFile(csv(20_000), "a.csv")).rows).toHaveLength(20_000);
    expect((await fileError(parseStaffFile(csv(20_001), "a.csv"))).code).toBe("too_many_rows");
  });
});
