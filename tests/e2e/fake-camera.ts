// A QR code as a video for Chromium's fake camera (--use-file-for-fake-video-capture=FILE.y4m):
// the code is drawn by the qrcode package into the luma plane of a YUV4MPEG2 (4:2:0) stream.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import QRCode from "qrcode";
import { launchBrowser } from "../setup/browser";

/** The QR code of `text` as a grey image: 0 for dark modules, 255 for light, with a 4-module quiet zone. */
export function qrImage(text: string, scale: number): { width: number; height: number; pixels: Uint8Array } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const side = (modules.size + 8) * scale;
  const pixels = new Uint8Array(side * side).fill(255);
  for (let y = 0; y < modules.size; y++)
    for (let x = 0; x < modules.size; x++)
      if (modules.get(y, x))
        for (let dy = 0; dy < scale; dy++) pixels.fill(0, ((y + 4) * scale + dy) * side + (x + 4) * scale, ((y + 4) * scale + dy) * side + (x + 5) * scale);
  return { width: side, height: side, pixels };
}

/**
 * A Y4M file (header, then per frame "FRAME\n" + Y + U + V): the image centred on a light grey
 * WxH frame; chroma planes at 128 (no colour).
 */
export function y4m(image: { width: number; height: number; pixels: Uint8Array }, opts: { width?: number; height?: number; frames?: number; fps?: number } = {}): Buffer {
  const w = opts.width ?? 640;
  const h = opts.height ?? 480;
  if (w % 2 || h % 2 || image.width > w || image.height > h) throw new Error("the frame must be even-sized and hold the image");
  const luma = new Uint8Array(w * h).fill(200);
  const left = Math.floor((w - image.width) / 2);
  const top = Math.floor((h - image.height) / 2);
  for (let y = 0; y < image.height; y++) luma.set(image.pixels.subarray(y * image.width, (y + 1) * image.width), (top + y) * w + left);
  const chroma = Buffer.alloc((w / 2) * (h / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${w} H${h} F${opts.fps ?? 10}:1 Ip A1:1 C420jpeg\n`);
  return Buffer.concat([header, ...Array<Buffer>(opts.frames ?? 10).fill(frame)]);
}

/** Writes the code's video under tests/.tmp and returns its path. */
export function writeQrVideo(text: string, name: string): string {
  const dir = path.resolve(__dirname, "../.tmp");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${process.pid}.y4m`);
  writeFileSync(file, y4m(qrImage(text, 4)));
  return file;
}

/** Chromium whose only camera plays `video` (a test pattern without one), allowed without asking. */
export const launchWithFakeCamera = (video?: string) =>
  launchBrowser(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", ...(video ? [`--use-file-for-fake-video-capture=${video}`] : [])]);
