// The embedded badge fonts come from the dejavu-fonts-ttf npm package (Latin + Cyrillic +
// Kazakh in one file), never from the system: pdfkit has no font fallback, so one file must
// cover every script a name may mix ("Иван Smith").
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import type { FontFace } from "./layout";

const require = createRequire(import.meta.url);

export const FONT_MODULE_PATHS: Record<FontFace, string> = {
  regular: "dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
  // Condensed bold so long surnames keep a large size.
  bold: "dejavu-fonts-ttf/ttf/DejaVuSansCondensed-Bold.ttf",
};

let cache: Record<FontFace, Buffer> | null = null;

/** Font files, read once per process (resolved lazily so importing printing/ never touches disk). */
export function fontData(): Record<FontFace, Buffer> {
  cache ??= {
    regular: readFileSync(require.resolve(FONT_MODULE_PATHS.regular)),
    bold: readFileSync(require.resolve(FONT_MODULE_PATHS.bold)),
  };
  return cache;
}

type FontkitFont = {
  layout: (...args: unknown[]) => unknown;
  characterSet?: number[];
  glyphForCodePoint?: (cp: number) => unknown;
};
let parsed: Record<FontFace, FontkitFont | Buffer> | null = null;

/**
 * What to pass to doc.registerFont(). pdfkit parses a TTF buffer again for every document
 * (most of a badge's ~100 ms); it also accepts an already parsed fontkit font, which we take
 * from a throwaway document once per process. If pdfkit's internals ever change we fall back
 * to the buffer: slower, same output.
 *
 * Sharing has one trap: fontkit caches glyph objects with the characters they were first
 * created for, and subsetting creates component glyphs with none (Cyrillic "о" is built from
 * Latin "o"). A later document would then map "o" to nothing in its ToUnicode table, so text
 * search/extraction loses letters. Creating every mapped glyph up front, from its own code
 * point, makes the cache right for all documents.
 */
export function pdfFontSource(face: FontFace): FontkitFont | Buffer {
  if (!parsed) {
    const data = fontData();
    const doc = new PDFDocument({ autoFirstPage: false, font: null as unknown as string });
    const parse = (buf: Buffer): FontkitFont | Buffer => {
      doc.font(buf);
      const font = (doc as unknown as { _font?: { font?: FontkitFont } })._font?.font;
      if (typeof font?.layout !== "function" || typeof font.glyphForCodePoint !== "function" || !font.characterSet) return buf;
      for (const cp of font.characterSet) font.glyphForCodePoint(cp);
      return font;
    };
    parsed = { regular: parse(data.regular), bold: parse(data.bold) };
  }
  return parsed[face];
}

/** Parses and prepares the badge fonts now (~0.4 s once) instead of on the first badge. */
export function preloadBadgeFonts(): void {
  pdfFontSource("regular");
}
