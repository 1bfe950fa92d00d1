// Minimal PNG reader for test images (8-bit, non-interlaced; what pdftoppm and zebrash write),
// so tests need no image package. Returns one luminance byte per pixel.
import { inflateSync } from "node:zlib";

export interface Gray {
  width: number;
  height: number;
  /** 0 = black .. 255 = white, row-major. */
  data: Uint8Array;
}

export function decodePng(buf: Buffer): Gray {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  let pos = 8;
  let width = 0,
    height = 0,
    depth = 0,
    type = 0;
  const idat: Buffer[] = [];
  let palette: Buffer | null = null;
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const kind = buf.toString("latin1", pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (kind === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      depth = body[8];
      type = body[9];
      if (body[12] !== 0) throw new Error("interlaced PNG not supported");
    } else if (kind === "PLTE") palette = Buffer.from(body);
    else if (kind === "IDAT") idat.push(body);
    else if (kind === "IEND") break;
    pos += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[type];
  if (!channels) throw new Error(`PNG colour type ${type} not supported`);
  const bitsPerPixel = channels * depth;
  if (depth !== 8 && !(channels === 1 && depth < 8)) throw new Error(`PNG depth ${depth} not supported`);
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel / 8);
  const raw = inflateSync(Buffer.concat(idat));
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = px.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? px.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let v = src[i];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c,
          pa = Math.abs(p - a),
          pb = Math.abs(p - b),
          pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      row[i] = v & 0xff;
    }
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r: number,
        g: number,
        b: number,
        alpha = 255;
      if (depth < 8) {
        const bit = x * depth;
        const v = (px[y * stride + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
        if (type === 3 && palette) [r, g, b] = [palette[v * 3], palette[v * 3 + 1], palette[v * 3 + 2]];
        else r = g = b = Math.round((v * 255) / ((1 << depth) - 1));
      } else {
        const o = y * stride + x * channels;
        if (type === 0 || type === 4) {
          r = g = b = px[o];
          if (type === 4) alpha = px[o + 1];
        } else if (type === 3) {
          if (!palette) throw new Error("palette missing");
          [r, g, b] = [palette[px[o] * 3], palette[px[o] * 3 + 1], palette[px[o] * 3 + 2]];
        } else {
          [r, g, b] = [px[o], px[o + 1], px[o + 2]];
          if (type === 6) alpha = px[o + 3];
        }
      }
      const lum = 0.299 * r + 0.587 * g + 0.114 * b;
      // Transparent pixels count as white paper.
      out[y * width + x] = Math.round((lum * alpha + 255 * (255 - alpha)) / 255);
    }
  }
  return { width, height, data: out };
}

/** Bounding box of pixels darker than `threshold` within a region (whole image by default). */
export function inkBounds(img: Gray, threshold = 128, region?: { x: number; y: number; w: number; h: number }) {
  const r = region ?? { x: 0, y: 0, w: img.width, h: img.height };
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity,
    count = 0;
  for (let y = Math.max(0, r.y); y < Math.min(img.height, r.y + r.h); y++) {
    for (let x = Math.max(0, r.x); x < Math.min(img.width, r.x + r.w); x++) {
      if (img.data[y * img.width + x] < threshold) {
        count++;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  return count === 0 ? null : { minX, minY, maxX, maxY, count };
}
