// Cell text clean-up shared by the XLSX and CSV readers.

/** Zero-width characters and BOMs removed, NBSP to space, ends trimmed; inner newlines kept (a phone cell may list one number per line). */
export function cleanCell(value: string): string {
  return value
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, "")
    .replace(/\u00A0/g, " ")
    .replace(/\r\n?/g, "\n")
    .trim();
}

/** Header text on one line: "Фамилия\n(обязательно)" -> "Фамилия (обязательно)". */
export function cleanHeader(value: string): string {
  return cleanCell(value).replace(/\s+/g, " ");
}

export function isBlankRow(row: readonly string[]): boolean {
  return row.every((cell) => cell === "");
}

export interface ParsedSheet {
  headers: string[];
  /** Data rows, all as wide as `headers`, fully empty rows left out. */
  rows: string[][];
  /** For each entry of `rows`, its 1-based row number in the spreadsheet (or record number in the CSV), for messages. */
  rowNumbers: number[];
}

export interface ParseOptions {
  /** Most data rows accepted (the header row and empty rows do not count). Default 20,000. */
  maxRows?: number;
  /** Most bytes of the file itself (XLSX or CSV). Default 10 MB, the upload limit. */
  maxFileBytes?: number;
  /** Most bytes of an XLSX once unzipped, all parts together. Default 24 MB (a 20,000-row list is about 10 MB). */
  maxUncompressedBytes?: number;
}

export const DEFAULT_MAX_ROWS = 20_000;
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 24 * 1024 * 1024;
/** <row> elements in one worksheet, blank formatted rows included: generous, the uncompressed cap is the real bound. */
export const sheetRowCap = (maxRows: number) => Math.max(maxRows * 5, 1000);

/**
 * Turns raw non-blank rows (with their sheet row numbers) into headers + rows: the first row
 * is the header, every row is padded/cut to the widest non-empty column so trailing empty
 * formatted columns disappear.
 */
export function toSheet(raw: Array<{ cells: string[]; rowNumber: number }>): ParsedSheet | null {
  if (raw.length === 0) return null;
  let width = 0;
  for (const { cells } of raw) {
    for (let c = cells.length - 1; c >= width; c--) {
      if (cells[c] !== "") {
        width = c + 1;
        break;
      }
    }
  }
  const fit = (cells: string[]) => Array.from({ length: width }, (_, c) => cells[c] ?? "");
  return {
    headers: fit(raw[0].cells).map(cleanHeader),
    rows: raw.slice(1).map((r) => fit(r.cells)),
    rowNumbers: raw.slice(1).map((r) => r.rowNumber),
  };
}
