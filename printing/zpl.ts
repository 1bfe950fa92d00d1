// ZPL badges for Zebra printers on raw TCP: text in the printer's scalable font, QR via ^BQN.
// Layout follows the same rules as the PDF (printing/layout.ts); only the metrics differ.
import QRCode from "qrcode";
import PDFDocument from "pdfkit";
import { pdfFontSource } from "./fonts";
import { layoutBadge, type BadgeLayout, type RenderMetrics } from "./layout";
import type { BadgeData, BadgeTemplate } from "./template";

export type ZplDpi = 203 | 300;
/** Zebra heads are 8 or 12 dots per mm ("203" and "300" dpi). */
export const ZPL_DOTS_PER_MM: Record<ZplDpi, number> = { 203: 8, 300: 12 };
/**
 * Font 0 (CG Triumvirate Bold Condensed) is narrower than DejaVu Sans Condensed Bold: rendered
 * with zebrash it measured 0.74-0.85 of DejaVu's advance. 0.9 keeps slack so our line breaks
 * hold on the printer, and DejaVu's Cyrillic metrics stand in for the printer's Cyrillic font.
 */
export const ZPL_WIDTH_FACTOR = 0.9;
/** Font 0 ink spans about 0.95 of ^A0's height; 10% more between lines. */
export const ZPL_LINE_HEIGHT = 1.1;
export const ZPL_QR_QUIET_MODULES = 2;

export interface ZplOptions {
  dpi: ZplDpi;
  /**
   * A printer-resident TrueType font for text instead of ^A0, e.g. "E:TT0003M_.TTF" (has
   * Cyrillic on printers that ship it). ^A0 covers Cyrillic on some models only.
   */
  fontFile?: string;
  copies?: number;
}

let measuringDoc: PDFKit.PDFDocument | null = null;
function zplMetrics(dpi: ZplDpi): RenderMetrics {
  if (!measuringDoc) {
    measuringDoc = new PDFDocument({ autoFirstPage: false, font: null as unknown as string });
    measuringDoc.registerFont("bold", pdfFontSource("bold") as Buffer);
  }
  const doc = measuringDoc;
  const dpmm = ZPL_DOTS_PER_MM[dpi];
  return {
    // Every ZPL field uses the one scalable font, so "regular" is measured like "bold".
    measure: (text) => doc.font("bold").fontSize(1).widthOfString(text) * ZPL_WIDTH_FACTOR,
    unitsPerMm: dpmm,
    sizePerPt: (dpmm * 25.4) / 72,
    lineHeight: ZPL_LINE_HEIGHT,
    sizeStep: 1,
    ellipsis: "...",
  };
}

/** The layout in dots that renderBadgeZpl prints. */
export function layoutBadgeZpl(data: BadgeData, template: BadgeTemplate, opts: ZplOptions = { dpi: 203 }): BadgeLayout {
  return layoutBadge(data, template, zplMetrics(opts.dpi));
}

/**
 * Escapes user text for a ^FH field: ^ and ~ would start a command, _ is ^FH's own escape
 * character. A backslash is doubled because ^FB reads "\&" as a line break.
 */
export function escapeZplText(text: string): string {
  return hexEscape(text).replace(/\\/g, "\\\\");
}

/** ^FH hex escapes for the three characters ZPL would otherwise interpret: ^ -> _5E, ~ -> _7E, _ -> _5F. */
function hexEscape(text: string): string {
  return text.replace(/[\^~_]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const r = Math.round;

function qrField(code: string, level: "L" | "M" | "Q" | "H", box: { x: number; y: number; w: number }): string {
  const n = QRCode.create(code, { errorCorrectionLevel: level }).modules.size;
  const mag = Math.max(1, Math.min(10, Math.floor(box.w / (n + 2 * ZPL_QR_QUIET_MODULES))));
  const off = (box.w - n * mag) / 2;
  // Codes are printed literally so the bytes after "QA," are exactly the code; only a code that
  // contains a ZPL command character needs ^FH (its hex escapes still scan as the same code).
  const needsHex = /[\^~]/.test(code);
  const data = needsHex ? hexEscape(code) : code;
  return `^FO${r(box.x + off)},${r(box.y + off)}^BQN,2,${mag}${needsHex ? "^FH" : ""}^FD${level}A,${data}^FS`;
}

export function renderBadgeZpl(data: BadgeData, template: BadgeTemplate, opts: ZplOptions = { dpi: 203 }): string {
  const layout = layoutBadgeZpl(data, template, opts);
  const font = (h: number) => (opts.fontFile ? `^A@N,${h},${h},${opts.fontFile}` : `^A0N,${h},${h}`);
  // Whole dots, never more than the stock: 4 x 3 in at 203 dpi is 812 x 609.
  const pw = Math.floor(layout.width + 1e-6);
  const ll = Math.floor(layout.height + 1e-6);
  const out: string[] = ["^XA", "^CI28", `^PW${pw}`, `^LL${ll}`, "^LH0,0"];
  for (const b of layout.blocks) {
    switch (b.kind) {
      case "band": {
        // A filled box (thickness = the smaller side), clipped to the label.
        const [x, y] = [r(b.box.x), r(b.box.y)];
        const [w, h] = [Math.min(r(b.box.w), pw - x), Math.min(r(b.box.h), ll - y)];
        out.push(`^FO${x},${y}^GB${w},${h},${Math.min(w, h)},B,0^FS`);
        break;
      }
      case "text": {
        const h = r(b.size);
        const gap = r(b.lineAdvance - h);
        const just = b.align === "left" ? "L" : b.align === "right" ? "R" : "C";
        // Our own line breaks (\&) inside a field block: the printer aligns each line itself.
        const body = b.lines.map((l) => escapeZplText(l.text)).join("\\&");
        const y = b.lines[0].y + (b.lineAdvance - h) / 2;
        const reverse = b.role === "category" ? "^FR" : "";
        out.push(
          `^FO${r(b.box.x)},${r(y)}${font(h)}^FB${Math.floor(b.box.w)},${b.lines.length},${gap},${just},0${reverse}^FH^FD${body}^FS`,
        );
        break;
      }
      case "qr":
        out.push(qrField(b.code, b.errorCorrection, b.box));
        break;
      case "logo":
        break; // Not sent: a logo needs ^GF graphics; the PDF path (CUPS) prints logos.
    }
  }
  if (opts.copies && opts.copies > 1) out.push(`^PQ${Math.floor(opts.copies)}`);
  out.push("^XZ");
  return out.join("\n") + "\n";
}

/** Several labels in one ZPL stream (a Zebra prints them one after another). */
export function renderBadgesZpl(items: Iterable<BadgeData>, template: BadgeTemplate, opts: ZplOptions = { dpi: 203 }): string {
  let s = "";
  for (const item of items) s += renderBadgeZpl(item, template, opts);
  return s;
}
