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

/**
 * A zip bomb dressed as an XLSX: the usual small parts plus xl/worksheets/sheet1.xml of about
 * `megabytes` MB of highly compressible XML (one repeated row). `lie` declares the sheet as
 * 1 KB in the zip directories, so only counting the inflated bytes catches it.
 */
export async function makeXlsxBomb(megabytes: number, opts: { lie?: boolean; rowXml?: string } = {}): Promise<Buffer> {
  const { createDeflateRaw, crc32, deflateRawSync } = await import("node:zlib");
  const row = opts.rowXml ?? `<row r="2"><c r="A2" t="inlineStr"><is><t>${"Иванов ".repeat(60)}</t></is></c></row>`;
  const head = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`);
  const tail = Buffer.from(`</sheetData></worksheet>`);
  const block = Buffer.from(row.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(row))));
  const blocks = Math.ceil((megabytes * 1024 * 1024) / block.length);
  // Streamed through deflate so the test itself never holds the inflated sheet.
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => deflate.on("end", resolve));
  let crc = crc32(head);
  deflate.write(head);
  for (let i = 0; i < blocks; i++) {
    crc = crc32(block, crc);
    if (!deflate.write(block)) await new Promise((r) => deflate.once("drain", r));
  }
  crc = crc32(tail, crc);
  deflate.end(tail);
  await done;
  const sheetSize = head.length + blocks * block.length + tail.length;
  const parts: Array<{ name: string; data: Buffer; size: number; crc: number }> = [];
  const small = (name: string, xml: string) => {
    const raw = Buffer.from(xml);
    parts.push({ name, data: deflateRawSync(raw), size: raw.length, crc: crc32(raw) });
  };
  small("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`);
  small("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
  small("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Сотрудники" sheetId="1" r:id="rId1"/></sheets></workbook>`);
  small("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`);
  parts.push({ name: "xl/worksheets/sheet1.xml", data: Buffer.concat(out), size: opts.lie ? 1024 : sheetSize, crc });
  return zip(parts);
}

/** A plain zip (deflated entries already made): local headers, data, central directory. */
function zip(parts: Array<{ name: string; data: Buffer; size: number; crc: number }>): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(p.crc >>> 0, 14);
    local.writeUInt32LE(p.data.length, 18);
    local.writeUInt32LE(p.size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(p.crc >>> 0, 16);
    dir.writeUInt32LE(p.data.length, 20);
    dir.writeUInt32LE(p.size >>> 0, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    chunks.push(local, name, p.data);
    central.push(dir, name);
    offset += local.length + name.length + p.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, cd, end]);
}
