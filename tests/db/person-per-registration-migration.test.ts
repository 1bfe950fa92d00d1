// Migration 20261203070000_person_per_registration (docs/decisions/0007): a database at the
// migration before it, with people shared by several registrations, is migrated; every
// registration then has its own Person row with the same data as before, nothing is lost, and
// a second registration can no longer point at a row another one uses.
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { migrate } from "../../app/utils/migrate.server";
import { createEmptyDatabase } from "../setup/db";

const MIGRATION = "20261203070000_person_per_registration";

let client: pg.Client;
let url: string;
let before: string;

beforeAll(async () => {
  url = await createEmptyDatabase("person_split");
  // The migrations up to the one before this one.
  before = mkdtempSync("tests/.tmp/migrations-before-");
  for (const m of readdirSync("prisma/migrations").filter((d) => d < MIGRATION)) cpSync(path.join("prisma/migrations", m), path.join(before, m), { recursive: true });
  expect(readdirSync(before)).not.toContain(MIGRATION);
  await migrate(url, before);
  client = new pg.Client({ connectionString: url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  if (before) rmSync(before, { recursive: true, force: true });
});

type Row = Record<string, unknown>;
const PERSON_COLUMNS = `p."lastName", p."firstName", p."middleName", p.position, p.email, p.phone, p.locale, p."organizationId", p."crmContactId", p."createdAt", p."updatedAt"`;

/** What each registration shows, by registration id. */
async function shown(): Promise<Map<string, Row>> {
  const r = await client.query(
    `SELECT r.id AS "registrationId", r."eventId", r."exhibitorId", r.status::text, r."crmDealId", ${PERSON_COLUMNS}
     FROM "Registration" r JOIN "Person" p ON p.id = r."personId" ORDER BY r.id`,
  );
  return new Map(r.rows.map((x) => [x.registrationId as string, x]));
}

describe(`migration ${MIGRATION}`, () => {
  test("people shared by several registrations are split without loss; the unique key holds afterwards", async () => {
    const q = (sql: string, params: unknown[] = []) => client.query(sql, params);
    const org = (await q(`INSERT INTO "Organization" (name) VALUES ('Альфа') RETURNING id`)).rows[0].id;
    const events = (
      await q(
        `INSERT INTO "Event" (name, venue, timezone, "startsAt", "endsAt")
         SELECT 'Событие ' || n, 'Зал', 'Europe/Moscow', now(), now() + interval '1 day' FROM generate_series(1, 3) n ORDER BY n RETURNING id`,
      )
    ).rows.map((x) => x.id);
    const ex = (await q(`INSERT INTO "Exhibitor" ("eventId", "organizationId", "staffQuota") VALUES ($1, $2, 5) RETURNING id`, [events[0], org])).rows[0].id;
    const person = async (lastName: string, email: string, crm: number | null, created: string) =>
      (
        await q(
          `INSERT INTO "Person" ("lastName", "firstName", "middleName", position, email, phone, locale, "organizationId", "crmContactId", "createdAt", "updatedAt")
           VALUES ($1, 'Анна', 'Петровна', 'Инженер', $2, '+79160000001', 'en', $3, $4, $5, $5::timestamptz + interval '1 hour') RETURNING id`,
          [lastName, email, org, crm, created],
        )
      ).rows[0].id as string;
    const shared3 = await person("Общая", "anna@alpha.example", 501, "2026-01-01T10:00:00Z"); // three events
    const shared2 = await person("Двойная", "boris@beta.example", null, "2026-01-02T10:00:00Z"); // two events, no CRM contact
    const single = await person("Одна", "vera@gamma.example", 503, "2026-01-03T10:00:00Z");
    const orphan = await person("Без регистрации", "old@delta.example", null, "2026-01-04T10:00:00Z");
    const reg = async (eventId: string, personId: string, created: string, exhibitorId: string | null = null, status = "confirmed") =>
      (
        await q(
          `INSERT INTO "Registration" ("eventId", "personId", "exhibitorId", category, status, "codeSecret", "createdAt")
           VALUES ($1, $2, $3, $4, $5::"RegistrationStatus", md5(random()::text), $6) RETURNING id`,
          [eventId, personId, exhibitorId, exhibitorId ? "exhibitor_staff" : "visitor", status, created],
        )
      ).rows[0].id as string;
    const first = await reg(events[0], shared3, "2026-02-01T10:00:00Z", ex);
    const second = await reg(events[1], shared3, "2026-02-02T10:00:00Z");
    const third = await reg(events[2], shared3, "2026-02-03T10:00:00Z", null, "cancelled");
    const b1 = await reg(events[1], shared2, "2026-02-05T10:00:00Z");
    const b0 = await reg(events[0], shared2, "2026-02-04T10:00:00Z"); // older, inserted later
    const v = await reg(events[0], single, "2026-02-06T10:00:00Z");
    // Rows that hang off registrations stay with them.
    await q(`INSERT INTO "MediaAccreditation" ("registrationId", outlet) VALUES ($1, 'Радио')`, [second]);
    await q(`INSERT INTO "CrmSyncState" ("entityType", "localId", status, "crmId") VALUES ('person', $1, 'synced', 501)`, [shared3]);

    const was = await shown();
    const peopleBefore = (await q(`SELECT count(*)::int AS n FROM "Person"`)).rows[0].n;
    expect(peopleBefore).toBe(4);

    // This migration first; later ones (if any) follow it.
    const applied = await migrate(url);
    expect(applied[0]).toBe(MIGRATION);
    expect(applied.every((m) => m >= MIGRATION)).toBe(true);

    // Every registration shows exactly what it showed before: same name, contact, company, CRM contact, timestamps.
    expect(await shown()).toEqual(was);
    // One row per registration: 6 registrations, plus the row that had none.
    const people = await q(`SELECT r.id AS reg, r."personId" FROM "Registration" r`);
    const personOf = new Map(people.rows.map((x) => [x.reg, x.personId]));
    expect(new Set(personOf.values()).size).toBe(6);
    expect((await q(`SELECT count(*)::int AS n FROM "Person"`)).rows[0].n).toBe(7);
    expect((await q(`SELECT id FROM "Person" WHERE id = $1`, [orphan])).rows).toHaveLength(1);
    // The oldest registration keeps the original row (and its CRM sync state); the others got copies.
    expect(personOf.get(first)).toBe(shared3);
    expect(personOf.get(b0)).toBe(shared2);
    expect(personOf.get(v)).toBe(single);
    for (const r of [second, third, b1]) expect([shared3, shared2, single]).not.toContain(personOf.get(r));
    // The copies of a CRM-linked person keep its contact id, so the CRM keeps one contact.
    const contacts = await q(`SELECT p."crmContactId" FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE r.id = ANY($1::uuid[])`, [[first, second, third]]);
    expect(contacts.rows.map((x) => x.crmContactId)).toEqual([501, 501, 501]);
    expect((await q(`SELECT "registrationId" FROM "MediaAccreditation"`)).rows).toEqual([{ registrationId: second }]);

    // Afterwards a person's row cannot be shared again; a new registration of the same person in
    // the same event needs its own row and is accepted.
    await expect(reg(events[1], shared3, "2026-03-01T10:00:00Z")).rejects.toThrow(/Registration_personId_key/);
    const again = await person("Общая", "anna@alpha.example", 501, "2026-03-01T10:00:00Z");
    await expect(reg(events[0], again, "2026-03-01T10:00:00Z")).resolves.toBeTruthy();
  });
});
