// Event + category templates without a server: what the form turns into, and how a printer's
// stock and the event's template combine (the printer decides the size, the event the content).
import { describe, expect, test } from "vitest";
import { buildTemplate, combineTemplates, defaultTuning, tuningOf, validateTuning } from "../../app/services/print/templates.server";
import { layoutBadgePdf } from "../../printing/pdf";
import { getTemplate } from "../../printing/template";
import { badge } from "./helpers";

describe("tuning", () => {
  test("form values become a valid template; the band style goes to the chosen category only", () => {
    const { tuning, fields } = validateTuning({
      stock: "zebra-4x6",
      showEvent: "on",
      showBand: "on",
      nameMode: "first-last",
      nameMaxSize: "36,5",
      bandColor: "#00aa00",
      labelRu: "СПИКЕР ДНЯ",
    });
    expect(fields).toEqual({});
    const t = buildTemplate(tuning, "speaker");
    expect(t.widthMm).toBeCloseTo(101.6);
    expect(t.elements.company).toBeUndefined();
    expect(t.elements.position).toBeUndefined();
    expect(t.elements.logo).toBeUndefined();
    expect(t.elements.fullName).toMatchObject({ mode: "first-last", maxSize: 36.5 });
    expect(t.elements.categoryBand?.styles).toEqual({ speaker: { color: "#00AA00", label: { ru: "СПИКЕР ДНЯ" } } });
    // And back to the form.
    expect(tuningOf("zebra-4x6", t, "speaker")).toMatchObject({ stock: "zebra-4x6", showCompany: false, bandColor: "#00AA00", labelRu: "СПИКЕР ДНЯ", nameMaxSize: 36.5 });
    // "All categories" with a colour: every category gets it.
    const all = buildTemplate({ ...tuning, labelRu: "" }, null);
    expect(Object.keys(all.elements.categoryBand?.styles ?? {})).toHaveLength(6);
  });

  test("bad values are field errors (i18n keys), not exceptions", () => {
    const { fields } = validateTuning({ stock: "letter", nameMaxSize: "0", companyMaxSize: "abc", bandColor: "red", labelEn: "x".repeat(41) });
    expect(fields).toEqual({
      stock: "badges.err.stock",
      nameMaxSize: "badges.err.size",
      companyMaxSize: "badges.err.size",
      bandColor: "badges.err.color",
      labelEn: "badges.err.label",
    });
  });
});

describe("combineTemplates", () => {
  const eventTpl = buildTemplate({ ...defaultTuning("a6"), showPosition: false, bandColor: "#123456", labelRu: "ГОСТЬ" }, "visitor");
  const zebra = getTemplate("zebra-4x3");

  test("no event template: the printer's, else the fallback", () => {
    expect(combineTemplates(zebra, null, getTemplate("a6"))).toBe(zebra);
    expect(combineTemplates(null, null, getTemplate("a6")).id).toBe("a6");
  });

  test("a printer without a stock of its own takes the event template as is", () => {
    expect(combineTemplates(null, eventTpl, zebra)).toBe(eventTpl);
  });

  test("another stock: the printer's geometry with the event's content choices", () => {
    const t = combineTemplates(zebra, eventTpl, zebra);
    expect([t.widthMm, t.heightMm]).toEqual([zebra.widthMm, zebra.heightMm]);
    expect(t.elements.position).toBeUndefined();
    expect(t.elements.fullName.box).toEqual(zebra.elements.fullName.box);
    const layout = layoutBadgePdf(badge({ category: "visitor", position: "Директор" }), t);
    const texts = layout.blocks.flatMap((b) => (b.kind === "text" ? b.lines.map((l) => l.text) : []));
    expect(texts).toContain("ГОСТЬ");
    expect(texts.join(" ")).not.toContain("Директор");
    expect(layout.blocks.find((b) => b.kind === "band")).toMatchObject({ color: "#123456" });
  });

  test("the same size: the event template, keeping the printer's sheet layout", () => {
    const same = buildTemplate({ ...defaultTuning("a4-sheet"), labelRu: "X" }, "visitor");
    const t = combineTemplates(getTemplate("a4-sheet"), same, zebra);
    expect(t.elements).toEqual(same.elements);
    expect(t.sheet).toEqual(getTemplate("a4-sheet").sheet);
  });
});
