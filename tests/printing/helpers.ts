// Shared helpers for the printing tests: text out of a PDF (pdfjs-dist), PDF -> grey pixels
// (pdftoppm), QR decoding (jsQR) and sample badge data.
import { existsSync } from "node:fs";
import jsQR from "jsqr";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { BadgeData } from "../../printing/template";
import { pdfToPng } from "../../printing/preview";
import { decodePng, type Gray } from "./png";

export interface PdfPage {
  width: number;
  height: number;
  text: string;
}

/** Page sizes (pt) and the text of every page, as a PDF reader sees it. */
export async function readPdf(pdf: Buffer | Uint8Array): Promise<PdfPage[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), disableFontFace: true, isEvalSupported: false, verbosity: 0 }).promise;
  const pages: PdfPage[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const [x0, y0, x1, y1] = page.view;
    const content = await page.getTextContent();
    const text = content.items.map((it) => ("str" in it ? it.str + (it.hasEOL ? "\n" : "") : "")).join("");
    pages.push({ width: x1 - x0, height: y1 - y0, text });
  }
  await doc.destroy();
  return pages;
}

/** Joins what pdfjs split into runs, so "Иванов-Петровский Александр" can be matched. */
export const squash = (s: string) => s.replace(/\s+/g, " ").trim();

export function requireTool(path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`${path} not found: apt-get install -y ${pkg} (see .ci/run)`);
}

export async function pdfToGray(pdf: Buffer, dpi: number): Promise<Gray> {
  requireTool("/usr/bin/pdftoppm", "poppler-utils");
  return decodePng(await pdfToPng(pdf, { dpi, gray: true }));
}

/** Decodes a QR from a grey image region with jsQR; null if none found. */
export function decodeQr(img: Gray, region?: { x: number; y: number; w: number; h: number }): string | null {
  const r = region ?? { x: 0, y: 0, w: img.width, h: img.height };
  const x0 = Math.max(0, Math.floor(r.x)),
    y0 = Math.max(0, Math.floor(r.y));
  const w = Math.min(img.width - x0, Math.ceil(r.w)),
    h = Math.min(img.height - y0, Math.ceil(r.h));
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = img.data[(y0 + y) * img.width + x0 + x];
      rgba.set([v, v, v, 255], (y * w + x) * 4);
    }
  }
  return jsQR(rgba, w, h)?.data ?? null;
}

export function badge(over: Partial<BadgeData> = {}): BadgeData {
  return {
    fullName: "Иванов-Петровский Александр",
    company: "ООО «Ромашка»",
    position: "Генеральный директор",
    category: "speaker",
    code: "EXD1.7Hq2k9_Xv-3",
    eventName: "ExpoTech 2026",
    eventDates: "12–14 марта 2026",
    locale: "ru",
    ...over,
  };
}
