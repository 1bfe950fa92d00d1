// PDF badges with pdfkit: the page is exactly the label (or the sheet for office templates),
// text in embedded DejaVu, the QR as vector rectangles so thermal printers get crisp modules.
import { PassThrough, type Readable } from "node:stream";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import { pdfFontSource } from "./fonts";
import { layoutBadge, type BadgeLayout, type Block, type FontFace, type RenderMetrics } from "./layout";
import { getTemplate, type BadgeData, type BadgeTemplate } from "./template";

/** Page size of an empty multi-template PDF. */
const TEMPLATES_FALLBACK = () => getTemplate("brother-62x100");

export const PT_PER_MM = 72 / 25.4;
/** DejaVu's ascent + descent (hhea) in em, the same for both faces we embed. */
export const DEJAVU_EM_HEIGHT = (928.22 + 235.84) / 1000;
/** A line box a bit taller than the glyphs' extent keeps two lines from touching. */
export const PDF_LINE_HEIGHT = 1.17;
/** Modules of white around the QR inside its box (label stock around it is white too). */
export const QR_QUIET_MODULES = 2;

export interface PdfOptions {
  /** Logo image (PNG/JPEG bytes or a file path); overrides the template's logo.src. */
  logo?: Buffer | string;
  title?: string;
}

type Doc = PDFKit.PDFDocument;

function newDoc(title: string): Doc {
  // font: null skips loading Helvetica, which we never use.
  const doc = new PDFDocument({
    autoFirstPage: false,
    margin: 0,
    font: null as unknown as string,
    info: { Title: title, Producer: "Expo Desk" },
  });
  // pdfkit's typings only know paths and buffers; it also takes a parsed fontkit font.
  doc.registerFont("regular", pdfFontSource("regular") as Buffer);
  doc.registerFont("bold", pdfFontSource("bold") as Buffer);
  return doc;
}

// pdfkit shapes each word with fontkit once per document and caches the result on that
// document's font object. Badges repeat most words (event, company, category), and every
// document embeds the same parsed fonts (fonts.ts), so one cache per face serves them all.
// Started afresh every 1,000 documents, so a day of unique names does not grow it without bound.
type LayoutCache = Record<string, unknown>;
const LAYOUT_CACHE_DOCS = 1000;
const layoutCaches: Partial<Record<FontFace, { cache: LayoutCache; docs: number }>> = {};

function useFont(doc: Doc, face: FontFace): Doc {
  doc.font(face);
  // pdfkit keeps the cache on its (undocumented) _font.layoutCache; without it nothing is shared.
  const font = (doc as unknown as { _font?: { layoutCache?: LayoutCache } })._font;
  if (!font?.layoutCache) return doc;
  const shared = (layoutCaches[face] ??= { cache: font.layoutCache, docs: 0 });
  if (font.layoutCache !== shared.cache) {
    if (++shared.docs > LAYOUT_CACHE_DOCS) layoutCaches[face] = { cache: font.layoutCache, docs: 0 };
    else font.layoutCache = shared.cache;
  }
  return doc;
}

function metricsFor(doc: Doc): RenderMetrics {
  return {
    measure: (text: string, font: FontFace) => useFont(doc, font).fontSize(1).widthOfString(text),
    unitsPerMm: PT_PER_MM,
    sizePerPt: 1,
    lineHeight: PDF_LINE_HEIGHT,
    sizeStep: 0.5,
    ellipsis: "…",
  };
}

let measuringDoc: Doc | null = null;
/** The layout (in points) the PDF renderer would draw; used by previews and tests. */
export function layoutBadgePdf(data: BadgeData, template: BadgeTemplate): BadgeLayout {
  measuringDoc ??= newDoc("measure");
  return layoutBadge(data, template, metricsFor(measuringDoc));
}

/**
 * Characters the embedded font cannot draw (pdfkit has no fallback: they would print as empty
 * boxes). Lets the manager page warn before a badge goes out.
 */
export function missingGlyphs(text: string, face: FontFace = "bold"): string[] {
  measuringDoc ??= newDoc("measure");
  measuringDoc.font(face);
  // pdfkit keeps the fontkit font on its (undocumented) _font.font; fail loudly if that changes.
  const font = (measuringDoc as unknown as { _font?: { font?: { hasGlyphForCodePoint?: (cp: number) => boolean } } })._font?.font;
  if (typeof font?.hasGlyphForCodePoint !== "function") throw new Error("cannot inspect the embedded font (pdfkit internals changed)");
  const missing = Array.from(text).filter((ch) => !/\s/u.test(ch) && !font.hasGlyphForCodePoint?.(ch.codePointAt(0) ?? 0));
  return [...new Set(missing)];
}

function drawQr(doc: Doc, b: Extract<Block, { kind: "qr" }>) {
  const qr = QRCode.create(b.code, { errorCorrectionLevel: b.errorCorrection });
  const n = qr.modules.size;
  const m = b.box.w / (n + 2 * QR_QUIET_MODULES);
  const x0 = b.box.x + QR_QUIET_MODULES * m;
  const y0 = b.box.y + QR_QUIET_MODULES * m;
  // One rectangle per horizontal run of dark modules keeps the content stream small.
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!qr.modules.get(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && qr.modules.get(r, c)) c++;
      doc.rect(x0 + start * m, y0 + r * m, (c - start) * m, m);
    }
  }
  doc.fillColor("#000000").fill();
}

function drawBadge(doc: Doc, layout: BadgeLayout, ox: number, oy: number, opts: PdfOptions) {
  doc.save();
  doc.translate(ox, oy);
  for (const b of layout.blocks) {
    switch (b.kind) {
      case "band":
        doc.rect(b.box.x, b.box.y, b.box.w, b.box.h).fillColor(b.color).fill();
        break;
      case "text":
        useFont(doc, b.font).fontSize(b.size).fillColor(b.color);
        for (const l of b.lines) {
          // pdfkit puts the baseline at y + ascent; centre the glyphs in the line box.
          const lead = (b.lineAdvance - b.size * DEJAVU_EM_HEIGHT) / 2;
          doc.text(l.text, l.x, l.y + lead, { lineBreak: false });
        }
        break;
      case "qr":
        drawQr(doc, b);
        break;
      case "logo": {
        const src = opts.logo ?? b.src;
        if (!src) break;
        try {
          doc.image(src, b.box.x, b.box.y, { fit: [b.box.w, b.box.h], align: "center", valign: "center" });
        } catch {
          // An unreadable logo leaves its box empty rather than failing the badge.
        }
        break;
      }
    }
  }
  doc.restore();
}

/** Where each badge slot sits on the page (one slot for label templates). */
function slots(template: BadgeTemplate): { pageW: number; pageH: number; at: { x: number; y: number }[] } {
  const s = template.sheet;
  if (!s) return { pageW: template.widthMm * PT_PER_MM, pageH: template.heightMm * PT_PER_MM, at: [{ x: 0, y: 0 }] };
  const at: { x: number; y: number }[] = [];
  for (let r = 0; r < s.rows; r++) {
    for (let c = 0; c < s.columns; c++) {
      at.push({
        x: (s.marginXMm + c * (template.widthMm + s.gapXMm)) * PT_PER_MM,
        y: (s.marginYMm + r * (template.heightMm + s.gapYMm)) * PT_PER_MM,
      });
    }
  }
  return { pageW: s.pageWidthMm * PT_PER_MM, pageH: s.pageHeightMm * PT_PER_MM, at };
}

/** Short grey ticks in the sheet margins where the guillotine cuts go. */
function drawCutMarks(doc: Doc, template: BadgeTemplate) {
  const s = template.sheet;
  if (!s?.cutMarks) return;
  const len = Math.min(4, s.marginXMm, s.marginYMm) * PT_PER_MM;
  if (len <= 0) return;
  const xs = new Set<number>();
  const ys = new Set<number>();
  for (let c = 0; c < s.columns; c++) {
    xs.add(s.marginXMm + c * (template.widthMm + s.gapXMm));
    xs.add(s.marginXMm + c * (template.widthMm + s.gapXMm) + template.widthMm);
  }
  for (let r = 0; r < s.rows; r++) {
    ys.add(s.marginYMm + r * (template.heightMm + s.gapYMm));
    ys.add(s.marginYMm + r * (template.heightMm + s.gapYMm) + template.heightMm);
  }
  const W = s.pageWidthMm * PT_PER_MM;
  const H = s.pageHeightMm * PT_PER_MM;
  doc.save().lineWidth(0.3).strokeColor("#999999");
  for (const x of xs) {
    doc
      .moveTo(x * PT_PER_MM, 0)
      .lineTo(x * PT_PER_MM, len)
      .moveTo(x * PT_PER_MM, H - len)
      .lineTo(x * PT_PER_MM, H);
  }
  for (const y of ys) {
    doc
      .moveTo(0, y * PT_PER_MM)
      .lineTo(len, y * PT_PER_MM)
      .moveTo(W - len, y * PT_PER_MM)
      .lineTo(W, y * PT_PER_MM);
  }
  doc.stroke().restore();
}

function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}

/** One badge. For sheet templates the page is the sheet with the badge in the first slot. */
export async function renderBadgePdf(data: BadgeData, template: BadgeTemplate, opts: PdfOptions = {}): Promise<Buffer> {
  const doc = newDoc(opts.title ?? data.fullName);
  const done = collect(doc);
  const page = slots(template);
  doc.addPage({ size: [page.pageW, page.pageH], margin: 0 });
  drawCutMarks(doc, template);
  drawBadge(doc, layoutBadge(data, template, metricsFor(doc)), page.at[0].x, page.at[0].y, opts);
  doc.end();
  return done;
}

export type ProgressFn = (done: number, total: number | undefined) => void;

/**
 * Many badges in one PDF, streamed as pages are drawn (a page per badge, or per sheet of
 * badges). Rendering waits while the consumer is slow and stops if the stream is destroyed.
 * `template` may be a function: badges of one event can use several templates (per category);
 * a badge whose template differs from the current page's starts a new page of its own size.
 */
export function renderBadgesPdf(
  items: Iterable<BadgeData> | AsyncIterable<BadgeData>,
  template: BadgeTemplate | ((item: BadgeData) => BadgeTemplate),
  onProgress?: ProgressFn,
  opts: PdfOptions = {},
): Readable {
  const out = new PassThrough();
  const doc = newDoc(opts.title ?? "badges");
  const metrics = metricsFor(doc);
  const pick = typeof template === "function" ? template : () => template;
  const total = Array.isArray(items) ? items.length : undefined;

  doc.on("data", (chunk: Buffer) => out.write(chunk));
  doc.on("end", () => out.end());
  doc.on("error", (e: Error) => out.destroy(e));

  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        out.off("drain", done);
        out.off("close", done);
        resolve();
      };
      out.on("drain", done);
      out.on("close", done);
    });

  (async () => {
    let n = 0;
    let current: BadgeTemplate | null = null;
    let page = slots(typeof template === "function" ? TEMPLATES_FALLBACK() : template);
    let slot = 0;
    for await (const item of items) {
      if (out.destroyed) return;
      const tpl = pick(item);
      if (tpl !== current || slot === page.at.length) {
        current = tpl;
        page = slots(tpl);
        slot = 0;
        doc.addPage({ size: [page.pageW, page.pageH], margin: 0 });
        drawCutMarks(doc, tpl);
      }
      drawBadge(doc, layoutBadge(item, tpl, metrics), page.at[slot].x, page.at[slot].y, opts);
      slot++;
      n++;
      onProgress?.(n, total);
      // Yield between pages so the stream flows and a progress bar can update.
      if (out.writableNeedDrain) await drained();
      else if (slot === page.at.length) await new Promise((r) => setImmediate(r));
    }
    if (out.destroyed) return;
    if (n === 0) doc.addPage({ size: [page.pageW, page.pageH], margin: 0 }); // a PDF needs a page
    doc.end();
  })().catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))));
  return out;
}
