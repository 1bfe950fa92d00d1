import Papa from "papaparse";
import { cleanCell, isBlankRow } from "./cells";
import { ImportFileError } from "./errors";

// CSV reading with papaparse. Russian Excel saves "CSV (разделители - запятые)" with ";" and in
// Windows-1251; newer Excel offers UTF-8 with a BOM; "Unicode text" is UTF-16 LE with tabs.

type RawRow = { cells: string[]; rowNumber: number };

const DELIMITERS = [";", ",", "\t"] as const;

export function decodeCsv(data: Uint8Array): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return new TextDecoder("utf-8").decode(data); // BOM consumed
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder("utf-16le").decode(data);
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder("utf-16be").decode(data);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    // Cyrillic in Windows-1251 is almost never valid UTF-8 (lead bytes without continuation bytes).
    return new TextDecoder("windows-1251").decode(data);
  }
}

/**
 * Picks the delimiter that splits the header into the most columns, among those that split the
 * following rows consistently. The header decides because headers rarely contain delimiters,
 * while data does ("Москва, Россия" in a ";" file).
 */
export function detectDelimiter(text: string): string {
  let best: { delimiter: string; consistency: number; columns: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const sample = Papa.parse<string[]>(text, { delimiter, preview: 50, skipEmptyLines: "greedy" }).data;
    if (sample.length === 0) continue;
    const columns = sample[0].length;
    if (columns < 2) continue;
    const consistency = sample.filter((row) => row.length === columns).length / sample.length;
    if (!best || consistency > best.consistency || (consistency === best.consistency && columns > best.columns)) {
      best = { delimiter, consistency, columns };
    }
  }
  return best?.delimiter ?? ","; // a single column: any delimiter gives the same result
}

export function readCsvRows(data: Uint8Array, maxRows: number): RawRow[] {
  const text = decodeCsv(data);
  // A binary file renamed to .csv (an old .xls, a zip) decodes to text with NULs.
  if (text.includes("\u0000")) throw new ImportFileError("unreadable", "CSV contains binary data");
  const rows: RawRow[] = [];
  let index = 0;
  let tooMany = false;
  // Record by record: the parse stops at the first row over the cap instead of building them all.
  Papa.parse<string[]>(text, {
    delimiter: detectDelimiter(text),
    skipEmptyLines: false,
    step: (result, parser) => {
      index++;
      const cells = result.data.map(cleanCell);
      if (isBlankRow(cells)) return;
      // The header plus maxRows data rows are allowed.
      if (rows.length > maxRows) {
        tooMany = true;
        parser.abort();
        return;
      }
      rows.push({ cells, rowNumber: index });
    },
  });
  if (tooMany) throw new ImportFileError("too_many_rows", `more than ${maxRows} data rows`, { limit: maxRows });
  return rows;
}
