// PNG previews for the manager page and tests. PDF -> PNG with poppler's pdftoppm (Debian
// poppler-utils); ZPL -> PNG with zpl-renderer-js (zebrash compiled to WebAssembly, offline).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { renderBadgePdf, type PdfOptions } from "./pdf";
import type { BadgeData, BadgeTemplate } from "./template";

export interface PdfToPngOptions {
  dpi?: number;
  page?: number;
  gray?: boolean;
  timeoutMs?: number;
}

export function pdfToPng(pdf: Buffer, opts: PdfToPngOptions = {}): Promise<Buffer> {
  const page = String(opts.page ?? 1);
  const args = ["-png", "-r", String(opts.dpi ?? 150), "-f", page, "-l", page, "-singlefile", ...(opts.gray ? ["-gray"] : []), "-"];
  return new Promise((resolve, reject) => {
    const child = spawn("pdftoppm", args, { stdio: ["pipe", "pipe", "pipe"], timeout: opts.timeoutMs ?? 20_000 });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "ENOENT" ? new Error("pdftoppm not found: apt-get install -y poppler-utils") : e),
    );
    child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`pdftoppm exited ${code}: ${err.trim()}`))));
    child.stdin.on("error", () => {}); // pdftoppm may exit before reading everything; "close" reports it
    child.stdin.end(pdf);
  });
}

export async function renderBadgePng(data: BadgeData, template: BadgeTemplate, opts: PdfToPngOptions & PdfOptions = {}): Promise<Buffer> {
  return pdfToPng(await renderBadgePdf(data, template, opts), opts);
}

/**
 * ZPL preview. zpl-renderer-js is ~9 MB (inlined WebAssembly), so it is loaded on first use.
 * Its built-in font has no Cyrillic glyphs: Russian text shows as boxes in the preview only.
 */
export async function renderZplPng(zpl: string, size: { widthMm: number; heightMm: number; dpi?: 203 | 300 }): Promise<Buffer> {
  // require (CJS build), so bundlers and Vitest leave the 9 MB file alone.
  const { ready } = createRequire(import.meta.url)("zpl-renderer-js") as typeof import("zpl-renderer-js");
  const { api } = await ready;
  const b64 = await api.zplToBase64Async(zpl, size.widthMm, size.heightMm, size.dpi === 300 ? 12 : 8);
  return Buffer.from(b64, "base64");
}
