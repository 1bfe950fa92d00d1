// A past event with three channels, check-ins, CRM contacts/companies made by the real sync,
// sales deals added "in the portal", stand requests and an exhibitor (issue #14 items 2, 3).
import type pg from "pg";
import type { World } from "../crm-sync/helpers";
import { drained, enqueueSync, refsOf } from "../crm-sync/helpers";

export type FunnelSeed = {
  eventId: string;
  regIds: string[];
  /** CRM ids by person index (0..7) and company letter. */
  contacts: number[];
  companies: Record<"A" | "B" | "C", number>;
};

// Persons P1..P8: [org, category, status, source, utmSource, manualSource, check-in days]
const PEOPLE: Array<[("A" | "B" | "C") | null, string, string, string, string | null, string | null, number[]]> = [
  ["A", "visitor", "confirmed", "site", "yandex", null, [0, 1]],
  ["A", "visitor", "confirmed", "site", "yandex", null, [0]],
  ["B", "visitor", "confirmed", "site", "yandex", null, []],
  ["B", "visitor", "confirmed", "manager", null, "partner", [0]],
  ["C", "media", "pending_approval", "site", null, "partner", []],
  ["C", "visitor", "confirmed", "api", null, "partner", [0, 1]],
  [null, "visitor", "confirmed", "site", null, null, [1]],
  [null, "visitor", "cancelled", "site", null, null, []],
];

export async function seedFunnelEvent(w: World): Promise<FunnelSeed> {
  const db: pg.Pool = w.db;
  const ev = await db.query<{ id: string }>(
    `INSERT INTO "Event" (name, venue, timezone, "startsAt", "endsAt")
     VALUES ('Воронка-2026', 'Экспоцентр', 'Europe/Moscow', date_trunc('day', now()) - interval '20 days' + interval '7 hours', date_trunc('day', now()) - interval '19 days' + interval '15 hours') RETURNING id`,
  );
  const eventId = ev.rows[0].id;
  const orgs: Record<string, string> = {};
  for (const [k, city] of [
    ["A", "Москва"],
    ["B", "Казань"],
    ["C", null],
  ] as const) {
    const r = await db.query<{ id: string }>(
      `INSERT INTO "Organization" (name, city, phones, emails) VALUES ($1, $2, ARRAY[$3], ARRAY[$4]) RETURNING id`,
      [`ООО Воронка ${k}`, city, `+7495777000${k.charCodeAt(0) - 60}`, `office-${k.toLowerCase()}@funnel.example`],
    );
    orgs[k] = r.rows[0].id;
  }
  const regIds: string[] = [];
  const personIds: string[] = [];
  for (const [i, [org, category, status, source, utm, manual, days]] of PEOPLE.entries()) {
    const p = await db.query<{ id: string }>(
      `INSERT INTO "Person" ("lastName", "firstName", email, phone, "organizationId") VALUES ($1, 'Иван', $2, $3, $4) RETURNING id`,
      [`Воронкин${i + 1}`, `p${i + 1}@funnel.example`, `+791655500${10 + i}`, org ? orgs[org] : null],
    );
    personIds.push(p.rows[0].id);
    const r = await db.query<{ id: string }>(
      `INSERT INTO "Registration" ("eventId", "personId", category, status, "codeSecret", source, "utmSource", "manualSource", "createdAt")
       VALUES ($1, $2, $3::"RegistrationCategory", $4::"RegistrationStatus", md5(random()::text), $5, $6, $7, now() - interval '30 days' + make_interval(mins => $8)) RETURNING id`,
      [eventId, p.rows[0].id, category, status, source, utm, manual, i],
    );
    regIds.push(r.rows[0].id);
    for (const d of days) {
      await db.query(
        `INSERT INTO "CheckIn" ("eventId", "registrationId", "clientId", "eventDay", "scannedAt")
         SELECT $1, $2, gen_random_uuid(), (e."startsAt" AT TIME ZONE e.timezone)::date + $3::int, e."startsAt" + make_interval(days => $3::int, hours => 2) FROM "Event" e WHERE e.id = $1`,
        [eventId, r.rows[0].id, d],
      );
    }
  }
  await enqueueSync(w.db, [
    ...refsOf("organization", Object.values(orgs)),
    ...refsOf("person", personIds),
    ...refsOf("registration", regIds),
  ]);
  await drained(w, 90_000);
  const contacts = (
    await db.query<{ c: number }>(`SELECT "crmContactId" AS c FROM "Person" WHERE id = ANY($1::uuid[]) ORDER BY "lastName"`, [personIds])
  ).rows.map((x) => x.c);
  const comp = (
    await db.query<{ name: string; c: number }>(`SELECT name, "crmCompanyId" AS c FROM "Organization" WHERE id = ANY($1::uuid[])`, [
      Object.values(orgs),
    ])
  ).rows;
  const companies = Object.fromEntries(comp.map((x) => [x.name.slice(-1), x.c])) as FunnelSeed["companies"];
  if (contacts.some((c) => !c) || Object.values(companies).some((c) => !c))
    throw new Error(`sync left records without CRM ids: ${JSON.stringify({ contacts, companies })}`);
  return { eventId, regIds, contacts, companies };
}

/** Sales deals "made by managers in the portal" (not ours), stand deals, stand requests and an exhibitor. */
export async function seedDeals(w: World, s: FunnelSeed): Promise<{ d3: number }> {
  const add = async (fields: Record<string, unknown>) =>
    (await w.emu.state.addAsPortalUser("deal", { CATEGORY_ID: 0, CURRENCY_ID: "RUB", ...fields })).id;
  const [SALES, MARKETING] = [7, 5];
  const c = s.contacts;
  await add({ TITLE: "D1", STAGE_ID: "WON", OPPORTUNITY: 100000, CONTACT_IDS: [c[0]], ASSIGNED_BY_ID: SALES });
  await add({ TITLE: "D2", STAGE_ID: "WON", OPPORTUNITY: 50000, COMPANY_ID: s.companies.A, ASSIGNED_BY_ID: MARKETING });
  const d3 = await add({ TITLE: "D3", STAGE_ID: "LOSE", OPPORTUNITY: 30000, CONTACT_IDS: [c[3]], ASSIGNED_BY_ID: SALES });
  await add({ TITLE: "D4", STAGE_ID: "WON", OPPORTUNITY: 40000, COMPANY_ID: s.companies.C, ASSIGNED_BY_ID: MARKETING });
  await add({ TITLE: "D5 (no-show's deal)", STAGE_ID: "WON", OPPORTUNITY: 999, CONTACT_IDS: [c[2]], ASSIGNED_BY_ID: SALES });
  await add({ TITLE: "D6", STAGE_ID: "NEW", OPPORTUNITY: 10000, CONTACT_IDS: [c[6]], ASSIGNED_BY_ID: SALES });
  // Won, but 120 days after the event's end: outside the 90-day window (still a deal).
  const late = new Date(Date.now() + 110 * 86_400_000).toISOString().slice(0, 10);
  await add({
    TITLE: "D7",
    STAGE_ID: "WON",
    OPPORTUNITY: 70000,
    CONTACT_IDS: [c[1]],
    ASSIGNED_BY_ID: MARKETING,
    CLOSEDATE: `${late}T00:00:00+03:00`,
  });
  // A second contact bound after the first: found by CONTACT_ID through the binding.
  await add({ TITLE: "D8 (second contact)", STAGE_ID: "NEW", OPPORTUNITY: 5, CONTACT_IDS: [999999, c[6]], ASSIGNED_BY_ID: SALES });
  // 55 open deals of company B: more than one page of crm.deal.list.
  for (let i = 0; i < 55; i++)
    await add({ TITLE: `B-${i}`, STAGE_ID: "NEW", OPPORTUNITY: 1, COMPANY_ID: s.companies.B, ASSIGNED_BY_ID: SALES });
  // Stand requests: none / a deal in progress / a won deal taken over by the exhibitor.
  const ds2 = await add({ TITLE: "Stand S2", CATEGORY_ID: 5, STAGE_ID: "C5:NEW", OPPORTUNITY: 120000 });
  const ds3 = await add({ TITLE: "Stand S3", CATEGORY_ID: 5, STAGE_ID: "C5:WON", OPPORTUNITY: 300000 });
  const org = await w.db.query<{ id: string }>(`INSERT INTO "Organization" (name) VALUES ('ООО Стенд') RETURNING id`);
  const ex = await w.db.query<{ id: string }>(
    `INSERT INTO "Exhibitor" ("eventId", "organizationId", "crmDealId") VALUES ($1, $2, $3) RETURNING id`,
    [s.eventId, org.rows[0].id, ds3],
  );
  const booking = (n: number, deal: number | null, exhibitorId: string | null) =>
    w.db.query(
      `INSERT INTO "StandBooking" ("eventId", "companyName", "contactLastName", "contactFirstName", "contactEmail", "areaM2", "crmDealId", "exhibitorId", status)
       VALUES ($1, $2, 'Стендов', 'Пётр', $3, 12, $4, $5, $6)`,
      [s.eventId, `ООО Заявка ${n}`, `stand${n}@funnel.example`, deal, exhibitorId, exhibitorId ? "converted" : "new"],
    );
  await booking(1, null, null);
  await booking(2, ds2, null);
  await booking(3, ds3, ex.rows[0].id);
  return { d3 };
}
