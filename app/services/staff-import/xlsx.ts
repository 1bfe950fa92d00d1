import ExcelJS from "exceljs";
import { cleanCell, isBlankRow } from "./cells";
import { ImportFileError } from "./errors";

// XLSX reading with exceljs. The whole workbook is loaded in memory (exceljs has no cheap
// random access); the upload size limit of the route bounds that.

type RawRow = { cells: string[]; rowNumber: number };

/** Non-blank rows of the first visible worksheet that has any; throws too_many_rows past the limit. */
export async function readXlsxRows(data: Buffer, maxRows: number): Promise<RawRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own Buffer type (an ArrayBuffer look-alike); a Node Buffer is what it reads.
    await workbook.xlsx.load(data as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw new ImportFileError("unreadable", "XLSX workbook could not be read", {}, { cause: error });
  }
  // Hidden sheets hold lookup lists and the like; use them only if nothing visible has data.
  const sheets = [...workbook.worksheets].sort((a, b) => Number(a.state !== "visible") - Number(b.state !== "visible"));
  for (const sheet of sheets) {
    const rows = readSheet(sheet, maxRows);
    if (rows.length > 0) return rows;
  }
  return [];
}

function readSheet(sheet: ExcelJS.Worksheet, maxRows: number): RawRow[] {
  const rows: RawRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      // A merged range repeats the master's value in every cell; keep it once, in the master.
      if (cell.isMerged && cell.master !== cell) return;
      cells[col - 1] = cleanCell(cellText(cell.value));
    });
    for (let c = 0; c < cells.length; c++) cells[c] ??= "";
    if (isBlankRow(cells)) return;
    // The header plus maxRows data rows are allowed.
    if (rows.length > maxRows) throw new ImportFileError("too_many_rows", `more than ${maxRows} data rows`, { limit: maxRows });
    rows.push({ cells, rowNumber });
  });
  return rows;
}

/** A cell's value as the user sees it, independent of number formats. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberText(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return dateText(value);
  if ("richText" in value) return value.richText.map((part) => part.text).join("");
  if ("hyperlink" in value) {
    // E-mail cells are usually hyperlinks: the text is the address, the link is "mailto:...".
    // exceljs may hand the text over as rich text despite its typings.
    const text = cellText(value.text as ExcelJS.CellValue);
    return text !== "" ? text : value.hyperlink.replace(/^mailto:/i, "");
  }
  if ("formula" in value || "sharedFormula" in value) return cellText(value.result ?? null);
  if ("error" in value) return ""; // #N/A and friends carry no data
  return "";
}

/** Phone numbers are often stored as numbers: never "7.9161234567E10" or "79161234567.0". */
function numberText(n: number): string {
  if (!Number.isFinite(n)) return "";
  const plain = String(n);
  if (!/e/i.test(plain)) return plain;
  return n.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 20 });
}

/** Excel dates have no time zone; exceljs builds them as UTC. */
function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return "";
  const iso = d.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 19).replace("T", " ");
}
