import { describe, expect, test } from "vitest";
import { cleanText, fitParagraphs, splitPieces, type FitOptions } from "./layout";
import { layoutBadgePdf } from "./pdf";
import { getTemplate } from "./template";
import { badge } from "../tests/printing/helpers";

// A monospace "font": every character is 0.5 units wide at size 1. Easy to reason about.
const mono = (s: string) => s.length * 0.5;
const opts = (o: Partial<FitOptions> = {}): FitOptions => ({
  maxSize: 40,
  minSize: 4,
  maxLines: 2,
  lineHeight: 1.2,
  step: 0.5,
  ellipsis: "…",
  ...o,
});

describe("wrapping", () => {
  test("break opportunities are spaces and hyphens inside words only", () => {
    expect(splitPieces("Иванов-Петровский Александр")).toEqual([
      { text: "Иванов-", sep: "" },
      { text: "Петровский", sep: "" },
      { text: "Александр", sep: " " },
    ]);
    expect(splitPieces("-x y-").map((p) => p.text)).toEqual(["-x", "y-"]);
    expect(cleanText("  Anna\n\t Maria\u0007 ")).toBe("Anna Maria");
  });

  test("the largest size that fits, on one line when that is best", () => {
    // "Ян Ли" = 5 chars = 2.5 units; width 50 -> 20; height allows 40/1.2 = 33
    const r = fitParagraphs(["Ян Ли"], { w: 50, h: 40 }, mono, opts());
    expect(r).toMatchObject({ size: 20, lines: ["Ян Ли"], truncated: false });
  });

  test("two lines when they allow a larger font, split at the hyphen, never inside a word", () => {
    const r = fitParagraphs(["Иванов-Петровский Александр"], { w: 100, h: 60 }, mono, opts());
    expect(r.lines).toEqual(["Иванов-Петровский", "Александр"]);
    // widest line 17 chars = 8.5 units -> 100/8.5 = 11.76 -> 11.5; height 60/(2*1.2) = 25
    expect(r.size).toBe(11.5);
    for (const l of r.lines) expect(mono(l) * r.size).toBeLessThanOrEqual(100);
    for (const l of r.lines) expect("Иванов-Петровский Александр").toContain(l);
  });

  test("a hyphenated surname alone wraps after its hyphen, and the hyphen stays", () => {
    const r = fitParagraphs(["Салтыкова-Щедрина"], { w: 40, h: 100 }, mono, opts());
    expect(r.lines).toEqual(["Салтыкова-", "Щедрина"]);
  });

  test("a single word too wide shrinks instead of breaking", () => {
    const word = "Константинопольский";
    const r = fitParagraphs([word], { w: 30, h: 100 }, mono, opts({ minSize: 2 }));
    expect(r.lines).toEqual([word]);
    expect(mono(word) * r.size).toBeLessThanOrEqual(30);
    expect(r.size).toBeLessThan(40);
  });

  test("height limits the size too", () => {
    const r = fitParagraphs(["Anna Maria"], { w: 1000, h: 12 }, mono, opts());
    expect(r.size * 1.2 * r.lines.length).toBeLessThanOrEqual(12);
    expect(r.size).toBe(10);
  });

  test("below minSize the text is cut with an ellipsis, still inside the box", () => {
    const long = "Максимилиан Александрович Константинопольский-Рождественский Третий";
    const r = fitParagraphs([long], { w: 40, h: 20 }, mono, opts({ minSize: 6 }));
    expect(r.truncated).toBe(true);
    expect(r.size).toBe(6);
    expect(r.lines.length).toBeLessThanOrEqual(2);
    expect(r.lines.at(-1)).toMatch(/…$/);
    for (const l of r.lines) expect(mono(l) * 6).toBeLessThanOrEqual(40);
  });

  test("paragraphs start on their own lines (event name + dates)", () => {
    const r = fitParagraphs(["ExpoTech", "12–14 марта"], { w: 200, h: 60 }, mono, opts({ maxLines: 3 }));
    expect(r.lines).toEqual(["ExpoTech", "12–14 марта"]);
    // one line only: joined, never dropped
    expect(fitParagraphs(["ExpoTech", "12–14 марта"], { w: 200, h: 60 }, mono, opts({ maxLines: 1 })).lines).toEqual([
      "ExpoTech 12–14 марта",
    ]);
  });
});

describe("badge layout (PDF metrics)", () => {
  const t = getTemplate("brother-62x100");
  test.each([
    ["long", "Константинопольский-Рождественский Максимилиан", true],
    ["absurdly long (cut at minSize)", "Максимилиан-Александр Константинопольский-Рождественский фон Штауффенберг", false],
    ["absurd single word (cut at minSize)", "Ааааааааааааааааааааааааааааааааааааааааааааааааааааааа", false],
    ["short", "Ян Ли", true],
    ["mixed scripts", "Иван Smith", true],
    ["one letter", "Q", true],
  ])("%s name: every line stays inside its element box", (_l, fullName, complete) => {
    const layout = layoutBadgePdf(badge({ fullName }), t);
    const texts = layout.blocks.filter((b) => b.kind === "text");
    expect(texts.map((b) => b.role)).toEqual(expect.arrayContaining(["fullName", "company", "position", "event", "category"]));
    for (const b of texts) {
      expect(b.lines.length).toBeGreaterThan(0);
      for (const l of b.lines) {
        expect(l.x).toBeGreaterThanOrEqual(b.box.x - 1e-6);
        expect(l.x + l.width).toBeLessThanOrEqual(b.box.x + b.box.w + 1e-6);
        expect(l.y).toBeGreaterThanOrEqual(b.box.y - 1e-6);
        expect(l.y + l.height).toBeLessThanOrEqual(b.box.y + b.box.h + 1e-6);
      }
    }
    const name = texts.find((b) => b.role === "fullName")!;
    expect(name.lines.length).toBeLessThanOrEqual(2);
    expect(name.kind === "text" && name.truncated).toBe(!complete);
    // Lines are pieces of the name as written: nothing inserted, nothing hyphenated.
    for (const l of name.lines) expect(fullName).toContain(l.text.replace(/…$/, ""));
    const printed = name.lines
      .map((l) => l.text)
      .join(" ")
      .replace(/- /g, "-");
    if (complete) expect(printed).toBe(fullName);
    else expect(printed).toMatch(/…$/);
  });

  test("a short name gets a bigger font than a long one", () => {
    const size = (fullName: string) =>
      layoutBadgePdf(badge({ fullName }), t).blocks.find((b) => b.kind === "text" && b.role === "fullName")!;
    const short = size("Ян Ли");
    const long = size("Максимилиан-Александр Константинопольский-Рождественский");
    expect(short.kind === "text" && long.kind === "text" && short.size > long.size * 1.5).toBe(true);
  });

  test("first-last mode puts first and last name on their own lines", () => {
    const tpl = { ...t, elements: { ...t.elements, fullName: { ...t.elements.fullName, mode: "first-last" as const } } };
    const b = layoutBadgePdf(badge({ fullName: "Anna Maria Smith", firstName: "Anna Maria", lastName: "Smith" }), tpl).blocks.find(
      (x) => x.kind === "text" && x.role === "fullName",
    );
    expect(b?.kind === "text" && b.lines.map((l) => l.text)).toEqual(["Anna Maria", "Smith"]);
  });
});
