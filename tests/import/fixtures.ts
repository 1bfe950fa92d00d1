import ExcelJS from "exceljs";

// Builders for staff-import uploads, shared with other test suites.

export const DEFAULT_STAFF_HEADERS = ["Фамилия", "Имя", "Отчество", "Должность", "E-mail", "Телефон"];

/** An XLSX with one sheet "Сотрудники": the header row, then `rows` as plain text cells. */
export async function makeStaffXlsx(rows: string[][], headers: string[] = DEFAULT_STAFF_HEADERS): Promise<Buffer> {
  return makeXlsx([headers, ...rows]);
}

/**
 * An XLSX from raw exceljs cell values (numbers, hyperlinks, rich text, formulas...). Row i of
 * `rows` is sheet row i + 1; `null` rows stay empty. `configure` may add sheets, merges, etc.
 */
export async function makeXlsx(
  rows: Array<ExcelJS.CellValue[] | null>,
  configure?: (workbook: ExcelJS.Workbook, sheet: ExcelJS.Worksheet) => void,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Сотрудники");
  rows.forEach((values, i) => {
    if (!values) return;
    const row = sheet.getRow(i + 1);
    values.forEach((value, c) => {
      if (value !== null && value !== undefined) row.getCell(c + 1).value = value;
    });
    row.commit();
  });
  configure?.(workbook, sheet);
  const out = await workbook.xlsx.writeBuffer();
  return Buffer.from(out as unknown as ArrayBuffer);
}

/**
 * Windows-1251 bytes for text in ASCII and Russian letters (what Russian Excel writes for "CSV").
 * TextEncoder only produces UTF-8, so the code page is spelled out: А..я are 0xC0..0xFF in order.
 */
export function encodeCp1251(text: string): Buffer {
  const special: Record<string, number> = { Ё: 0xa8, ё: 0xb8, "№": 0xb9, "«": 0xab, "»": 0xbb, "—": 0x97, "–": 0x96, "\u00a0": 0xa0 };
  return Buffer.from(
    Array.from(text, (ch) => {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) return code;
      if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
      const byte = special[ch];
      if (byte === undefined) throw new Error(`no cp1251 byte for ${JSON.stringify(ch)} in this test table`);
      return byte;
    }),
  );
}
