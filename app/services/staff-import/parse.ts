import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_ROWS, DEFAULT_MAX_UNCOMPRESSED_BYTES, sheetRowCap, toSheet, type ParseOptions, type ParsedSheet } from "./cells";
import { readCsvRows } from "./csv";
import { ImportFileError } from "./errors";
import { readXlsxRows } from "./xlsx";
import { checkXlsxZip } from "./zip-guard";

export type { ParseOptions, ParsedSheet };

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0]; // legacy .xls / .doc

function startsWith(data: Uint8Array, signature: number[]): boolean {
  return signature.every((byte, i) => data[i] === byte);
}

/**
 * Reads an uploaded staff list: the first non-empty row is the header, fully empty rows are
 * skipped, every cell is a trimmed string. The type is chosen by the file name; the content
 * must agree (an .xls renamed to .xlsx is "unreadable", a real .xls is "unsupported_type").
 */
export async function parseStaffFile(data: Buffer, filename: string, options: ParseOptions = {}): Promise<ParsedSheet> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const extension = /\.([^.]+)$/.exec(filename.trim())?.[1]?.toLowerCase() ?? "";
  if (extension !== "xlsx" && extension !== "csv") {
    throw new ImportFileError("unsupported_type", `unsupported file type: ${extension || "none"}`, { extension });
  }
  if (data.length === 0) throw new ImportFileError("empty", "the file is empty");
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (data.length > maxFileBytes) throw new ImportFileError("too_large", "the file is larger than allowed", { limit: Math.round(maxFileBytes / 1024 / 1024) });

  let raw;
  if (extension === "xlsx") {
    if (!startsWith(data, ZIP_SIGNATURE)) throw new ImportFileError("unreadable", "not an XLSX (zip) file");
    // Unzipped size and worksheet rows are counted as a stream before exceljs loads anything.
    await checkXlsxZip(data, { maxUncompressedBytes: options.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES, maxSheetRows: sheetRowCap(maxRows) });
    raw = await readXlsxRows(data, maxRows);
  } else {
    if (startsWith(data, ZIP_SIGNATURE) || startsWith(data, OLE_SIGNATURE))
      throw new ImportFileError("unreadable", "a spreadsheet file named .csv");
    raw = readCsvRows(data, maxRows);
  }

  const sheet = toSheet(raw);
  if (!sheet || sheet.rows.length === 0) throw new ImportFileError("empty", "no data rows under the header");
  return sheet;
}
