import { createInflateRaw } from "node:zlib";
import { ImportFileError } from "./errors";

// A zip bomb check that runs before exceljs sees the file. exceljs loads the whole workbook
// into memory (97 MB of XML took 20 s and 2.4 GB), so an XLSX is first inflated here as a
// stream into nothing: the bytes and the worksheet rows are counted, and the file is refused
// as soon as either passes its cap. Inflation runs on libuv's pool in small chunks, so other
// requests are served meanwhile, and memory stays at one chunk.

export interface ZipLimits {
  /** Most bytes of all entries together, once uncompressed. */
  maxUncompressedBytes: number;
  /** Most <row> elements in one worksheet (empty formatted rows included). */
  maxSheetRows: number;
  /** Most entries in the archive. */
  maxEntries?: number;
}

type Entry = { name: string; method: number; compressedSize: number; uncompressedSize: number; localOffset: number };

const MB = 1024 * 1024;
const refuseSize = (limit: number) =>
  new ImportFileError("too_large", "more uncompressed data than allowed", { limit: Math.round(limit / MB) });
const refuseRows = (limit: number) => new ImportFileError("too_many_rows", "more worksheet rows than allowed", { limit });
const unreadable = (why: string) => new ImportFileError("unreadable", `XLSX zip: ${why}`);

/** The central directory's entries (the list at the end of a zip); sizes as declared, checked later. */
export function zipEntries(data: Buffer): Entry[] {
  const from = Math.max(0, data.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = data.length - 22; i >= from; i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw unreadable("no end of central directory");
  const count = data.readUInt16LE(eocd + 10);
  let p = data.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) throw unreadable("zip64 is not expected in a staff list");
  const entries: Entry[] = [];
  for (let k = 0; k < count; k++) {
    if (p + 46 > data.length || data.readUInt32LE(p) !== 0x02014b50) throw unreadable("broken central directory");
    const nameLength = data.readUInt16LE(p + 28);
    const extraLength = data.readUInt16LE(p + 30);
    const commentLength = data.readUInt16LE(p + 32);
    entries.push({
      name: data.toString("utf8", p + 46, p + 46 + nameLength),
      method: data.readUInt16LE(p + 10),
      compressedSize: data.readUInt32LE(p + 20),
      uncompressedSize: data.readUInt32LE(p + 24),
      localOffset: data.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function entryData(data: Buffer, e: Entry): Buffer {
  const p = e.localOffset;
  if (p + 30 > data.length || data.readUInt32LE(p) !== 0x04034b50) throw unreadable(`no local header for ${e.name}`);
  const start = p + 30 + data.readUInt16LE(p + 26) + data.readUInt16LE(p + 28);
  if (start + e.compressedSize > data.length) throw unreadable(`${e.name} is cut off`);
  return data.subarray(start, start + e.compressedSize);
}

const ROW_TAG = /<(?:[A-Za-z_][\w.-]*:)?row[\s>/]/g;

/** Counts <row ...> tags across chunk boundaries: only matches that end in the new chunk count. */
function rowCounter() {
  let tail = "";
  let rows = 0;
  return {
    add(chunk: Buffer): number {
      const text = tail + chunk.toString("latin1");
      for (const m of text.matchAll(ROW_TAG)) if ((m.index ?? 0) + m[0].length > tail.length) rows++;
      tail = text.slice(-24);
      return rows;
    },
  };
}

/** Refuses (ImportFileError too_large / too_many_rows / unreadable) before anything is built from the file. */
export async function checkXlsxZip(data: Buffer, limits: ZipLimits): Promise<void> {
  const entries = zipEntries(data);
  if (entries.length > (limits.maxEntries ?? 1000)) throw refuseSize(limits.maxUncompressedBytes);
  // Declared sizes first: a cheap refusal for honest bombs. They can lie, so the bytes are counted too.
  if (entries.reduce((sum, e) => sum + e.uncompressedSize, 0) > limits.maxUncompressedBytes) throw refuseSize(limits.maxUncompressedBytes);
  let total = 0;
  for (const e of entries) {
    const raw = entryData(data, e);
    const isSheet = /^xl\/worksheets\/[^/]+\.xml$/i.test(e.name);
    const rows = isSheet ? rowCounter() : null;
    const onChunk = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limits.maxUncompressedBytes) throw refuseSize(limits.maxUncompressedBytes);
      if (rows && rows.add(chunk) > limits.maxSheetRows) throw refuseRows(limits.maxSheetRows);
    };
    if (e.method === 0) onChunk(raw);
    else if (e.method === 8) await inflateCounting(raw, onChunk);
    else throw unreadable(`compression method ${e.method}`);
  }
}

function inflateCounting(raw: Buffer, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw({ chunkSize: 64 * 1024 });
    let failed = false;
    inflate.on("data", (chunk: Buffer) => {
      if (failed) return;
      try {
        onChunk(chunk);
      } catch (err) {
        failed = true;
        inflate.destroy();
        reject(err);
      }
    });
    inflate.on("error", (err) => {
      if (failed) return;
      failed = true;
      reject(unreadable(`inflate failed: ${err.message}`));
    });
    inflate.on("end", () => !failed && resolve());
    inflate.end(raw);
  });
}
