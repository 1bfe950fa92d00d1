// Badge templates: label size and element boxes in millimetres, font sizes in points.
// The zod schema is the single source of truth so a manager-edited JSON template is
// checked the same way as the built-in ones.
import { z } from "zod";

export const CATEGORIES = ["visitor", "exhibitor_staff", "media", "speaker", "organizer", "vip"] as const;
export type Category = (typeof CATEGORIES)[number];
export type Locale = "ru" | "en";

export interface BadgeData {
  fullName: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  position?: string;
  category: Category;
  /** The QR payload, printed byte for byte. */
  code: string;
  eventName: string;
  /** Already formatted for the locale, e.g. "12–14 марта 2026". */
  eventDates: string;
  locale: Locale;
  /** The company's logo (PNG/JPEG file path or bytes), drawn in the template's logo box if it has one. */
  logo?: string | Buffer;
}

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "colour must look like #RRGGBB");

export const boxSchema = z.strictObject({
  x: z.number().min(0),
  y: z.number().min(0),
  w: z.number().positive(),
  h: z.number().positive(),
});
export type Box = z.infer<typeof boxSchema>;

const textShape = {
  box: boxSchema,
  font: z.enum(["regular", "bold"]).default("regular"),
  /** Largest font size in pt; auto-fit only ever shrinks from here. */
  maxSize: z.number().positive().max(300),
  /** Below this the text is cut with an ellipsis instead of shrinking further. */
  minSize: z.number().positive().default(5),
  maxLines: z.number().int().min(1).max(4).default(1),
  align: z.enum(["left", "center", "right"]).default("center"),
  valign: z.enum(["top", "middle", "bottom"]).default("middle"),
  color: hexColor.default("#000000"),
};
const sizeOrder = { message: "minSize must not exceed maxSize", path: ["minSize"] };

export const textElementSchema = z.strictObject(textShape).refine((t) => t.minSize <= t.maxSize, sizeOrder);
export const nameElementSchema = z
  .strictObject({
    ...textShape,
    maxLines: z.number().int().min(1).max(2).default(2),
    /** "first-last": first name and last name always on their own lines (needs both in BadgeData). */
    mode: z.enum(["full", "first-last"]).default("full"),
  })
  .refine((t) => t.minSize <= t.maxSize, sizeOrder);
export type TextElement = z.output<typeof textElementSchema>;
export type NameElement = z.output<typeof nameElementSchema>;

const categoryStyleSchema = z.strictObject({
  color: hexColor.optional(),
  textColor: hexColor.optional(),
  label: z.strictObject({ ru: z.string().min(1).optional(), en: z.string().min(1).optional() }).optional(),
});

export const DEFAULT_CATEGORY_STYLES: Record<Category, { color: string; textColor: string; label: Record<Locale, string> }> = {
  visitor: { color: "#1E6FD9", textColor: "#FFFFFF", label: { ru: "Посетитель", en: "Visitor" } },
  exhibitor_staff: { color: "#2E8B3D", textColor: "#FFFFFF", label: { ru: "Экспонент", en: "Exhibitor" } },
  media: { color: "#E07B00", textColor: "#FFFFFF", label: { ru: "Пресса", en: "Media" } },
  speaker: { color: "#7B2FA8", textColor: "#FFFFFF", label: { ru: "Спикер", en: "Speaker" } },
  organizer: { color: "#C62828", textColor: "#FFFFFF", label: { ru: "Организатор", en: "Organizer" } },
  vip: { color: "#1A1A1A", textColor: "#F2C94C", label: { ru: "VIP", en: "VIP" } },
};

export const badgeTemplateSchema = z
  .strictObject({
    id: z.string().min(1),
    name: z.string().min(1),
    widthMm: z.number().min(20).max(420),
    heightMm: z.number().min(20).max(600),
    /** Declared so a manager sees it; must agree with width/height (portrait: taller than wide). */
    orientation: z.enum(["portrait", "landscape"]),
    elements: z.strictObject({
      fullName: nameElementSchema,
      company: textElementSchema.optional(),
      position: textElementSchema.optional(),
      event: textElementSchema.optional(),
      categoryBand: z
        .strictObject({
          box: boxSchema,
          maxSize: z.number().positive().max(300),
          minSize: z.number().positive().default(5),
          styles: z.partialRecord(z.enum(CATEGORIES), categoryStyleSchema).default({}),
        })
        .optional(),
      qr: z.strictObject({
        box: boxSchema,
        // Q survives a fold or a punched hole; it is also what "^FDQA," asks a Zebra for.
        errorCorrection: z.enum(["L", "M", "Q", "H"]).default("Q"),
      }),
      logo: z.strictObject({ box: boxSchema, src: z.string().optional() }).optional(),
    }),
    /** Office sheets: several badges per page, laid out in a grid. */
    sheet: z
      .strictObject({
        pageWidthMm: z.number().positive(),
        pageHeightMm: z.number().positive(),
        columns: z.number().int().min(1).max(10),
        rows: z.number().int().min(1).max(20),
        marginXMm: z.number().min(0),
        marginYMm: z.number().min(0),
        gapXMm: z.number().min(0).default(0),
        gapYMm: z.number().min(0).default(0),
        cutMarks: z.boolean().default(true),
      })
      .optional(),
  })
  .superRefine((t, ctx) => {
    const portrait = t.heightMm >= t.widthMm;
    if ((t.orientation === "portrait") !== portrait) {
      ctx.addIssue({
        code: "custom",
        path: ["orientation"],
        message: `a ${t.widthMm}x${t.heightMm} mm label is ${portrait ? "portrait" : "landscape"}`,
      });
    }
    const eps = 0.01;
    const check = (path: (string | number)[], b: Box) => {
      if (b.x + b.w > t.widthMm + eps || b.y + b.h > t.heightMm + eps) {
        ctx.addIssue({ code: "custom", path, message: "box extends beyond the label" });
      }
    };
    for (const [key, el] of Object.entries(t.elements)) {
      if (el) check(["elements", key, "box"], el.box);
    }
    // Below ~12 mm a phone or kiosk camera struggles with a signed code's QR.
    const qr = t.elements.qr.box;
    if (Math.min(qr.w, qr.h) < 12)
      ctx.addIssue({ code: "custom", path: ["elements", "qr", "box"], message: "QR box must be at least 12 mm" });
    if (t.elements.categoryBand && t.elements.categoryBand.minSize > t.elements.categoryBand.maxSize) {
      ctx.addIssue({ code: "custom", path: ["elements", "categoryBand", "minSize"], message: "minSize must not exceed maxSize" });
    }
    const s = t.sheet;
    if (s) {
      const usedW = 2 * s.marginXMm + s.columns * t.widthMm + (s.columns - 1) * s.gapXMm;
      const usedH = 2 * s.marginYMm + s.rows * t.heightMm + (s.rows - 1) * s.gapYMm;
      if (usedW > s.pageWidthMm + eps || usedH > s.pageHeightMm + eps) {
        ctx.addIssue({ code: "custom", path: ["sheet"], message: "the badge grid does not fit on the page" });
      }
    }
  });

export type BadgeTemplateInput = z.input<typeof badgeTemplateSchema>;
export type BadgeTemplate = z.output<typeof badgeTemplateSchema>;

export class TemplateError extends Error {
  constructor(public readonly issues: { path: string; message: string }[]) {
    super(`invalid badge template: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`);
    this.name = "TemplateError";
  }
}

/** Validates a template (e.g. JSON from the manager page) and fills defaults. Throws TemplateError. */
export function parseTemplate(input: unknown): BadgeTemplate {
  const r = badgeTemplateSchema.safeParse(input);
  if (!r.success) {
    throw new TemplateError(r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  return r.data;
}

export function categoryStyle(template: BadgeTemplate, category: Category, locale: Locale) {
  const base = DEFAULT_CATEGORY_STYLES[category];
  const over = template.elements.categoryBand?.styles[category];
  return {
    color: over?.color ?? base.color,
    textColor: over?.textColor ?? base.textColor,
    label: over?.label?.[locale] ?? base.label[locale],
  };
}

const text = (box: Box, o: Partial<Omit<z.input<typeof textElementSchema>, "box">> & { maxSize: number }) => ({ box, ...o });

// Ready templates for common stocks. Sizes in mm; font sizes in pt.
const builtIn: BadgeTemplateInput[] = [
  {
    id: "brother-62x100",
    name: "Brother QL 62 x 100 mm",
    widthMm: 62,
    heightMm: 100,
    orientation: "portrait",
    elements: {
      event: text({ x: 3, y: 3, w: 56, h: 9 }, { maxSize: 9, minSize: 5, maxLines: 2 }),
      fullName: text({ x: 3, y: 13, w: 56, h: 25 }, { maxSize: 30, minSize: 8, maxLines: 2, font: "bold" }),
      company: text({ x: 3, y: 39, w: 56, h: 10 }, { maxSize: 14, minSize: 6, maxLines: 2 }),
      position: text({ x: 3, y: 49.5, w: 56, h: 6 }, { maxSize: 10, minSize: 5 }),
      qr: { box: { x: 16, y: 56.5, w: 30, h: 30 } },
      categoryBand: { box: { x: 0, y: 88, w: 62, h: 12 }, maxSize: 18, minSize: 6 },
    },
  },
  {
    id: "zebra-4x3",
    name: "Zebra 4 x 3 in",
    widthMm: 101.6,
    heightMm: 76.2,
    orientation: "landscape",
    elements: {
      event: text({ x: 4, y: 3, w: 93.6, h: 7 }, { maxSize: 10, minSize: 5, align: "left" }),
      fullName: text({ x: 4, y: 11, w: 61, h: 25 }, { maxSize: 32, minSize: 8, maxLines: 2, font: "bold", align: "left" }),
      company: text({ x: 4, y: 37, w: 61, h: 11 }, { maxSize: 16, minSize: 6, maxLines: 2, align: "left" }),
      position: text({ x: 4, y: 48.5, w: 61, h: 7 }, { maxSize: 11, minSize: 5, align: "left" }),
      qr: { box: { x: 68, y: 14, w: 30, h: 30 } },
      categoryBand: { box: { x: 0, y: 61, w: 101.6, h: 15.2 }, maxSize: 22, minSize: 6 },
    },
  },
  {
    id: "zebra-4x6",
    name: "Zebra 4 x 6 in",
    widthMm: 101.6,
    heightMm: 152.4,
    orientation: "portrait",
    elements: {
      logo: { box: { x: 4, y: 4, w: 28, h: 14 } },
      event: text({ x: 34, y: 4, w: 63.6, h: 14 }, { maxSize: 12, minSize: 6, maxLines: 3, align: "right" }),
      fullName: text({ x: 4, y: 21, w: 93.6, h: 36 }, { maxSize: 44, minSize: 10, maxLines: 2, font: "bold" }),
      company: text({ x: 4, y: 59, w: 93.6, h: 14 }, { maxSize: 20, minSize: 7, maxLines: 2 }),
      position: text({ x: 4, y: 73.5, w: 93.6, h: 9 }, { maxSize: 14, minSize: 6 }),
      qr: { box: { x: 30.8, y: 85, w: 40, h: 40 } },
      categoryBand: { box: { x: 0, y: 130, w: 101.6, h: 22.4 }, maxSize: 30, minSize: 8 },
    },
  },
  {
    id: "a6",
    name: "A6 (105 x 148 mm)",
    widthMm: 105,
    heightMm: 148,
    orientation: "portrait",
    elements: {
      logo: { box: { x: 6, y: 6, w: 30, h: 15 } },
      event: text({ x: 38, y: 6, w: 61, h: 15 }, { maxSize: 12, minSize: 6, maxLines: 3, align: "right" }),
      fullName: text({ x: 6, y: 24, w: 93, h: 34 }, { maxSize: 42, minSize: 10, maxLines: 2, font: "bold" }),
      company: text({ x: 6, y: 60, w: 93, h: 14 }, { maxSize: 20, minSize: 7, maxLines: 2 }),
      position: text({ x: 6, y: 74.5, w: 93, h: 9 }, { maxSize: 14, minSize: 6 }),
      qr: { box: { x: 32.5, y: 85, w: 40, h: 40 } },
      categoryBand: { box: { x: 0, y: 128, w: 105, h: 20 }, maxSize: 28, minSize: 8 },
    },
  },
  {
    id: "a4-sheet",
    name: "A4 sheet, 8 badges 95 x 67 mm",
    widthMm: 95,
    heightMm: 67,
    orientation: "landscape",
    elements: {
      event: text({ x: 4, y: 3, w: 87, h: 6 }, { maxSize: 9, minSize: 5, align: "left" }),
      fullName: text({ x: 4, y: 10, w: 57, h: 22 }, { maxSize: 28, minSize: 8, maxLines: 2, font: "bold", align: "left" }),
      company: text({ x: 4, y: 33, w: 57, h: 10 }, { maxSize: 14, minSize: 6, maxLines: 2, align: "left" }),
      position: text({ x: 4, y: 43.5, w: 57, h: 6 }, { maxSize: 10, minSize: 5, align: "left" }),
      qr: { box: { x: 64, y: 12, w: 28, h: 28 } },
      categoryBand: { box: { x: 0, y: 53, w: 95, h: 14 }, maxSize: 20, minSize: 6 },
    },
    sheet: { pageWidthMm: 210, pageHeightMm: 297, columns: 2, rows: 4, marginXMm: 10, marginYMm: 14.5 },
  },
];

export const TEMPLATES: Readonly<Record<string, BadgeTemplate>> = Object.freeze(
  Object.fromEntries(builtIn.map((t) => [t.id, parseTemplate(t)])),
);
export type BuiltInTemplateId = "brother-62x100" | "zebra-4x3" | "zebra-4x6" | "a6" | "a4-sheet";

export function getTemplate(id: BuiltInTemplateId | string): BadgeTemplate {
  const t = TEMPLATES[id];
  if (!t) throw new TemplateError([{ path: "id", message: `unknown template "${id}"` }]);
  return t;
}
