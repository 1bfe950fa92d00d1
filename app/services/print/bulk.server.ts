import { Readable } from "node:stream";
import { pool } from "~/utils/db.server";
import { notFound } from "~/utils/errors.server";
import { isManager, ownExhibitorId, type Actor } from "~/utils/permissions.server";
import { renderBadgesPdf } from "../../../printing/pdf";
import { CATEGORIES, getTemplate, type BadgeData, type BadgeTemplate, type Category } from "../../../printing/template";
import { listEventTemplates, pickEventTemplate } from "./templates.server";
import { BADGE_SOURCE_COLUMNS, REGISTRATION_JOINS, badgeDataFor, type BadgeSource } from "./badge.server";

// All badges of an event, or of one exhibitor's staff, as ONE PDF streamed while it is drawn
// (issue #7). Registrations are read in pages of BATCH, so memory stays flat for any event size.
// The response announces the badge and page counts up front; the page counts the PDF's page
// objects as they arrive, which pdfkit writes as each page is finished: an honest progress bar.

const BATCH = 100;

export interface BulkScope {
  eventId: string;
  eventName: string;
  exhibitorId: string | null;
  exhibitorName: string | null;
}

/** Managers: the whole event or any of its exhibitors. Exhibitors: only their own staff (404 otherwise). */
export async function bulkScope(actor: Actor, eventId: string, exhibitorId: string | null): Promise<BulkScope> {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (!UUID.test(eventId) || (exhibitorId !== null && !UUID.test(exhibitorId))) throw notFound("Event");
  const manager = isManager(actor);
  if (!manager) {
    const own = ownExhibitorId(actor);
    if (!own || (exhibitorId !== null && exhibitorId !== own)) throw notFound("Exhibitor");
    exhibitorId = own;
  }
  const ev = await pool().query<{ name: string }>(`SELECT "name" FROM "Event" WHERE "id" = $1`, [eventId]);
  if (!ev.rows[0]) throw notFound("Event");
  let exhibitorName: string | null = null;
  if (exhibitorId) {
    const ex = await pool().query<{ name: string }>(
      `SELECT o."name" FROM "Exhibitor" x JOIN "Organization" o ON o."id" = x."organizationId" WHERE x."id" = $1 AND x."eventId" = $2`,
      [exhibitorId, eventId],
    );
    if (!ex.rows[0]) throw notFound("Exhibitor");
    exhibitorName = ex.rows[0].name;
  }
  return { eventId, eventName: ev.rows[0].name, exhibitorId, exhibitorName };
}

const WHERE = `r."eventId" = $1 AND ($2::uuid IS NULL OR r."exhibitorId" = $2) AND r."status" = 'confirmed'`;

/** The template each category prints with in a PDF (no printer: the event's choice, else 62 x 100). */
async function templatesOf(eventId: string): Promise<(c: Category) => BadgeTemplate> {
  const rows = await listEventTemplates(eventId);
  const fallback = getTemplate("brother-62x100");
  const byCategory = new Map(CATEGORIES.map((c) => [c, pickEventTemplate(rows, c) ?? fallback]));
  // Same definition for several categories -> the same object, so a sheet is shared across them.
  const seen = new Map<string, BadgeTemplate>();
  for (const [c, t] of byCategory) {
    const key = JSON.stringify(t);
    if (!seen.has(key)) seen.set(key, t);
    byCategory.set(c, seen.get(key)!);
  }
  return (c) => byCategory.get(c) ?? fallback;
}

export async function bulkCounts(scope: BulkScope): Promise<{ badges: number; pages: number }> {
  const r = await pool().query<{ category: Category; n: number }>(
    `SELECT r."category"::text AS "category", count(*)::int AS "n" FROM "Registration" r WHERE ${WHERE} GROUP BY 1`,
    [scope.eventId, scope.exhibitorId],
  );
  const tpl = await templatesOf(scope.eventId);
  const n = new Map(r.rows.map((x) => [x.category, x.n]));
  // Categories print in enum order; consecutive categories sharing a sheet template share pages.
  let pages = 0;
  let run: { t: BadgeTemplate; n: number } | null = null;
  const flush = () => run && (pages += Math.ceil(run.n / (run.t.sheet ? run.t.sheet.columns * run.t.sheet.rows : 1)));
  for (const c of CATEGORIES) {
    const k = n.get(c) ?? 0;
    if (!k) continue;
    if (run && run.t === tpl(c)) run.n += k;
    else {
      flush();
      run = { t: tpl(c), n: k };
    }
  }
  flush();
  return { badges: r.rows.reduce((s, x) => s + x.n, 0), pages };
}

async function* badgeData(scope: BulkScope): AsyncGenerator<BadgeData> {
  for (let offset = 0; ; offset += BATCH) {
    const r = await pool().query<BadgeSource>(
      `SELECT ${BADGE_SOURCE_COLUMNS}
       FROM "Registration" r ${REGISTRATION_JOINS} JOIN "Event" e ON e."id" = r."eventId"
       WHERE ${WHERE} ORDER BY r."category", p."lastName", p."firstName", r."id" LIMIT ${BATCH} OFFSET $3`,
      [scope.eventId, scope.exhibitorId, offset],
    );
    for (const src of r.rows) yield await badgeDataFor(src);
    if (r.rows.length < BATCH) return;
  }
}

/** The PDF as a web stream plus the counts for the progress bar. */
export async function bulkBadgesPdf(scope: BulkScope): Promise<{ stream: ReadableStream<Uint8Array>; badges: number; pages: number }> {
  const [counts, tpl] = await Promise.all([bulkCounts(scope), templatesOf(scope.eventId)]);
  const title = [scope.eventName, scope.exhibitorName].filter(Boolean).join(" — ");
  const node = renderBadgesPdf(badgeData(scope), (b) => tpl(b.category), undefined, { title });
  return { stream: Readable.toWeb(node) as ReadableStream<Uint8Array>, ...counts };
}

export function bulkFileName(scope: BulkScope): string {
  return `badges-${scope.exhibitorId ? `exhibitor-${scope.exhibitorId.slice(0, 8)}` : `event-${scope.eventId.slice(0, 8)}`}.pdf`;
}

/** The event's exhibitors by name, for the manager's "one exhibitor" choice. */
export async function exhibitorChoices(eventId: string): Promise<{ id: string; name: string; stand: string | null }[]> {
  const r = await pool().query<{ id: string; name: string; stand: string | null }>(
    `SELECT x."id", o."name", x."stand" FROM "Exhibitor" x JOIN "Organization" o ON o."id" = x."organizationId"
     WHERE x."eventId" = $1 ORDER BY o."name"`,
    [eventId],
  );
  return r.rows;
}
