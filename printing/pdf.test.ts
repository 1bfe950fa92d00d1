import { Readable } from "node:stream";
import QRCode from "qrcode";
import { describe, expect, test } from "vitest";
import type { TextBlock } from "./layout";
import { layoutBadgePdf, missingGlyphs, PT_PER_MM, renderBadgePdf, renderBadgesPdf } from "./pdf";
import { getTemplate, TEMPLATES, type BadgeData } from "./template";
import { badge, decodeQr, pdfToGray, readPdf, squash } from "../tests/printing/helpers";
import { inkBounds } from "../tests/printing/png";

const DPI = 200;
const PX = DPI / 72; // pixels per point

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("PDF badge", () => {
  test.each(
    Object.values(TEMPLATES)
      .filter((t) => !t.sheet)
      .map((t) => [t.id]),
  )("%s: the page is exactly the label", async (id) => {
    const t = getTemplate(id);
    const [page, ...rest] = await readPdf(await renderBadgePdf(badge(), t));
    expect(rest).toHaveLength(0);
    expect(page.width).toBeCloseTo(t.widthMm * PT_PER_MM, 2);
    expect(page.height).toBeCloseTo(t.heightMm * PT_PER_MM, 2);
  });

  test("a badge drawn after others (words shaped once, shared between documents) is the same PDF as drawn first", async () => {
    const t = getTemplate("brother-62x100");
    // The creation date, and the file ID made from it, are the only parts that may differ.
    const undated = (pdf: Buffer) => pdf.toString("latin1").replace(/\(D:\d+Z\)/, "").replace(/\/ID \[<\w+> <\w+>\]/, "");
    const data = badge({ fullName: "Ёлкина-Щукина Ярослава", company: "АО «Щука и Ёрш»" });
    const first = undated(await renderBadgePdf(data, t));
    for (let i = 0; i < 40; i++) {
      await renderBadgePdf(badge({ fullName: `Щукина Ярослава ${i}`, company: i % 2 ? "АО «Щука и Ёрш»" : "Ёрш" }), t);
    }
    expect(undated(await renderBadgePdf(data, t))).toBe(first);
  });

  test("a4-sheet: one badge on an A4 page", async () => {
    const [page] = await readPdf(await renderBadgePdf(badge(), getTemplate("a4-sheet")));
    expect(page.width).toBeCloseTo(595.28, 1);
    expect(page.height).toBeCloseTo(841.89, 1);
    expect(squash(page.text)).toContain("Иванов-Петровский");
  });

  test("Cyrillic name, company, position, category and event come out as text", async () => {
    const [page] = await readPdf(await renderBadgePdf(badge(), getTemplate("brother-62x100")));
    const text = squash(page.text);
    expect(text).toContain("Иванов-Петровский Александр");
    expect(text).toContain("ООО «Ромашка»");
    expect(text).toContain("Генеральный директор");
    expect(text).toContain("Спикер");
    expect(text).toContain("12–14 марта 2026");
  });

  test("mixed scripts in one name and English labels", async () => {
    const [page] = await readPdf(
      await renderBadgePdf(
        badge({ fullName: "Иван Smith", company: "Acme GmbH", locale: "en", category: "exhibitor_staff" }),
        getTemplate("zebra-4x3"),
      ),
    );
    const text = squash(page.text);
    expect(text).toContain("Иван Smith");
    expect(text).toContain("Acme GmbH");
    expect(text).toContain("Exhibitor");
  });

  test("text stays extractable when many documents share the parsed font", async () => {
    // Cyrillic glyphs built from Latin components are subset first; Latin text must still map back.
    for (const fullName of ["Ооооо Ёёё Ййй", "Әлихан Нұрғалиұлы", "Иванов-Петровский Александр"]) {
      await renderBadgePdf(badge({ fullName }), getTemplate("brother-62x100"));
    }
    const pangram = "The quick brown fox jumps over the lazy dog";
    const [page] = await readPdf(await renderBadgePdf(badge({ fullName: "Bob Oboe", company: pangram, locale: "en" }), getTemplate("a6")));
    expect(squash(page.text)).toContain("Bob Oboe");
    expect(squash(page.text)).toContain(pangram);
  });

  test("the embedded font covers Russian, Kazakh and Latin names; reports what it lacks", () => {
    expect(missingGlyphs("Иванов-Петровский Александр Ёлкин")).toEqual([]);
    expect(missingGlyphs("Әлихан Нұрғалиұлы Қайрат Өмірзақ")).toEqual([]);
    expect(missingGlyphs("José Müller-Łukasiewicz Smith")).toEqual([]);
    expect(missingGlyphs("Иван 李 あ")).toEqual(["李", "あ"]);
  });
});

describe("PDF badge rendered to pixels (pdftoppm)", () => {
  const tpl = getTemplate("brother-62x100");
  const names: [string, string][] = [
    ["very long", "Константинопольский-Рождественский Максимилиан"],
    ["absurdly long (cut at minSize)", "Максимилиан-Александр Константинопольский-Рождественский фон Штауффенберг"],
    ["very short", "Ян Ли"],
    ["mixed", "Иван Smith"],
  ];

  test.each(names)("%s name: no ink outside the element boxes, text sized as measured, QR scans", async (_l, fullName) => {
    const data = badge({ fullName, company: "Научно-производственное объединение «Альфа-Технологии»" });
    const layout = layoutBadgePdf(data, tpl);
    const img = await pdfToGray(await renderBadgePdf(data, tpl), DPI);
    expect(Math.abs(img.width - tpl.widthMm * PT_PER_MM * PX)).toBeLessThanOrEqual(1);

    // 1. Every dark pixel belongs to some element box (2 px for anti-aliasing).
    const tol = 2;
    const boxes = layout.blocks.map((b) => ({
      x: b.box.x * PX - tol,
      y: b.box.y * PX - tol,
      x2: (b.box.x + b.box.w) * PX + tol,
      y2: (b.box.y + b.box.h) * PX + tol,
    }));
    let stray = 0;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        if (img.data[y * img.width + x] < 128 && !boxes.some((b) => x >= b.x && x <= b.x2 && y >= b.y && y <= b.y2)) stray++;
      }
    }
    expect(stray).toBe(0);

    // 2. Each text block: ink across the whole label width in its rows stays inside its box,
    //    and its extent matches the widths the layout measured (the measure is honest).
    for (const b of layout.blocks.filter((x): x is TextBlock => x.kind === "text" && x.role !== "category")) {
      const ink = inkBounds(img, 128, { x: 0, y: Math.floor(b.box.y * PX), w: img.width, h: Math.ceil(b.box.h * PX) });
      expect(ink, `${b.role} has ink`).not.toBeNull();
      expect(ink!.minX).toBeGreaterThanOrEqual(b.box.x * PX - tol);
      expect(ink!.maxX).toBeLessThanOrEqual((b.box.x + b.box.w) * PX + tol);
      const widest = Math.max(...b.lines.map((l) => l.width)) * PX;
      expect(ink!.maxX - ink!.minX + 1).toBeGreaterThan(widest * 0.9);
      expect(ink!.maxX - ink!.minX + 1).toBeLessThan(widest * 1.02 + 2 * tol);
      const top = b.lines[0].y * PX,
        bottom = (b.lines.at(-1)!.y + b.lines.at(-1)!.height) * PX;
      expect(ink!.minY).toBeGreaterThanOrEqual(top - tol);
      expect(ink!.maxY).toBeLessThanOrEqual(bottom + tol);
    }

    // 3. The vector QR scans back to the code.
    const qr = layout.blocks.find((b) => b.kind === "qr")!;
    expect(decodeQr(img, { x: qr.box.x * PX - 10, y: qr.box.y * PX - 10, w: qr.box.w * PX + 20, h: qr.box.h * PX + 20 })).toBe(data.code);
  });

  test("the short name is printed much larger than the long one", async () => {
    const height = async (fullName: string) => {
      const b = layoutBadgePdf(badge({ fullName }), tpl).blocks.find((x): x is TextBlock => x.kind === "text" && x.role === "fullName")!;
      const img = await pdfToGray(await renderBadgePdf(badge({ fullName }), tpl), DPI);
      const ink = inkBounds(img, 128, { x: 0, y: Math.floor(b.lines[0].y * PX), w: img.width, h: Math.ceil(b.lines[0].height * PX) })!;
      return ink.maxY - ink.minY;
    };
    expect(await height("Ян Ли")).toBeGreaterThan(1.5 * (await height("Константинопольский-Рождественский Максимилиан")));
  });

  test("the logo is drawn in its box", async () => {
    const t = getTemplate("a6");
    const logo = await QRCode.toBuffer("LOGO", { margin: 0, scale: 4 });
    const img = await pdfToGray(await renderBadgePdf(badge(), t, { logo }), 100);
    const b = t.elements.logo!.box;
    const px = 100 / 25.4;
    const region = { x: Math.floor(b.x * px), y: Math.floor(b.y * px), w: Math.ceil(b.w * px), h: Math.ceil(b.h * px) };
    expect(inkBounds(img, 128, region)?.count ?? 0).toBeGreaterThan(50);
    const without = await pdfToGray(await renderBadgePdf(badge(), t), 100);
    expect(inkBounds(without, 128, region)).toBeNull();
  });
});

describe("bulk PDF", () => {
  const people = (n: number): BadgeData[] =>
    Array.from({ length: n }, (_, i) => badge({ fullName: `Участник Номер${i + 1}`, code: `C${i + 1}` }));

  test("one page per badge, streamed, with progress", async () => {
    const progress: [number, number | undefined][] = [];
    const events: string[] = [];
    const stream = renderBadgesPdf(people(60), getTemplate("brother-62x100"), (done, total) => {
      progress.push([done, total]);
      events.push("progress");
    });
    stream.on("data", () => events.push("data"));
    const pdf = await collect(stream);
    const pages = await readPdf(pdf);
    expect(pages).toHaveLength(60);
    expect(squash(pages[6].text)).toContain("Участник Номер7");
    expect(squash(pages[59].text)).toContain("Участник Номер60");
    expect(progress).toHaveLength(60);
    expect(progress.at(-1)).toEqual([60, 60]);
    // Streamed: bytes leave before the last badge is drawn.
    expect(events.indexOf("data")).toBeLessThan(events.lastIndexOf("progress"));
  });

  test("a4-sheet: eight badges per page, async source without a known total", async () => {
    async function* source() {
      for (const p of people(17)) yield p;
    }
    const totals = new Set<number | undefined>();
    const pages = await readPdf(await collect(renderBadgesPdf(source(), getTemplate("a4-sheet"), (_d, total) => totals.add(total))));
    expect(pages).toHaveLength(3);
    expect(pages.every((p) => Math.abs(p.width - 595.28) < 0.1)).toBe(true);
    const first = squash(pages[0].text);
    for (let i = 1; i <= 8; i++) expect(first).toContain(`Номер${i} `.trim());
    expect(first).not.toContain("Номер9");
    expect((squash(pages[2].text).match(/Участник/g) ?? []).length).toBe(1);
    expect([...totals]).toEqual([undefined]);
  });

  test("stops rendering when the consumer goes away", async () => {
    let done = 0;
    const stream = renderBadgesPdf(people(2000), getTemplate("brother-62x100"), (d) => (done = d));
    await new Promise<void>((resolve) => stream.once("data", () => resolve()));
    await new Promise((resolve) => stream.once("close", resolve).destroy());
    // The renderer yields to the event loop after every label and checks for a destroyed stream
    // before the next one: a few turns let it reach that check, many more must add nothing.
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
    };
    await turns(3);
    const stoppedAt = done;
    await turns(50);
    expect(done).toBe(stoppedAt);
    expect(done).toBeLessThan(2000);
  });

  test("a failing item fails the stream instead of producing a broken PDF", async () => {
    const bad = [badge(), badge({ code: "" })];
    await expect(collect(renderBadgesPdf(bad, getTemplate("brother-62x100")))).rejects.toThrow();
  });
});
