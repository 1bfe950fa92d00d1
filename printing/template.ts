// Badge templates: label size and element boxes in millimetres, font sizes in points.
// The zod schema is the single source of truth so a manager-edited JSON template is
// checked the same way as the built-in ones.
import { z } from "zod";
import builtInTemplates from "./templates.json";

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

// Ready templates for common stocks (sizes in mm, font sizes in pt) are data: printing/templates.json,
// checked by the same schema as a manager's JSON template when this module loads.
export const TEMPLATES: Readonly<Record<string, BadgeTemplate>> = Object.freeze(
  Object.fromEntries((builtInTemplates as unknown[]).map((json) => parseTemplate(json)).map((t) => [t.id, t])),
);
export type BuiltInTemplateId = "brother-62x100" | "zebra-4x3" | "zebra-4x6" | "a6" | "a4-sheet";

export function getTemplate(id: BuiltInTemplateId | string): BadgeTemplate {
  const t = TEMPLATES[id];
  if (!t) throw new TemplateError([{ path: "id", message: `unknown template "${id}"` }]);
  return t;
}
