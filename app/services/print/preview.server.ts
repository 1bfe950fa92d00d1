import { pool } from "~/utils/db.server";
import { renderBadgePng, renderZplPng } from "../../../printing/preview";
import { CATEGORIES, type BadgeData, type Category } from "../../../printing/template";
import { renderBadgeZpl } from "../../../printing/zpl";
import { buildTemplate, validateTuning } from "./templates.server";
import { badgeDataFor, loadBadgeSource, logoFile } from "./badge.server";

// The live preview of the template form: the same renderers that print (PDF -> PNG via pdftoppm,
// ZPL -> PNG via zpl-renderer-js), with a sample badge or a real registration of the event.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREVIEW_DPI = 110;

export const isCategory = (v: unknown): v is Category => typeof v === "string" && (CATEGORIES as readonly string[]).includes(v);

export async function sampleBadge(eventId: string, category: Category, locale: "ru" | "en"): Promise<BadgeData | null> {
  // The sample carries the logo of one of the event's exhibitors, so the logo box can be judged.
  const ev = await pool().query<{ name: string; startsAt: Date; endsAt: Date; timezone: string; logoPath: string | null }>(
    `SELECT e."name", e."startsAt", e."endsAt", e."timezone",
            (SELECT o."logoPath" FROM "Exhibitor" x JOIN "Organization" o ON o."id" = x."organizationId"
             WHERE x."eventId" = e."id" AND o."logoPath" ~ '\\.(png|jpg)$' ORDER BY o."name" LIMIT 1) AS "logoPath"
     FROM "Event" e WHERE e."id" = $1`,
    [eventId],
  );
  const e = ev.rows[0];
  if (!e) return null;
  const dates = new Intl.DateTimeFormat(locale, { timeZone: e.timezone, day: "numeric", month: "long", year: "numeric" });
  const ru = locale === "ru";
  return {
    fullName: ru ? "Константинопольская Александра" : "Alexandra Konstantinopolskaya",
    firstName: ru ? "Александра" : "Alexandra",
    lastName: ru ? "Константинопольская" : "Konstantinopolskaya",
    company: ru ? "ООО «Ромашка Девелопмент»" : "Romashka Development LLC",
    position: ru ? "Коммерческий директор" : "Commercial Director",
    category,
    code: "EXPODESK-PREVIEW-0000000000",
    eventName: e.name,
    eventDates: dates.formatRange(e.startsAt, e.endsAt),
    locale,
    logo: logoFile(e.logoPath),
  };
}

export async function renderPreview(
  eventId: string,
  q: Record<string, string>,
): Promise<{ png: Buffer; invalid: boolean; templateId: string } | null> {
  if (!UUID.test(eventId)) return null;
  const category = isCategory(q.category) ? q.category : null;
  const { tuning, fields } = validateTuning(q);
  let data: BadgeData | null = null;
  if (q.registrationId && UUID.test(q.registrationId)) {
    const src = await loadBadgeSource(q.registrationId);
    if (src && src.eventId === eventId) data = await badgeDataFor(src);
  }
  data ??= await sampleBadge(eventId, category ?? (isCategory(q.sample) ? q.sample : "visitor"), q.locale === "en" ? "en" : "ru");
  if (!data) return null;
  const template = buildTemplate(tuning, category);
  const png =
    q.format === "zpl"
      ? await renderZplPng(renderBadgeZpl(data, template, { dpi: 203 }), { widthMm: template.widthMm, heightMm: template.heightMm })
      : await renderBadgePng(data, template, { dpi: PREVIEW_DPI });
  return { png, invalid: Object.keys(fields).length > 0, templateId: template.id };
}

/** Registrations to preview with (the first few of the event, for the picker). */
export async function previewCandidates(eventId: string): Promise<{ id: string; label: string; category: Category }[]> {
  const r = await pool().query<{ id: string; lastName: string; firstName: string; category: Category }>(
    `SELECT r."id", p."lastName", p."firstName", r."category"::text AS "category" FROM "Registration" r JOIN "Person" p ON p."id" = r."personId"
     WHERE r."eventId" = $1 AND r."status" = 'confirmed' ORDER BY r."createdAt" DESC LIMIT 30`,
    [eventId],
  );
  return r.rows.map((x) => ({ id: x.id, label: `${x.lastName} ${x.firstName}`, category: x.category }));
}
