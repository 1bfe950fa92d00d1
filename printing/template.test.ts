import { describe, expect, test } from "vitest";
import {
  CATEGORIES,
  TEMPLATES,
  TemplateError,
  categoryStyle,
  getTemplate,
  parseTemplate,
  type BadgeTemplateInput,
} from "./template";

/** The loosely typed shape a manager's JSON editor produces. */
type RawTemplate = {
  orientation: string;
  sheet?: unknown;
  elements: { fullName: Record<string, unknown> & { box: { w: number } }; qr: { box: unknown }; categoryBand?: unknown };
};

const minimal = (): BadgeTemplateInput => ({
  id: "custom",
  name: "Custom 62 x 100",
  widthMm: 62,
  heightMm: 100,
  orientation: "portrait",
  elements: {
    fullName: { box: { x: 3, y: 10, w: 56, h: 25 }, maxSize: 30 },
    qr: { box: { x: 16, y: 50, w: 30, h: 30 } },
  },
});

describe("badge templates", () => {
  test("all ready templates exist and validate", () => {
    expect(Object.keys(TEMPLATES).sort()).toEqual(["a4-sheet", "a6", "brother-62x100", "zebra-4x3", "zebra-4x6"]);
    for (const t of Object.values(TEMPLATES)) expect(parseTemplate(JSON.parse(JSON.stringify(t)))).toEqual(t);
    expect(getTemplate("zebra-4x3")).toMatchObject({ widthMm: 101.6, heightMm: 76.2, orientation: "landscape" });
    expect(getTemplate("a4-sheet").sheet).toMatchObject({ pageWidthMm: 210, pageHeightMm: 297, columns: 2, rows: 4 });
  });

  test("a manager-edited JSON template gets defaults", () => {
    const t = parseTemplate(minimal());
    expect(t.elements.fullName).toMatchObject({ font: "regular", maxLines: 2, minSize: 5, align: "center", mode: "full" });
    expect(t.elements.qr.errorCorrection).toBe("Q");
  });

  test.each([
    ["unknown key (typo)", (t: RawTemplate) => (t.elements.fullName.maxsize = 12), "elements.fullName"],
    ["box outside the label", (t: RawTemplate) => (t.elements.fullName.box.w = 70), "elements.fullName.box"],
    ["orientation that contradicts the size", (t: RawTemplate) => (t.orientation = "landscape"), "orientation"],
    ["three lines for the name", (t: RawTemplate) => (t.elements.fullName.maxLines = 3), "elements.fullName.maxLines"],
    ["minSize above maxSize", (t: RawTemplate) => (t.elements.fullName.minSize = 40), "elements.fullName.minSize"],
    [
      "bad colour",
      (t: RawTemplate) =>
        (t.elements.categoryBand = { box: { x: 0, y: 88, w: 62, h: 12 }, maxSize: 10, styles: { vip: { color: "gold" } } }),
      "elements.categoryBand.styles.vip.color",
    ],
    ["QR too small to scan", (t: RawTemplate) => (t.elements.qr.box = { x: 0, y: 50, w: 8, h: 8 }), "elements.qr.box"],
    [
      "sheet grid larger than the page",
      (t: RawTemplate) => (t.sheet = { pageWidthMm: 210, pageHeightMm: 297, columns: 4, rows: 1, marginXMm: 5, marginYMm: 5 }),
      "sheet",
    ],
  ])("rejects %s", (_label, mutate, path) => {
    const t = minimal();
    mutate(t as unknown as RawTemplate);
    let err: unknown;
    try {
      parseTemplate(t);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).issues.map((i) => i.path)).toContain(path);
  });

  test("category styles: defaults per category and locale, overridable", () => {
    const t = parseTemplate({
      ...minimal(),
      elements: {
        ...minimal().elements,
        categoryBand: { box: { x: 0, y: 88, w: 62, h: 12 }, maxSize: 10, styles: { media: { color: "#112233", label: { en: "Press" } } } },
      },
    });
    for (const c of CATEGORIES) {
      expect(categoryStyle(t, c, "ru").label).toMatch(/\S/);
      expect(categoryStyle(t, c, "ru").label).not.toBe(c);
    }
    expect(categoryStyle(t, "visitor", "ru").label).toBe("Посетитель");
    expect(categoryStyle(t, "visitor", "en").label).toBe("Visitor");
    expect(categoryStyle(t, "media", "en")).toMatchObject({ color: "#112233", label: "Press" });
    expect(categoryStyle(t, "media", "ru").label).toBe("Пресса");
  });

  test("unknown template id", () => {
    expect(() => getTemplate("dymo-99012")).toThrow(TemplateError);
  });
});
