import type { BenchResult } from "./types";

// funnel-report: the funnel of one event with 50,000 registrations (2,000 companies, five
// channels, 60 % came, a fifth of those on two days, 3,000 CRM sales deals) by channel, through
// the page's query; baseline: a plain count(*) GROUP BY channel over the same rows.

const RUNS = 7;

export async function run(ctx: { databaseUrl: string; dataDir: string }): Promise<BenchResult[]> {
  process.env.DATABASE_URL = ctx.databaseUrl;
  const { pool } = await import("../app/utils/db.server");
  const { funnelRows } = await import("../app/services/analytics/funnel.server");
  const { channelSql } = await import("../app/services/analytics/channel");
  const db = pool();
  const ev = await db.query<{ id: string }>(
    `INSERT INTO "Event" (name, venue, timezone, "startsAt", "endsAt") VALUES ('Bench funnel', 'Hall', 'Europe/Moscow', now() - interval '10 days', now() - interval '8 days') RETURNING id`,
  );
  const eventId = ev.rows[0].id;
  await db.query(
    `INSERT INTO "Organization" (name, city, "crmCompanyId") SELECT 'Org ' || n, (ARRAY['Москва','Казань','Самара','Тверь'])[1 + n % 4], 100000 + n FROM generate_series(1, 2000) n`,
  );
  await db.query(
    `WITH o AS (SELECT id, row_number() OVER (ORDER BY "crmCompanyId") AS k FROM "Organization"),
     p AS (INSERT INTO "Person" ("lastName", "firstName", email, "organizationId", "crmContactId")
           SELECT 'P' || n, 'I', 'p' || n || '@bench.example', (SELECT id FROM o WHERE k = 1 + n % 2000), 500000 + n FROM generate_series(1, 50000) n RETURNING id, "crmContactId")
     INSERT INTO "Registration" ("eventId", "personId", category, status, "codeSecret", source, "utmSource", "manualSource", "createdAt")
     SELECT $1, p.id, (CASE WHEN p."crmContactId" % 10 = 0 THEN 'media' ELSE 'visitor' END)::"RegistrationCategory",
            (CASE WHEN p."crmContactId" % 17 = 0 THEN 'cancelled' ELSE 'confirmed' END)::"RegistrationStatus", md5(p.id::text),
            (ARRAY['site','api','import','kiosk','manager'])[1 + p."crmContactId" % 5],
            CASE WHEN p."crmContactId" % 3 = 0 THEN 'yandex' END, CASE WHEN p."crmContactId" % 7 = 0 THEN 'partner' END,
            now() - interval '20 days' + make_interval(secs => p."crmContactId" % 86400)
     FROM p`,
    [eventId],
  );
  await db.query(
    `INSERT INTO "CheckIn" ("eventId", "registrationId", "clientId", "eventDay", "scannedAt")
     SELECT $1, r.id, gen_random_uuid(), d.day, now() - interval '9 days'
     FROM "Registration" r JOIN "Person" p ON p.id = r."personId"
     CROSS JOIN LATERAL (SELECT (now() - interval '10 days')::date AS day UNION ALL SELECT (now() - interval '9 days')::date WHERE p."crmContactId" % 5 = 0) d
     WHERE r."eventId" = $1 AND p."crmContactId" % 5 IN (0, 1, 2)`,
    [eventId],
  );
  await db.query(
    `INSERT INTO "CrmDeal" (id, semantic, amount, "contactId", "companyId", "assignedById", "assignedName", "crmCreatedAt", "closeDate")
     SELECT n, (ARRAY['S','F','P'])[1 + n % 3], 1000 * (n % 50), CASE WHEN n % 2 = 0 THEN 500000 + n * 13 END, CASE WHEN n % 2 = 1 THEN 100000 + n % 2000 END,
            1 + n % 6, 'Manager ' || (1 + n % 6), now() - interval '5 days', (now() - interval '2 days')::date
     FROM generate_series(1, 3000) n`,
  );
  await db.query(`ANALYZE`);

  const filters = { category: null, channel: null, from: null, to: null };
  const time = async (fn: () => Promise<unknown>) => {
    await fn(); // warm-up
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await fn();
      ms.push(performance.now() - t0);
    }
    return ms.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
  };
  const rows = await funnelRows(eventId, 90, "channel", filters);
  const total = rows.reduce((a, r) => a + r.registered, 0);
  if (total !== 50000) throw new Error(`funnel counted ${total} registrations, expected 50000`);
  const funnelMs = await time(() => funnelRows(eventId, 90, "channel", filters));
  const managerMs = await time(() => funnelRows(eventId, 90, "manager", filters));
  const plainMs = await time(() =>
    db.query(`SELECT ${channelSql("r")} AS c, count(*) FROM "Registration" r WHERE r."eventId" = $1 GROUP BY 1`, [eventId]),
  );
  const round = (n: number) => Math.round(n * 10) / 10;
  const baseline = { what: "plain count(*) GROUP BY channel over the same 50,000 registrations", value: round(plainMs), unit: "ms" };
  return [
    { name: "funnel-report", value: round(funnelMs), unit: "ms", baseline, ratio: round(funnelMs / plainMs) },
    { name: "funnel-report-by-manager", value: round(managerMs), unit: "ms", baseline, ratio: round(managerMs / plainMs) },
  ];
}
