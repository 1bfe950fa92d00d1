import type pg from "pg";
import { inTransaction, pool } from "~/utils/db.server";
import { HttpError } from "~/utils/errors.server";
import {
  CATEGORIES,
  DEFAULT_CATEGORY_STYLES,
  TEMPLATES,
  getTemplate,
  parseTemplate,
  type BadgeTemplate,
  type BadgeTemplateInput,
  type Category,
} from "../../../printing/template";

// Badge templates per event and category (issue #7). A BadgeTemplate row with eventId set and
// category set (or null: all categories) holds a full template definition: a built-in stock
// tuned on the manager page. Rows with eventId null are printer stocks (see printerStockTemplate).
//
// Who decides what: the printer decides the stock (label size, sheet) it can take; the event +
// category template decides the content (band colour and label, which elements show, name mode,
// font sizes). When both are the same size the event template is used as it is; otherwise its
// content choices are carried over onto the printer's geometry (see combineTemplates).

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

export const STOCKS = Object.keys(TEMPLATES);
/** Rows a printer points at are printer stocks (older CLI versions gave them the event's id), not event templates. */
const NOT_A_STOCK = `NOT EXISTS (SELECT 1 FROM "Printer" pr WHERE pr."templateId" = "BadgeTemplate"."id")`;
const HEX = /^#[0-9a-fA-F]{6}$/;

/** What the manager page edits; everything the template definition can take without drawing boxes. */
export interface Tuning {
  stock: string;
  showEvent: boolean;
  showCompany: boolean;
  showPosition: boolean;
  showBand: boolean;
  showLogo: boolean;
  nameMode: "full" | "first-last";
  nameMaxSize: number;
  companyMaxSize: number;
  /** Band colours and labels; empty = the category's default. */
  bandColor: string;
  bandTextColor: string;
  labelRu: string;
  labelEn: string;
}

export const defaultTuning = (stock = "brother-62x100"): Tuning => {
  const t = getTemplate(stock);
  return {
    stock,
    showEvent: !!t.elements.event,
    showCompany: !!t.elements.company,
    showPosition: !!t.elements.position,
    showBand: !!t.elements.categoryBand,
    showLogo: !!t.elements.logo,
    nameMode: t.elements.fullName.mode,
    nameMaxSize: t.elements.fullName.maxSize,
    companyMaxSize: t.elements.company?.maxSize ?? 14,
    bandColor: "",
    bandTextColor: "",
    labelRu: "",
    labelEn: "",
  };
};

/** Field errors keyed by form field, as i18n keys (the page translates them). */
export function validateTuning(raw: Record<string, string | undefined>): { tuning: Tuning; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const stock = raw.stock ?? "";
  if (!TEMPLATES[stock]) fields.stock = "badges.err.stock";
  const base = defaultTuning(TEMPLATES[stock] ? stock : "brother-62x100");
  const num = (name: "nameMaxSize" | "companyMaxSize", min: number, max: number) => {
    const v = raw[name]?.trim();
    if (!v) return base[name];
    const n = Number(v.replace(",", "."));
    if (!Number.isFinite(n) || n < min || n > max) {
      fields[name] = "badges.err.size";
      return base[name];
    }
    return Math.round(n * 2) / 2;
  };
  const color = (name: "bandColor" | "bandTextColor") => {
    const v = raw[name]?.trim() ?? "";
    if (v && !HEX.test(v)) fields[name] = "badges.err.color";
    return HEX.test(v) ? v.toUpperCase() : "";
  };
  const label = (name: "labelRu" | "labelEn") => {
    const v = (raw[name] ?? "").trim();
    if (v.length > 40) fields[name] = "badges.err.label";
    return v.slice(0, 40);
  };
  const on = (name: string) => raw[name] === "on" || raw[name] === "true" || raw[name] === "1";
  const tuning: Tuning = {
    stock: base.stock,
    showEvent: on("showEvent"),
    showCompany: on("showCompany"),
    showPosition: on("showPosition"),
    showBand: on("showBand"),
    showLogo: on("showLogo"),
    nameMode: raw.nameMode === "first-last" ? "first-last" : "full",
    nameMaxSize: num("nameMaxSize", 6, 120),
    companyMaxSize: num("companyMaxSize", 5, 80),
    bandColor: color("bandColor"),
    bandTextColor: color("bandTextColor"),
    labelRu: label("labelRu"),
    labelEn: label("labelEn"),
  };
  return { tuning, fields };
}

/** A built-in stock with the tuning applied; the band style goes to one category or, for "all", to every one. */
export function buildTemplate(tuning: Tuning, category: Category | null): BadgeTemplate {
  const base = getTemplate(tuning.stock);
  const el = structuredClone(base.elements) as BadgeTemplateInput["elements"];
  if (!tuning.showEvent) delete el.event;
  if (!tuning.showCompany) delete el.company;
  if (!tuning.showPosition) delete el.position;
  if (!tuning.showLogo) delete el.logo;
  if (!tuning.showBand) delete el.categoryBand;
  el.fullName = { ...el.fullName, mode: tuning.nameMode, maxSize: tuning.nameMaxSize, minSize: Math.min(el.fullName.minSize ?? 5, tuning.nameMaxSize) };
  if (el.company) el.company = { ...el.company, maxSize: tuning.companyMaxSize, minSize: Math.min(el.company.minSize ?? 5, tuning.companyMaxSize) };
  if (el.categoryBand) {
    const style: { color?: string; textColor?: string; label?: { ru?: string; en?: string } } = {};
    if (tuning.bandColor) style.color = tuning.bandColor;
    if (tuning.bandTextColor) style.textColor = tuning.bandTextColor;
    if (tuning.labelRu || tuning.labelEn) style.label = { ...(tuning.labelRu && { ru: tuning.labelRu }), ...(tuning.labelEn && { en: tuning.labelEn }) };
    const styles: Partial<Record<Category, typeof style>> = {};
    if (Object.keys(style).length) for (const c of category ? [category] : CATEGORIES) styles[c] = style;
    el.categoryBand = { ...el.categoryBand, styles };
  }
  return parseTemplate({ ...base, id: `${base.id}+tuned`, elements: el });
}

/** The form values of a stored template (for editing it again). */
export function tuningOf(stock: string, def: BadgeTemplate, category: Category | null): Tuning {
  const el = def.elements;
  const style = el.categoryBand?.styles[category ?? CATEGORIES[0]];
  return {
    stock: TEMPLATES[stock] ? stock : "brother-62x100",
    showEvent: !!el.event,
    showCompany: !!el.company,
    showPosition: !!el.position,
    showBand: !!el.categoryBand,
    showLogo: !!el.logo,
    nameMode: el.fullName.mode,
    nameMaxSize: el.fullName.maxSize,
    companyMaxSize: el.company?.maxSize ?? defaultTuning(stock).companyMaxSize,
    bandColor: style?.color ?? "",
    bandTextColor: style?.textColor ?? "",
    labelRu: style?.label?.ru ?? "",
    labelEn: style?.label?.en ?? "",
  };
}

export interface EventTemplateRow {
  id: string;
  category: Category | null;
  stock: string;
  definition: unknown;
  updatedAt: Date;
}

/** The event's own templates (not printers' stocks) as EventTemplateRows; `eventId` is an SQL expression. */
export const eventTemplatesSql = (eventId: string) =>
  `SELECT bt."id", bt."category"::text AS "category", bt."stock", bt."definition", bt."updatedAt" FROM "BadgeTemplate" bt
   WHERE bt."eventId" = ${eventId} AND NOT EXISTS (SELECT 1 FROM "Printer" pr WHERE pr."templateId" = bt."id")`;

export async function listEventTemplates(eventId: string, db: Queryable = pool()): Promise<EventTemplateRow[]> {
  const r = await db.query<EventTemplateRow>(eventTemplatesSql("$1"), [eventId]);
  return r.rows;
}

/** Creates or replaces the template of an event for a category (null: all categories). */
export async function saveEventTemplate(eventId: string, category: Category | null, tuning: Tuning): Promise<void> {
  const def = buildTemplate(tuning, category);
  const name = `${tuning.stock} / ${category ?? "all"}`;
  await inTransaction(async (client) => {
    // One row per (event, category): serialise concurrent saves of the same pair.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('badge-template:' || $1 || ':' || $2))`, [eventId, category ?? "*"]);
    const upd = await client.query(
      `UPDATE "BadgeTemplate" SET "stock" = $3, "definition" = $4, "name" = $5, "updatedAt" = now()
       WHERE "eventId" = $1 AND "category" IS NOT DISTINCT FROM $2::"RegistrationCategory" AND ${NOT_A_STOCK}`,
      [eventId, category, tuning.stock, JSON.stringify(def), name],
    );
    if (!upd.rowCount) {
      await client.query(
        `INSERT INTO "BadgeTemplate" ("eventId", "category", "stock", "definition", "name") VALUES ($1, $2::"RegistrationCategory", $3, $4, $5)`,
        [eventId, category, tuning.stock, JSON.stringify(def), name],
      );
    }
  });
}

export async function deleteEventTemplate(eventId: string, category: Category | null): Promise<void> {
  await pool().query(`DELETE FROM "BadgeTemplate" WHERE "eventId" = $1 AND "category" IS NOT DISTINCT FROM $2::"RegistrationCategory" AND ${NOT_A_STOCK}`, [
    eventId,
    category,
  ]);
}

/** The event's template for a category: the category's own, else the "all categories" one, else null. */
export function pickEventTemplate(rows: EventTemplateRow[], category: Category): BadgeTemplate | null {
  const row = rows.find((r) => r.category === category) ?? rows.find((r) => r.category === null);
  if (!row) return null;
  try {
    return parseTemplate(row.definition);
  } catch {
    return TEMPLATES[row.stock] ?? null; // a definition from an older schema: at least keep its stock
  }
}

export async function eventTemplateFor(eventId: string, category: Category, db: Queryable = pool()): Promise<BadgeTemplate | null> {
  return pickEventTemplate(await listEventTemplates(eventId, db), category);
}

const sameSize = (a: BadgeTemplate, b: BadgeTemplate) =>
  Math.abs(a.widthMm - b.widthMm) < 0.01 && Math.abs(a.heightMm - b.heightMm) < 0.01 && !!a.sheet === !!b.sheet;

/**
 * The template a badge is rendered with. `printerTpl` is the printer's stock, or null when the
 * printer has no template of its own (then the event's template decides the stock too).
 */
export function combineTemplates(printerTpl: BadgeTemplate | null, eventTpl: BadgeTemplate | null, fallback: BadgeTemplate): BadgeTemplate {
  if (!eventTpl) return printerTpl ?? fallback;
  if (!printerTpl || sameSize(printerTpl, eventTpl)) return printerTpl?.sheet ? { ...eventTpl, sheet: printerTpl.sheet } : eventTpl;
  // Other stock: keep the printer's geometry, take the event's content choices.
  const el = structuredClone(printerTpl.elements);
  for (const key of ["event", "company", "position", "logo", "categoryBand"] as const) {
    if (!eventTpl.elements[key]) delete el[key];
  }
  el.fullName = { ...el.fullName, mode: eventTpl.elements.fullName.mode };
  if (el.categoryBand && eventTpl.elements.categoryBand) el.categoryBand = { ...el.categoryBand, styles: eventTpl.elements.categoryBand.styles };
  return { ...printerTpl, elements: el };
}

/** A printer's stock: one shared BadgeTemplate row per built-in stock (eventId null). */
export async function printerStockTemplate(stock: string): Promise<string> {
  if (!TEMPLATES[stock]) throw new HttpError(422, "validation_failed", "Unknown stock", { templateStock: "badges.err.stock" });
  const found = await pool().query<{ id: string }>(
    `SELECT "id" FROM "BadgeTemplate" WHERE "eventId" IS NULL AND "category" IS NULL AND "stock" = $1 ORDER BY "createdAt" LIMIT 1`,
    [stock],
  );
  if (found.rows[0]) return found.rows[0].id;
  const ins = await pool().query<{ id: string }>(
    `INSERT INTO "BadgeTemplate" ("eventId", "category", "stock", "definition", "name") VALUES (NULL, NULL, $1, $2, $3) RETURNING "id"`,
    [stock, JSON.stringify(getTemplate(stock)), getTemplate(stock).name],
  );
  return ins.rows[0].id;
}

export const categoryDefaults = DEFAULT_CATEGORY_STYLES;
