// Auto-fit and wrapping shared by the PDF and ZPL renderers. Everything here is unit-agnostic:
// a renderer supplies a measuring function and its own units (pt for PDF, dots for ZPL), so both
// follow exactly the same rules and only the font metrics differ.
import type { BadgeData, BadgeTemplate, Box, TextElement } from "./template";
import { categoryStyle } from "./template";

export type FontFace = "regular" | "bold";
/** Advance width of `text` at font size 1, in renderer units. Widths must scale linearly with size. */
export type MeasureFn = (text: string, font: FontFace) => number;

export interface FitOptions {
  maxSize: number;
  minSize: number;
  maxLines: number;
  /** Line advance as a multiple of the font size; must cover ascent + descent so lines never touch. */
  lineHeight: number;
  /** Sizes are rounded down to a multiple of this (0.5 pt, 1 dot). */
  step: number;
  ellipsis: string;
}

export interface FittedText {
  size: number;
  lines: string[];
  /** Measured width of each line at `size`. */
  widths: number[];
  /** True when even minSize could not hold the text and it was cut with an ellipsis. */
  truncated: boolean;
}

interface Piece {
  text: string;
  /** What joins this piece to the previous one on the same line ("" after a hyphen). */
  sep: string;
}

/** Collapses whitespace and drops control characters, which neither PDF nor ZPL should see. */
export function cleanText(s: string | undefined | null): string {
  return (s ?? "")
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Break opportunities: at spaces, and after a hyphen inside a word ("Иванов-|Петровский"). Never mid-word. */
export function splitPieces(paragraph: string): Piece[] {
  const pieces: Piece[] = [];
  for (const word of paragraph.split(" ")) {
    if (!word) continue;
    const parts = word.split(/(?<=[^\s\-‐]+[-‐])(?=[^\s\-‐])/u);
    parts.forEach((p, i) => pieces.push({ text: p, sep: i === 0 ? " " : "" }));
  }
  if (pieces[0]) pieces[0].sep = "";
  return pieces;
}

function joinPieces(pieces: Piece[], from: number, to: number): string {
  let s = pieces[from].text;
  for (let i = from + 1; i <= to; i++) s += pieces[i].sep + pieces[i].text;
  return s;
}

/**
 * Splits pieces into at most `k` lines so that the widest line is as narrow as possible
 * (at size 1). Because width is linear in size, the best split does not depend on the size.
 */
function narrowestSplit(pieces: Piece[], k: number, width: (s: string) => number): { max: number; lines: string[] } {
  const n = pieces.length;
  const w = new Map<number, number>();
  const span = (i: number, j: number) => {
    const key = i * 4096 + j;
    let v = w.get(key);
    if (v === undefined) w.set(key, (v = width(joinPieces(pieces, i, j))));
    return v;
  };
  const memo = new Map<number, { max: number; cuts: number[] }>();
  const best = (i: number, left: number): { max: number; cuts: number[] } => {
    const key = i * 16 + left;
    const hit = memo.get(key);
    if (hit) return hit;
    let res = { max: span(i, n - 1), cuts: [] as number[] };
    if (left > 1) {
      for (let j = i; j < n - 1; j++) {
        const head = span(i, j);
        if (head >= res.max) break; // lines only get wider as j grows
        const rest = best(j + 1, left - 1);
        const m = Math.max(head, rest.max);
        if (m < res.max) res = { max: m, cuts: [j, ...rest.cuts] };
      }
    }
    memo.set(key, res);
    return res;
  };
  if (n === 0) return { max: 0, lines: [] };
  const { max, cuts } = best(0, k);
  const lines: string[] = [];
  let start = 0;
  for (const c of [...cuts, n - 1]) {
    lines.push(joinPieces(pieces, start, c));
    start = c + 1;
  }
  return { max, lines };
}

const floorTo = (v: number, step: number) => Math.floor(v / step + 1e-9) * step;

/**
 * The largest size (<= maxSize) at which the paragraphs fit the box in at most maxLines lines,
 * each paragraph starting on a new line. Below minSize the text is set at minSize and cut.
 */
export function fitParagraphs(
  paragraphs: string[],
  box: { w: number; h: number },
  width: (s: string) => number,
  o: FitOptions,
): FittedText {
  let paras = paragraphs.map(cleanText).filter(Boolean);
  if (paras.length === 0) return { size: 0, lines: [], widths: [], truncated: false };
  if (paras.length > o.maxLines) paras = [paras.join(" ")];
  const pieces = paras.map(splitPieces);
  const splits = pieces.map((p) => {
    const byK: { max: number; lines: string[] }[] = [];
    for (let k = 1; k <= o.maxLines - (paras.length - 1); k++) byK[k] = narrowestSplit(p, k, width);
    return byK;
  });

  let best: { size: number; lines: string[] } | null = null;
  const alloc = new Array<number>(paras.length).fill(1);
  // Enumerate how many lines each paragraph may take (few paragraphs, few lines: tiny search).
  const visit = (p: number, used: number) => {
    if (p === paras.length) {
      const chosen = alloc.map((k, i) => splits[i][k]);
      const lines = chosen.flatMap((c) => c.lines);
      const widest = Math.max(...chosen.map((c) => c.max));
      const size = floorTo(Math.min(o.maxSize, box.w / widest, box.h / (lines.length * o.lineHeight)), o.step);
      if (!best || size > best.size + 1e-9 || (Math.abs(size - best.size) < 1e-9 && lines.length < best.lines.length)) {
        best = { size, lines };
      }
      return;
    }
    for (let k = 1; used + k + (paras.length - p - 1) <= o.maxLines; k++) {
      alloc[p] = k;
      visit(p + 1, used + k);
    }
  };
  visit(0, 0);
  const fit = best as { size: number; lines: string[] } | null;
  if (fit && fit.size >= o.minSize - 1e-9) {
    return { size: fit.size, lines: fit.lines, widths: fit.lines.map((l) => width(l) * fit.size), truncated: false };
  }
  return truncateAtMin(pieces, box, width, o);
}

function truncateAtMin(pieces: Piece[][], box: { w: number; h: number }, width: (s: string) => number, o: FitOptions): FittedText {
  const size = o.minSize;
  const limit = box.w / size;
  const maxLines = Math.max(1, Math.min(o.maxLines, Math.floor(box.h / (size * o.lineHeight) + 1e-9)));
  // Greedy wrap at the minimum size, remembering which pieces make each line.
  const segs: { para: number; from: number; to: number }[] = [];
  pieces.forEach((p, para) => {
    let from = 0;
    for (let j = 1; j <= p.length; j++) {
      if (j === p.length || width(joinPieces(p, from, j)) > limit) {
        segs.push({ para, from, to: j - 1 });
        from = j;
      }
    }
  });
  const text = (list: typeof segs) => {
    // Consecutive segments of one paragraph keep their own separators ("" after a hyphen).
    const parts: string[] = [];
    for (let i = 0; i < list.length;) {
      let k = i;
      while (k + 1 < list.length && list[k + 1].para === list[i].para) k++;
      parts.push(joinPieces(pieces[list[i].para], list[i].from, list[k].to));
      i = k + 1;
    }
    return parts.join(" ");
  };
  let truncated = segs.length > maxLines;
  const lines = segs.slice(0, maxLines).map((s) => text([s]));
  // Whatever did not fit joins the last line, which is then cut.
  if (truncated) lines[maxLines - 1] = text(segs.slice(maxLines - 1));
  for (let i = 0; i < lines.length; i++) {
    if (width(lines[i]) <= limit && !(truncated && i === lines.length - 1)) continue;
    const chars = Array.from(lines[i]);
    while (chars.length > 0 && width(chars.join("").trimEnd() + o.ellipsis) > limit) chars.pop();
    lines[i] = chars.join("").trimEnd() + o.ellipsis;
    truncated = true;
  }
  return { size, lines, widths: lines.map((l) => width(l) * size), truncated };
}

// ---------------------------------------------------------------------------------------------
// Whole-badge layout

export interface RenderMetrics {
  measure: MeasureFn;
  /** Renderer units per millimetre (72/25.4 for PDF points, 8 or 12 for ZPL dots). */
  unitsPerMm: number;
  /** Renderer size units per typographic point (1 for PDF; dots per point for ZPL). */
  sizePerPt: number;
  lineHeight: number;
  sizeStep: number;
  ellipsis: string;
}

export interface TextLine {
  text: string;
  x: number;
  /** Top of the line box; the box is size * lineHeight tall. */
  y: number;
  width: number;
  height: number;
}

export type TextRole = "fullName" | "company" | "position" | "event" | "category";

export interface TextBlock {
  kind: "text";
  role: TextRole;
  box: Box;
  font: FontFace;
  size: number;
  lineAdvance: number;
  align: "left" | "center" | "right";
  color: string;
  lines: TextLine[];
  truncated: boolean;
}
export interface BandBlock {
  kind: "band";
  box: Box;
  color: string;
}
export interface QrBlock {
  kind: "qr";
  /** Square area for the symbol including its quiet zone. */
  box: Box;
  code: string;
  errorCorrection: "L" | "M" | "Q" | "H";
}
export interface LogoBlock {
  kind: "logo";
  box: Box;
  src?: string | Buffer;
}
export type Block = TextBlock | BandBlock | QrBlock | LogoBlock;

export interface BadgeLayout {
  width: number;
  height: number;
  blocks: Block[];
}

const BAND_PADDING_MM = 1.5;

export function layoutBadge(data: BadgeData, template: BadgeTemplate, m: RenderMetrics): BadgeLayout {
  const mm = (b: Box): Box => ({ x: b.x * m.unitsPerMm, y: b.y * m.unitsPerMm, w: b.w * m.unitsPerMm, h: b.h * m.unitsPerMm });
  const blocks: Block[] = [];
  const el = template.elements;

  const text = (role: TextRole, paragraphs: string[], e: TextElement, overrides: Partial<TextElement> = {}) => {
    const s = { ...e, ...overrides };
    const box = mm(s.box);
    const fit = fitParagraphs(paragraphs, box, (t) => m.measure(t, s.font), {
      maxSize: s.maxSize * m.sizePerPt,
      minSize: s.minSize * m.sizePerPt,
      maxLines: s.maxLines,
      lineHeight: m.lineHeight,
      step: m.sizeStep,
      ellipsis: m.ellipsis,
    });
    if (fit.lines.length === 0) return;
    const advance = fit.size * m.lineHeight;
    const blockH = advance * fit.lines.length;
    const top = box.y + (s.valign === "top" ? 0 : s.valign === "bottom" ? box.h - blockH : (box.h - blockH) / 2);
    const lines = fit.lines.map((t, i) => {
      const w = fit.widths[i];
      const x = box.x + (s.align === "left" ? 0 : s.align === "right" ? box.w - w : (box.w - w) / 2);
      return { text: t, x, y: top + i * advance, width: w, height: advance };
    });
    blocks.push({
      kind: "text",
      role,
      box,
      font: s.font,
      size: fit.size,
      lineAdvance: advance,
      align: s.align,
      color: s.color,
      lines,
      truncated: fit.truncated,
    });
  };

  if (el.logo) blocks.push({ kind: "logo", box: mm(el.logo.box), src: data.logo ?? el.logo.src });
  if (el.event) text("event", [data.eventName, data.eventDates], el.event);

  const nameParas =
    el.fullName.mode === "first-last" && cleanText(data.firstName) && cleanText(data.lastName)
      ? [data.firstName ?? "", data.lastName ?? ""]
      : [data.fullName];
  text("fullName", nameParas, el.fullName);
  if (el.company && cleanText(data.company)) text("company", [data.company ?? ""], el.company);
  if (el.position && cleanText(data.position)) text("position", [data.position ?? ""], el.position);

  const qr = mm(el.qr.box);
  const side = Math.min(qr.w, qr.h);
  blocks.push({
    kind: "qr",
    box: { x: qr.x + (qr.w - side) / 2, y: qr.y + (qr.h - side) / 2, w: side, h: side },
    code: data.code,
    errorCorrection: el.qr.errorCorrection,
  });

  const band = el.categoryBand;
  if (band) {
    const style = categoryStyle(template, data.category, data.locale);
    blocks.push({ kind: "band", box: mm(band.box), color: style.color });
    const pad = Math.min(BAND_PADDING_MM, band.box.w / 4, band.box.h / 4);
    const inner = { x: band.box.x + pad, y: band.box.y + pad, w: band.box.w - 2 * pad, h: band.box.h - 2 * pad };
    text("category", [style.label], {
      box: inner,
      font: "bold",
      maxSize: band.maxSize,
      minSize: band.minSize,
      maxLines: 1,
      align: "center",
      valign: "middle",
      color: style.textColor,
    });
  }
  return { width: template.widthMm * m.unitsPerMm, height: template.heightMm * m.unitsPerMm, blocks };
}
