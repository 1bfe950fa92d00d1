import { translate, type Locale } from "~/i18n";
import { audit } from "~/utils/audit.server";
import { pool, prisma } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { requireManager, type Actor } from "~/utils/permissions.server";
import { isImportFileError, parseStaffFile } from "../staff-import";
import { fileErrorMessage } from "../staff-import/messages";
import { cleanSheet, guessContactMapping, innKey, keysOf, usable, type ContactRow, type DupBy } from "./contact-rows";

// Upload of a contact list into the organisation-wide base (issue #14 item 5): the staff
// import's reader (type check, zip-bomb guard, 20,000 rows), the cleaning of contact-rows.ts,
// duplicates inside the file, in the base and in a chosen event, one INSERT for all new rows,
// and a per-row report kept with the import for download.

export type ImportCounts = {
  rows: number;
  created: number;
  dupFile: number;
  dupBase: number;
  inEvent: number;
  invalid: number;
  phones: number;
  multi: number;
  foreign: number;
  badPhones: number;
};

type Outcome = { status: "created" } | { status: "invalid" } | { status: "dupFile"; row: number; by: DupBy } | { status: "dupBase" | "inEvent"; by: DupBy };

export async function importContacts(
  actor: Actor | null,
  input: { data: Buffer; fileName: string; eventId: string | null; locale: Locale; ip?: string },
): Promise<{ id: string; counts: ImportCounts }> {
  requireManager(actor);
  if (input.eventId && !(await prisma().event.findUnique({ where: { id: input.eventId }, select: { id: true } }))) throw notFound("Event");
  let sheet;
  try {
    sheet = await parseStaffFile(input.data, input.fileName);
  } catch (err) {
    if (isImportFileError(err)) throw new HttpError(422, "validation_failed", fileErrorMessage(input.locale, err), { file: fileErrorMessage(input.locale, err) });
    throw err;
  }
  const mapping = guessContactMapping(sheet.headers);
  if (mapping.email === null && mapping.phone === null)
    throw new HttpError(422, "validation_failed", translate(input.locale, "aud.r.noContact"), { file: translate(input.locale, "aud.r.noContact") });
  const { rows, stats } = cleanSheet(sheet, mapping);

  // Inside the file: the first row with a key keeps it.
  const outcomes: Outcome[] = new Array(rows.length);
  const seen = new Map<string, number>();
  const candidates: number[] = [];
  rows.forEach((c, i) => {
    if (!usable(c)) return void (outcomes[i] = { status: "invalid" });
    const keys = keysOf(c);
    const hit = keys.find(([by, k]) => seen.has(`${by}:${k}`));
    if (hit) return void (outcomes[i] = { status: "dupFile", row: rows[seen.get(`${hit[0]}:${hit[1]}`)!].row, by: hit[0] });
    for (const [by, k] of keys) seen.set(`${by}:${k}`, i);
    candidates.push(i);
  });

  const base = await existingKeys(candidates.map((i) => rows[i]));
  const event = input.eventId ? await eventKeys(input.eventId, candidates.map((i) => rows[i])) : new Set<string>();
  const fresh: ContactRow[] = [];
  for (const i of candidates) {
    const keys = keysOf(rows[i]);
    const inBase = keys.find(([by, k]) => base.has(`${by}:${k}`));
    const inEvent = keys.find(([by, k]) => by !== "inn" && event.has(`${by}:${k}`));
    if (inBase) outcomes[i] = { status: "dupBase", by: inBase[0] };
    else if (inEvent) outcomes[i] = { status: "inEvent", by: inEvent[0] };
    else {
      outcomes[i] = { status: "created" };
      fresh.push(rows[i]);
    }
  }

  const counts: ImportCounts = { rows: rows.length, created: 0, dupFile: 0, dupBase: 0, inEvent: 0, invalid: 0, ...stats };
  for (const o of outcomes) counts[o.status] += 1;
  const report = reportCsv(input.locale, rows, outcomes);

  const id = await prisma().$transaction(
    async (tx) => {
      const imp = await tx.audienceImport.create({
        data: { eventId: input.eventId, fileName: input.fileName.slice(0, 200), userId: actor.type === "user" ? actor.id : null, counts, report },
      });
      if (fresh.length) await tx.$executeRawUnsafe(INSERT_SQL, JSON.stringify(fresh.map(toRecord)), imp.id);
      await audit(actor, { action: "audience.import", entityType: "AudienceImport", entityId: imp.id, eventId: input.eventId ?? undefined, after: { file: input.fileName, ...counts }, ip: input.ip }, tx);
      return imp.id;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  return { id, counts };
}

// One statement for all rows (20,000 Prisma creates would take minutes).
const INSERT_SQL = `INSERT INTO "AudienceContact" ("lastName", "firstName", "middleName", "position", "email", "phones", "inn", "company", "city", "industry", "companySize", "category", "importId")
  SELECT t."lastName", t."firstName", t."middleName", t."position", t."email", ARRAY(SELECT jsonb_array_elements_text(t."phones")), t."inn", t."company", t."city", t."industry", t."companySize", t."category", $2::uuid
  FROM jsonb_to_recordset($1::jsonb) AS t("lastName" text, "firstName" text, "middleName" text, "position" text, "email" text, "phones" jsonb, "inn" text, "company" text, "city" text, "industry" text, "companySize" text, "category" text)`;

function toRecord(c: ContactRow) {
  const { row: _row, notes: _notes, ...rest } = c;
  return rest;
}

/** Keys of the base that any of these contacts share. */
async function existingKeys(rows: ContactRow[]): Promise<Set<string>> {
  const emails = rows.flatMap((c) => (c.email ? [c.email] : []));
  const phones = rows.flatMap((c) => c.phones);
  const inns = [...new Set(rows.flatMap((c) => (c.inn ? [c.inn] : [])))];
  const found = await pool().query<{ email: string | null; phones: string[] | null; inn: string | null; lastName: string | null; firstName: string | null }>(
    `SELECT email, phones, inn, "lastName", "firstName" FROM "AudienceContact" WHERE email = ANY($1::text[]) OR phones && $2::text[] OR inn = ANY($3::text[])`,
    [emails, phones, inns],
  );
  const keys = new Set<string>();
  for (const r of found.rows) {
    if (r.email) keys.add(`email:${r.email}`);
    for (const p of r.phones ?? []) keys.add(`phone:${p}`);
    const ik = innKey(r);
    if (ik) keys.add(`inn:${ik}`);
  }
  return keys;
}

/** E-mails and phones of the event's live registrations that any of these contacts share. */
async function eventKeys(eventId: string, rows: ContactRow[]): Promise<Set<string>> {
  const emails = rows.flatMap((c) => (c.email ? [c.email] : []));
  const phones = rows.flatMap((c) => c.phones);
  const found = await pool().query<{ email: string | null; phone: string | null }>(
    `SELECT lower(p.email) AS email, p.phone FROM "Registration" r JOIN "Person" p ON p.id = r."personId"
     WHERE r."eventId" = $1::uuid AND r.status IN ('confirmed', 'pending_approval') AND (lower(p.email) = ANY($2::text[]) OR p.phone = ANY($3::text[]))`,
    [eventId, emails, phones],
  );
  const keys = new Set<string>();
  for (const r of found.rows) {
    if (r.email) keys.add(`email:${r.email}`);
    if (r.phone) keys.add(`phone:${r.phone}`);
  }
  return keys;
}

const csvCell = (v: string) => {
  // A leading =, +, -, @ would be a formula in Excel: quoted with a leading apostrophe.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

function reportCsv(locale: Locale, rows: ContactRow[], outcomes: Outcome[]): string {
  const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, k, p);
  const byText = (by: DupBy) => (by === "email" ? "e-mail" : by === "phone" ? t("aud.r.phoneKey") : t("aud.r.innKey"));
  const lines = [[t("aud.r.row"), t("aud.r.status"), t("aud.r.detail"), "e-mail", t("aud.r.phones"), t("aud.r.inn"), t("aud.r.name")].map(csvCell).join(",")];
  rows.forEach((c, i) => {
    const o = outcomes[i];
    const status =
      o.status === "dupFile" ? t("aud.r.dupFile", { row: o.row, by: byText(o.by) }) : o.status === "dupBase" || o.status === "inEvent" ? t(`aud.r.${o.status}`, { by: byText(o.by) }) : t(`aud.r.${o.status}`);
    const notes = c.notes.map((n) => t(`aud.r.${n.kind}`, { value: n.value }));
    if (o.status === "invalid") notes.unshift(t("aud.r.noContact"));
    const name = [c.lastName, c.firstName, c.middleName].filter(Boolean).join(" ");
    lines.push([String(c.row), status, notes.join("; "), c.email ?? "", c.phones.join(" "), c.inn ?? "", name].map(csvCell).join(","));
  });
  return "\uFEFF" + lines.join("\r\n") + "\r\n";
}

/** The upload page: base size, recent events to tie an upload to, the last uploads, the one shown. */
export async function importsOverview(shown: string | null) {
  const db = prisma();
  const [total, events, imports, current] = await Promise.all([
    db.audienceContact.count(),
    db.event.findMany({ where: { endsAt: { gt: new Date(Date.now() - 365 * 86_400_000) } }, orderBy: { startsAt: "desc" }, select: { id: true, name: true }, take: 100 }),
    db.audienceImport.findMany({ orderBy: { createdAt: "desc" }, take: 10, select: { id: true, fileName: true, createdAt: true, counts: true } }),
    shown ? db.audienceImport.findUnique({ where: { id: shown }, select: { id: true, fileName: true, counts: true } }) : null,
  ]);
  return {
    total,
    events,
    imports: imports.map((i) => ({ ...i, createdAt: i.createdAt.toISOString(), counts: i.counts as ImportCounts })),
    current: current ? { ...current, counts: current.counts as ImportCounts } : null,
  };
}

/** One upload's per-row report (CSV text), or null. */
export function importReport(id: string) {
  return prisma().audienceImport.findUnique({ where: { id }, select: { report: true, createdAt: true } });
}
