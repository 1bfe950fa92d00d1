import { existsSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { env } from "~/utils/env.server";
import { pool } from "~/utils/db.server";
import { renderBadgePdf } from "../../../printing/pdf";
import { getTemplate, parseTemplate, TEMPLATES, type BadgeData, type BadgeTemplate, type Category } from "../../../printing/template";
import { renderBadgeZpl } from "../../../printing/zpl";
import { ticketCode } from "../codes.server";
import { signTicketCode } from "../ticket-codes.server";
import type { PrintFormat, PrinterRow } from "./printers.server";
import { combineTemplates, eventTemplateFor } from "./templates.server";

// A badge's data: who it is for (a registration with its person, company and event), the names
// it shows, the template it prints with and the rendered PDF or ZPL.

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

export const ZPL_DPI = 203;

/** The printer's own template, else the default for its kind: zebra-4x3 (ZPL) or brother-62x100 (PDF). */
export function templateForPrinter(p: Pick<PrinterRow, "driver" | "templateStock" | "templateDefinition"> | null): BadgeTemplate {
  if (p?.templateDefinition != null) {
    try {
      return parseTemplate(p.templateDefinition);
    } catch (err) {
      if (p.templateStock && TEMPLATES[p.templateStock]) return getTemplate(p.templateStock);
      throw err;
    }
  }
  if (p?.templateStock && TEMPLATES[p.templateStock]) return getTemplate(p.templateStock);
  return getTemplate(p?.driver === "raw_tcp" ? "zebra-4x3" : "brother-62x100");
}

/** The printer's own stock, or null when it has none (then the event template picks the stock). */
export function printerOwnTemplate(p: Pick<PrinterRow, "driver" | "templateStock" | "templateDefinition">): BadgeTemplate | null {
  return p.templateDefinition != null || (p.templateStock && TEMPLATES[p.templateStock]) ? templateForPrinter(p) : null;
}

/**
 * What a badge prints with: the printer decides the stock, the event + category template the
 * content (see combineTemplates). Without an event template this is templateForPrinter.
 */
export async function badgeTemplateFor(
  printer: Pick<PrinterRow, "driver" | "templateStock" | "templateDefinition"> | null,
  badge: { eventId: string; category: Category },
): Promise<BadgeTemplate> {
  return templateWith(printer, await eventTemplateFor(badge.eventId, badge.category));
}

/** badgeTemplateFor with the event template already known. */
export function templateWith(
  printer: Pick<PrinterRow, "driver" | "templateStock" | "templateDefinition"> | null,
  eventTpl: BadgeTemplate | null,
): BadgeTemplate {
  return combineTemplates(printer ? printerOwnTemplate(printer) : null, eventTpl, templateForPrinter(printer));
}

export interface BadgeSource {
  id: string;
  eventId: string;
  category: Category;
  lastName: string;
  firstName: string;
  middleName: string | null;
  position: string | null;
  locale: string;
  company: string | null;
  eventName: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  /** The company's uploaded logo (a file name under DATA_DIR/logos), if any. */
  logoPath: string | null;
}

/** SQL pieces shared with check-in: a registration with its person and company name. */
export const REGISTRATION_JOINS = `JOIN "Person" p ON p."id" = r."personId"
  LEFT JOIN "Organization" po ON po."id" = p."organizationId"
  LEFT JOIN "Exhibitor" x ON x."id" = r."exhibitorId"
  LEFT JOIN "Organization" xo ON xo."id" = x."organizationId"`;
/** An exhibitor's staff carry the exhibitor's company; others their own organisation. */
export const COMPANY_SQL = `COALESCE(xo."name", po."name")`;

/** The columns of a BadgeSource, over REGISTRATION_JOINS plus `JOIN "Event" e`. */
export const BADGE_SOURCE_COLUMNS = `r."id", r."eventId", r."category"::text AS "category", p."lastName", p."firstName", p."middleName", p."position", p."locale",
  ${COMPANY_SQL} AS "company", e."name" AS "eventName", e."startsAt", e."endsAt", e."timezone",
  CASE WHEN xo."id" IS NOT NULL THEN xo."logoPath" ELSE po."logoPath" END AS "logoPath"`;

export async function loadBadgeSource(registrationId: string, db: Queryable = pool()): Promise<BadgeSource | null> {
  const r = await db.query<BadgeSource>(
    `SELECT ${BADGE_SOURCE_COLUMNS}
     FROM "Registration" r ${REGISTRATION_JOINS} JOIN "Event" e ON e."id" = r."eventId"
     WHERE r."id" = $1`,
    [registrationId],
  );
  return r.rows[0] ?? null;
}

/** "Петров Иван Сергеевич" (Russian official order) or "Ivan Petrov": what screens show. */
export function displayName(p: { lastName: string; firstName: string; middleName?: string | null; locale?: string | null }): string {
  const parts = p.locale === "en" ? [p.firstName, p.lastName] : [p.lastName, p.firstName, p.middleName];
  return parts
    .filter((s): s is string => Boolean(s && s.trim()))
    .map((s) => s.trim())
    .join(" ");
}

/** The badge carries surname and first name (no patronymic: bigger type), in the person's order. */
export function badgeName(p: { lastName: string; firstName: string; locale?: string | null }): string {
  const parts = p.locale === "en" ? [p.firstName, p.lastName] : [p.lastName, p.firstName];
  return parts
    .map((s) => s.trim())
    .filter(Boolean)
    .join(" ");
}

/** `privateKey`: the event's active signing key when the caller has it already (one query less). */
export async function badgeDataFor(src: BadgeSource, privateKey?: string | null): Promise<BadgeData> {
  const locale = src.locale === "en" ? "en" : "ru";
  const dates = new Intl.DateTimeFormat(locale, { timeZone: src.timezone, day: "numeric", month: "long", year: "numeric" });
  return {
    fullName: badgeName(src),
    firstName: src.firstName,
    lastName: src.lastName,
    company: src.company ?? undefined,
    position: src.position ?? undefined,
    category: src.category,
    code: privateKey ? signTicketCode(src.id, { privateKey }) : await ticketCode({ id: src.id, eventId: src.eventId }),
    eventName: src.eventName,
    eventDates: dates.formatRange(src.startsAt, src.endsAt),
    locale,
    logo: logoFile(src.logoPath),
  };
}

/** A PNG/JPEG logo's path for pdfkit (it cannot draw SVG); undefined when there is none. */
export function logoFile(name: string | null): string | undefined {
  if (!name || !/^[\w-]+\.(png|jpg)$/.test(name)) return undefined;
  const file = path.resolve(env().DATA_DIR, "logos", name);
  return existsSync(file) ? file : undefined;
}

export async function renderBadge(data: BadgeData, template: BadgeTemplate, format: PrintFormat): Promise<{ pdf?: Buffer; zpl?: string }> {
  if (format === "zpl") return { zpl: renderBadgeZpl(data, template, { dpi: ZPL_DPI }) };
  return { pdf: await renderBadgePdf(data, template, { title: data.fullName }) };
}
