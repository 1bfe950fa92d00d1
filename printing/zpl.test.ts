import { describe, expect, test } from "vitest";
import type { TextBlock } from "./layout";
import { renderZplPng } from "./preview";
import { getTemplate } from "./template";
import { escapeZplText, layoutBadgeZpl, renderBadgeZpl } from "./zpl";
import { badge, decodeQr } from "../tests/printing/helpers";
import { decodePng, inkBounds } from "../tests/printing/png";

/** Field data of every ^FD...^FS in order. */
const fields = (zpl: string) => [...zpl.matchAll(/\^FD([\s\S]*?)\^FS/g)].map((m) => m[1]);
const qrField = (zpl: string) => /\^BQN,2,(\d+)(\^FH)?\^FD([\s\S]*?)\^FS/.exec(zpl);
const unhex = (s: string) => s.replace(/_([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));

describe("ZPL badge", () => {
  test("structure: UTF-8, label size, scalable font, QR with the code", () => {
    const data = badge();
    const zpl = renderBadgeZpl(data, getTemplate("zebra-4x3"), { dpi: 203 });
    expect(zpl.startsWith("^XA\n^CI28\n")).toBe(true);
    expect(zpl.trimEnd().endsWith("^XZ")).toBe(true);
    expect(zpl).toContain("^PW812");
    expect(zpl).toContain("^LL609");
    expect(zpl).toMatch(/\^FO\d+,\d+\^A0N,\d+,\d+\^FB\d+,[12],\d+,[LCR],0\^FH\^FDИванов-Петровский(\\&| )Александр\^FS/);
    expect(Buffer.from(zpl, "utf8").includes(Buffer.from("Иванов-Петровский", "utf8"))).toBe(true);
    const qr = qrField(zpl)!;
    expect(qr).not.toBeNull();
    expect(qr[2]).toBeUndefined(); // printed literally, no ^FH
    expect(qr[3].startsWith("QA,")).toBe(true);
    expect(qr[3].slice(3)).toBe(data.code);
    expect(Number(qr[1])).toBeGreaterThanOrEqual(1);
    expect(zpl).toContain("^GB812,"); // the category band
    expect(fields(zpl)).toContain("Спикер");
  });

  test("^ ~ _ in user text are hex-escaped and cannot inject commands", () => {
    expect(escapeZplText("A^B~C_D\\E")).toBe("A_5EB_7EC_5FD\\\\E");
    const evil = badge({ fullName: "Bob^XZ~JR_x", company: "Acme^FS^XA~DG" });
    const zpl = renderBadgeZpl(evil, getTemplate("zebra-4x6"), { dpi: 203 });
    for (const f of fields(zpl)) expect(f).not.toMatch(/[\^~]/);
    expect(zpl.match(/\^XA/g)).toHaveLength(1);
    expect(zpl.match(/\^XZ/g)).toHaveLength(1);
    expect(zpl).toContain("Bob_5EXZ_7EJR_5Fx");
    expect(zpl).toContain("Acme_5EFS_5EXA_7EDG");
  });

  test("a code with a ZPL command character is sent through ^FH and still decodes to the code", () => {
    const code = "A^B~C_D";
    const qr = qrField(renderBadgeZpl(badge({ code }), getTemplate("zebra-4x3"), { dpi: 203 }))!;
    expect(qr[2]).toBe("^FH");
    expect(unhex(qr[3].slice(3))).toBe(code);
  });

  test("300 dpi scales everything by 12/8", () => {
    const t = getTemplate("zebra-4x6");
    const a = layoutBadgeZpl(badge(), t, { dpi: 203 });
    const b = layoutBadgeZpl(badge(), t, { dpi: 300 });
    expect(renderBadgeZpl(badge(), t, { dpi: 300 })).toContain("^PW1219");
    const nameA = a.blocks.find((x): x is TextBlock => x.kind === "text" && x.role === "fullName")!;
    const nameB = b.blocks.find((x): x is TextBlock => x.kind === "text" && x.role === "fullName")!;
    expect(nameB.size / nameA.size).toBeGreaterThan(1.4);
    expect(nameB.size / nameA.size).toBeLessThan(1.6);
  });

  test("same layout rules as the PDF: two lines at most, breaks at spaces or after hyphens", () => {
    for (const fullName of ["Константинопольский-Рождественский Максимилиан", "Wolfgang Amadeus Schwarzenegger-Smith", "Ян Ли"]) {
      const name = layoutBadgeZpl(badge({ fullName }), getTemplate("brother-62x100"), { dpi: 300 }).blocks.find(
        (x): x is TextBlock => x.kind === "text" && x.role === "fullName",
      )!;
      expect(name.lines.length).toBeLessThanOrEqual(2);
      expect(
        name.lines
          .map((l) => l.text)
          .join(" ")
          .replace(/- /g, "-"),
      ).toBe(fullName);
      for (const l of name.lines) expect(l.x + l.width).toBeLessThanOrEqual(name.box.x + name.box.w + 1e-6);
    }
  });
});

describe("ZPL rendered by zpl-renderer-js (zebrash, offline WebAssembly)", () => {
  const latin = badge({
    fullName: "Wolfgang Amadeus Schwarzenegger-Smith",
    company: "International Business Machines",
    position: "Chief Technology Officer",
    eventName: "ExpoTech 2026",
    eventDates: "March 12-14, 2026",
    locale: "en",
    category: "vip",
  });

  test.each([
    ["zebra-4x6", 203],
    ["brother-62x100", 300],
  ] as const)("%s at %i dpi: text stays in its boxes and the QR scans to the code", async (id, dpi) => {
    const t = getTemplate(id);
    const zpl = renderBadgeZpl(latin, t, { dpi });
    const img = decodePng(await renderZplPng(zpl, { widthMm: t.widthMm, heightMm: t.heightMm, dpi }));
    const dpmm = dpi === 300 ? 12 : 8;
    expect(Math.abs(img.width - t.widthMm * dpmm)).toBeLessThanOrEqual(1);
    const layout = layoutBadgeZpl(latin, t, { dpi });
    const tol = 2;
    for (const b of layout.blocks.filter((x): x is TextBlock => x.kind === "text" && x.role !== "category")) {
      // These templates are one column wide: scan whole rows so overflow sideways is seen.
      const ink = inkBounds(img, 128, { x: 0, y: Math.floor(b.box.y), w: img.width, h: Math.ceil(b.box.h) });
      expect(ink, `${b.role} printed`).not.toBeNull();
      expect(ink!.minX, b.role).toBeGreaterThanOrEqual(b.box.x - tol);
      expect(ink!.maxX, b.role).toBeLessThanOrEqual(b.box.x + b.box.w + tol);
      expect(ink!.maxY, b.role).toBeLessThanOrEqual(b.lines.at(-1)!.y + b.lines.at(-1)!.height + tol);
    }
    const qr = layout.blocks.find((b) => b.kind === "qr")!;
    expect(decodeQr(img, { x: qr.box.x - 20, y: qr.box.y - 20, w: qr.box.w + 40, h: qr.box.h + 40 })).toBe(latin.code);
  });

  test("a Cyrillic badge renders (the preview font draws boxes for Cyrillic) and its QR scans", async () => {
    const t = getTemplate("zebra-4x3");
    const data = badge();
    const img = decodePng(await renderZplPng(renderBadgeZpl(data, t, { dpi: 203 }), { widthMm: t.widthMm, heightMm: t.heightMm }));
    expect(decodeQr(img)).toBe(data.code);
  });
});
