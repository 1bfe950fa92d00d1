import type { Locale } from "~/i18n";
import { audit } from "~/utils/audit.server";
import { inTransaction, pool, prisma } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { hasBadText } from "~/utils/ids";
import { canSeeEvent, requireManager, type Actor } from "~/utils/permissions.server";
import { enqueueJobs, mailJob } from "../outbox.server";
import { cleanTag } from "../registrations/source";
import { sha256 } from "../registrations/registrations.server";
import { newInvitationToken } from "./invitation-link.server";

// Segments of the audience base and invitations to an event (issue #14 item 5). A segment is
// a filter, not a stored list: industry, city, company size, category (exact, any case) and
// past attendance (came to another event at least once, by e-mail). Sending writes one
// AudienceInvitation per new address and one send-mail job each, in one transaction; the
// mail job records sent/failed per recipient.

export type Segment = { industry: string | null; city: string | null; companySize: string | null; category: string | null; past: "any" | "came" | "never" };

export const MAX_SEND = 20_000;

export function segmentFrom(read: { get(name: string): unknown }): Segment {
  const v = (n: string) => cleanTag(read.get(n), 100);
  const past = read.get("past");
  return { industry: v("industry"), city: v("city"), companySize: v("companySize"), category: v("category"), past: past === "came" || past === "never" ? past : "any" };
}

/** The segment's WHERE over "AudienceContact" c; $1 is the event id. */
function segmentWhere(s: Segment): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const parts = [`c.email IS NOT NULL`];
  for (const col of ["industry", "city", "companySize", "category"] as const) {
    const value = s[col];
    if (value === null) continue;
    params.push(value);
    parts.push(`lower(c."${col}") = lower($${params.length + 1})`);
  }
  const came = `EXISTS (SELECT 1 FROM "Registration" r JOIN "Person" p ON p.id = r."personId" JOIN "CheckIn" ci ON ci."registrationId" = r.id
                        WHERE lower(p.email) = c.email AND r."eventId" <> $1::uuid)`;
  if (s.past === "came") parts.push(came);
  if (s.past === "never") parts.push(`NOT ${came}`);
  return { sql: parts.join(" AND "), params };
}

/** Not invited to this event yet, and not registered for it under the same address. */
const NEW_ADDRESS = `NOT EXISTS (SELECT 1 FROM "AudienceInvitation" i WHERE i."eventId" = $1::uuid AND i."contactId" = c.id)
  AND NOT EXISTS (SELECT 1 FROM "Registration" r JOIN "Person" p ON p.id = r."personId"
                  WHERE r."eventId" = $1::uuid AND lower(p.email) = c.email AND r.status IN ('confirmed', 'pending_approval'))`;

async function eventFor(actor: Actor | null, eventId: string) {
  requireManager(actor);
  const event = await prisma().event.findUnique({ where: { id: eventId } });
  if (!event || !canSeeEvent(actor, event.id)) throw notFound("Event");
  return event;
}

export async function previewSegment(actor: Actor | null, eventId: string, s: Segment) {
  await eventFor(actor, eventId);
  const w = segmentWhere(s);
  const r = await pool().query<{ total: number; send: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE ${NEW_ADDRESS})::int AS send FROM "AudienceContact" c WHERE ${w.sql}`,
    [eventId, ...w.params],
  );
  const { total, send } = r.rows[0];
  return { total, send, skip: total - send };
}

/** Values to choose from for each filter (the base's own, most common first). */
export async function segmentOptions() {
  const r = await pool().query<{ col: string; value: string }>(
    `SELECT col, value FROM (
       SELECT col, value, row_number() OVER (PARTITION BY col ORDER BY count(*) DESC, value) AS n FROM (
         SELECT 'industry' AS col, industry AS value FROM "AudienceContact" WHERE industry IS NOT NULL
         UNION ALL SELECT 'city', city FROM "AudienceContact" WHERE city IS NOT NULL
         UNION ALL SELECT 'companySize', "companySize" FROM "AudienceContact" WHERE "companySize" IS NOT NULL
         UNION ALL SELECT 'category', category FROM "AudienceContact" WHERE category IS NOT NULL) v
       GROUP BY col, value) x WHERE n <= 200 ORDER BY col, n`,
  );
  const out: Record<string, string[]> = { industry: [], city: [], companySize: [], category: [] };
  for (const row of r.rows) out[row.col].push(row.value);
  return out;
}

export async function sendInvitations(actor: Actor | null, eventId: string, s: Segment, campaignInput: string, locale: Locale, ip?: string): Promise<number> {
  await eventFor(actor, eventId);
  if (hasBadText(campaignInput)) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { campaign: "NUL or unpaired surrogate" });
  const campaign = cleanTag(campaignInput, 100);
  if (!campaign) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { campaign: "Required" });
  const w = segmentWhere(s);
  const count = await inTransaction(async (client) => {
    const targets = await client.query<{ id: string; email: string }>(
      `SELECT c.id, c.email FROM "AudienceContact" c WHERE ${w.sql} AND ${NEW_ADDRESS} ORDER BY c."createdAt", c.id LIMIT ${MAX_SEND}`,
      [eventId, ...w.params],
    );
    if (targets.rows.length === 0) return 0;
    const tokens = new Map(targets.rows.map((t) => [t.id, newInvitationToken()]));
    // A second click of the same confirm step finds the rows there already: nobody is mailed twice.
    const made = await client.query<{ id: string; contactId: string }>(
      `INSERT INTO "AudienceInvitation" ("eventId", "contactId", campaign, email, "tokenHash")
       SELECT $1::uuid, t.contact, $2, t.email, t.hash FROM jsonb_to_recordset($3::jsonb) AS t(contact uuid, email text, hash text)
       ON CONFLICT ("eventId", "contactId") DO NOTHING RETURNING id, "contactId"`,
      [eventId, campaign, JSON.stringify(targets.rows.map((t) => ({ contact: t.id, email: t.email, hash: sha256(tokens.get(t.id)!) })))],
    );
    await enqueueJobs(
      made.rows.map((m) => mailJob({ kind: "audience-invite", invitationId: m.id, token: tokens.get(m.contactId)!, locale }, { queue: "audience-mail" })),
      client,
    );
    return made.rows.length;
  });
  // After the commit (the rows are written with raw SQL, outside Prisma's transaction).
  await audit(actor, { action: "audience.invite", entityType: "Event", entityId: eventId, eventId, after: { campaign, segment: s, count }, ip });
  return count;
}

export async function invitationList(actor: Actor | null, eventId: string) {
  await eventFor(actor, eventId);
  const stats = await pool().query<{ status: string; n: number; registered: number }>(
    `SELECT status, count(*)::int AS n, count("registrationId")::int AS registered FROM "AudienceInvitation" WHERE "eventId" = $1 GROUP BY status`,
    [eventId],
  );
  const rows = await prisma().audienceInvitation.findMany({
    where: { eventId },
    include: { contact: { select: { lastName: true, firstName: true, company: true } } },
    orderBy: [{ createdAt: "desc" }, { email: "asc" }],
    take: 500,
  });
  const by = (st: string) => stats.rows.find((r) => r.status === st)?.n ?? 0;
  return {
    stats: { queued: by("queued"), sent: by("sent"), failed: by("failed"), registered: stats.rows.reduce((a, r) => a + r.registered, 0) },
    rows: rows.map((r) => ({
      id: r.id,
      email: r.email,
      name: [r.contact.lastName, r.contact.firstName].filter(Boolean).join(" "),
      company: r.contact.company,
      campaign: r.campaign,
      status: r.status,
      error: r.error,
      sentAt: r.sentAt?.toISOString() ?? null,
      registered: !!r.registrationId,
    })),
  };
}
