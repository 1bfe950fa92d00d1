// Deals that followed an event (issue #14 item 3): the Bitrix24 deals of the contacts and
// companies we created, plus our own attendance and stand deals, copied into CrmDeal for the
// funnel and ROI. Pulled with crm.deal.list by CONTACT_ID / COMPANY_ID / ID (50 ids per
// command, up to 50 commands per `batch`, pages followed by `next`) through the sync's client,
// so the same leaky bucket holds back both. Refreshed by the worker every few hours for events
// still inside their attribution window, on demand from the funnel page, and for one deal on
// ONCRMDEALADD / ONCRMDEALUPDATE (inbound.server.ts).
import { pool } from "~/utils/db.server";
import { enqueue, registerTask } from "~/utils/jobs.server";
import { logger } from "~/utils/logger.server";
import { Bitrix24Error, BITRIX24_MAX_BATCH, type BatchCommand, type Bitrix24Client, type Params } from "../crm/bitrix24-client.server";
import { ORIGINATOR_ID } from "../crm/sync-mapping.server";
import { crmClient, crmEngine, crmWebhookUrl, loadSettings, pauseSync } from "../crm/sync-settings.server";

const SELECT = [
  "ID",
  "TITLE",
  "CATEGORY_ID",
  "STAGE_ID",
  "STAGE_SEMANTIC_ID",
  "OPPORTUNITY",
  "CURRENCY_ID",
  "CONTACT_ID",
  "COMPANY_ID",
  "ASSIGNED_BY_ID",
  "ORIGINATOR_ID",
  "DATE_CREATE",
  "CLOSEDATE",
];
const IDS_PER_COMMAND = 50;
const TICK_KEY = "crm-deals-refresh";
const TICK_HOURS = 6;

export type DealRow = {
  id: number;
  title: string;
  categoryId: number;
  stageId: string;
  semantic: string;
  amount: number;
  currency: string;
  contactId: number | null;
  companyId: number | null;
  assignedById: number | null;
  assignedName: string | null;
  ours: boolean;
  crmCreatedAt: string | null;
  closeDate: string | null;
};

const posInt = (v: unknown) => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : null;
};

/** A crm.deal.get / list row as stored. Semantic from STAGE_SEMANTIC_ID (S won, F lost, else in progress). */
export function dealFromCrm(d: Record<string, unknown>, users: Map<number, string>): DealRow | null {
  const id = posInt(d.ID);
  if (!id) return null;
  const sem = String(d.STAGE_SEMANTIC_ID ?? "P").toUpperCase();
  const amount = Number(String(d.OPPORTUNITY ?? "0").replace(",", "."));
  const assignedById = posInt(d.ASSIGNED_BY_ID);
  const date = (v: unknown) => {
    const s = String(v ?? "").trim();
    return s && !Number.isNaN(Date.parse(s)) ? s : null;
  };
  const close = date(d.CLOSEDATE);
  return {
    id,
    title: String(d.TITLE ?? ""),
    categoryId: Number(d.CATEGORY_ID ?? 0) || 0,
    stageId: String(d.STAGE_ID ?? ""),
    semantic: sem === "S" || sem === "F" ? sem : "P",
    amount: Number.isFinite(amount) ? amount : 0,
    currency: String(d.CURRENCY_ID ?? "") || "RUB",
    contactId: posInt(d.CONTACT_ID),
    companyId: posInt(d.COMPANY_ID),
    assignedById,
    assignedName: assignedById ? (users.get(assignedById) ?? null) : null,
    ours: String(d.ORIGINATOR_ID ?? "") === ORIGINATOR_ID,
    crmCreatedAt: date(d.DATE_CREATE),
    // The calendar date as the portal wrote it (its own zone), not shifted to UTC.
    closeDate: close ? close.slice(0, 10) : null,
  };
}

export async function storeDeals(rows: DealRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await pool().query(
      `INSERT INTO "CrmDeal" (id, title, "categoryId", "stageId", semantic, amount, currency, "contactId", "companyId", "assignedById", "assignedName", ours, "crmCreatedAt", "closeDate", "refreshedAt")
       SELECT id, title, "categoryId", "stageId", semantic, amount, currency, "contactId", "companyId", "assignedById", "assignedName", ours, "crmCreatedAt", "closeDate", now()
       FROM jsonb_to_recordset($1::jsonb) AS t(id int, title text, "categoryId" int, "stageId" text, semantic text, amount numeric, currency text, "contactId" int,
            "companyId" int, "assignedById" int, "assignedName" text, ours boolean, "crmCreatedAt" timestamptz, "closeDate" date)
       ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, "categoryId" = EXCLUDED."categoryId", "stageId" = EXCLUDED."stageId", semantic = EXCLUDED.semantic,
            amount = EXCLUDED.amount, currency = EXCLUDED.currency, "contactId" = EXCLUDED."contactId", "companyId" = EXCLUDED."companyId",
            "assignedById" = EXCLUDED."assignedById", "assignedName" = COALESCE(EXCLUDED."assignedName", "CrmDeal"."assignedName"), ours = EXCLUDED.ours,
            "crmCreatedAt" = EXCLUDED."crmCreatedAt", "closeDate" = EXCLUDED."closeDate", "refreshedAt" = now()`,
      [JSON.stringify(rows.slice(i, i + 2000))],
    );
  }
}

/** Portal users by id ("Name Last name"), for the manager responsible; empty when user.get is not allowed. */
async function portalUsers(client: Bitrix24Client): Promise<Map<number, string>> {
  try {
    const rows = await client.listPaged<Record<string, unknown>>("user.get", {});
    return new Map(
      rows.map((u) => [
        Number(u.ID),
        [u.NAME, u.LAST_NAME]
          .map((x) => String(x ?? "").trim())
          .filter(Boolean)
          .join(" "),
      ]),
    );
  } catch (e) {
    if (e instanceof Bitrix24Error && e.kind !== "retryable") {
      logger().warn({ code: e.code }, "CRM deals: user.get refused, managers shown by id");
      return new Map();
    }
    throw e;
  }
}

/** The CRM ids an event's records point at: our deals, contacts and companies. */
export async function linkedIds(eventIds: string[]): Promise<{ deals: number[]; contacts: number[]; companies: number[] }> {
  const r = await pool().query<{ deals: number[]; contacts: number[]; companies: number[] }>(
    `SELECT
       array(SELECT r."crmDealId" FROM "Registration" r WHERE r."eventId" = ANY($1::uuid[]) AND r."crmDealId" IS NOT NULL
             UNION SELECT x."crmDealId" FROM "Exhibitor" x WHERE x."eventId" = ANY($1::uuid[]) AND x."crmDealId" IS NOT NULL
             UNION SELECT b."crmDealId" FROM "StandBooking" b WHERE b."eventId" = ANY($1::uuid[]) AND b."crmDealId" IS NOT NULL) AS deals,
       array(SELECT p."crmContactId" FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE r."eventId" = ANY($1::uuid[]) AND p."crmContactId" IS NOT NULL
             UNION SELECT b."crmContactId" FROM "StandBooking" b WHERE b."eventId" = ANY($1::uuid[]) AND b."crmContactId" IS NOT NULL) AS contacts,
       array(SELECT o."crmCompanyId" FROM "Registration" r JOIN "Person" p ON p.id = r."personId" JOIN "Organization" o ON o.id = p."organizationId"
               WHERE r."eventId" = ANY($1::uuid[]) AND o."crmCompanyId" IS NOT NULL
             UNION SELECT o."crmCompanyId" FROM "Exhibitor" x JOIN "Organization" o ON o.id = x."organizationId" WHERE x."eventId" = ANY($1::uuid[]) AND o."crmCompanyId" IS NOT NULL
             UNION SELECT b."crmCompanyId" FROM "StandBooking" b WHERE b."eventId" = ANY($1::uuid[]) AND b."crmCompanyId" IS NOT NULL) AS companies`,
    [eventIds],
  );
  return r.rows[0];
}

/** Runs list commands in batches of 50 and follows each command's `next` until its last page. */
export async function listDeals(client: Bitrix24Client, filters: Params[]): Promise<Record<string, unknown>[]> {
  let todo = filters.map((filter) => ({ filter, start: 0 }));
  const rows: Record<string, unknown>[] = [];
  while (todo.length) {
    const chunk = todo.slice(0, BITRIX24_MAX_BATCH);
    todo = todo.slice(BITRIX24_MAX_BATCH);
    const cmds: Record<string, BatchCommand> = {};
    chunk.forEach(
      (c, i) => (cmds[`d${i}`] = ["crm.deal.list", { filter: c.filter, select: SELECT, order: { ID: "ASC" }, start: c.start }]),
    );
    const res = await client.batch(cmds);
    for (const [i, c] of chunk.entries()) {
      const key = `d${i}`;
      if (res.errors[key]) throw res.errors[key];
      if (res.skipped.includes(key)) {
        todo.push(c);
        continue;
      }
      const page = res.results[key];
      if (Array.isArray(page)) rows.push(...(page as Record<string, unknown>[]));
      const next = Number(res.next[key]);
      if (Number.isInteger(next) && next > c.start) todo.push({ filter: c.filter, start: next });
    }
  }
  return rows;
}

const chunks = (ids: number[]) =>
  Array.from({ length: Math.ceil(ids.length / IDS_PER_COMMAND) }, (_, i) => ids.slice(i * IDS_PER_COMMAND, (i + 1) * IDS_PER_COMMAND));

/** Pulls and stores every deal linked to the events' records. Returns how many were stored. */
export async function refreshDeals(eventIds: string[]): Promise<number> {
  if (!eventIds.length || !crmWebhookUrl() || (await loadSettings()).pausedAt) return 0;
  const ids = await linkedIds(eventIds);
  const filters: Params[] = [
    ...chunks(ids.deals).map((c) => ({ ID: c })),
    ...chunks(ids.contacts).map((c) => ({ CONTACT_ID: c })),
    ...chunks(ids.companies).map((c) => ({ COMPANY_ID: c })),
  ];
  const client = crmClient();
  const users = await portalUsers(client);
  const seen = new Map<number, DealRow>();
  for (const d of await listDeals(client, filters)) {
    const row = dealFromCrm(d, users);
    if (row) seen.set(row.id, row);
  }
  await storeDeals([...seen.values()]);
  await pool().query(
    `INSERT INTO "EventAnalytics" ("eventId", "dealsRefreshedAt") SELECT unnest($1::uuid[]), now()
     ON CONFLICT ("eventId") DO UPDATE SET "dealsRefreshedAt" = now()`,
    [eventIds],
  );
  logger().info({ events: eventIds.length, deals: seen.size }, "CRM deals refreshed");
  return seen.size;
}

/** One deal after a portal event: stored when it belongs to one of our records (or is already stored). */
export async function refreshDeal(dealId: number): Promise<boolean> {
  const d = await crmEngine().b.call<Record<string, unknown>>("crm.deal.get", { id: dealId });
  const row = dealFromCrm(d, new Map());
  if (!row) return false;
  const r = await pool().query(
    `SELECT EXISTS (SELECT 1 FROM "CrmDeal" WHERE id = $1)
         OR EXISTS (SELECT 1 FROM "Person" WHERE "crmContactId" = $2)
         OR EXISTS (SELECT 1 FROM "StandBooking" WHERE "crmContactId" = $2 OR "crmCompanyId" = $3 OR "crmDealId" = $1)
         OR EXISTS (SELECT 1 FROM "Organization" WHERE "crmCompanyId" = $3)
         OR EXISTS (SELECT 1 FROM "Registration" WHERE "crmDealId" = $1)
         OR EXISTS (SELECT 1 FROM "Exhibitor" WHERE "crmDealId" = $1) AS ours`,
    [row.id, row.contactId ?? -1, row.companyId ?? -1],
  );
  if (!r.rows[0].ours) return false;
  const known = await pool().query<{ assignedName: string | null }>(
    `SELECT "assignedName" FROM "CrmDeal" WHERE id = $1 AND "assignedById" = $2`,
    [row.id, row.assignedById],
  );
  if (row.assignedById && !known.rows[0]?.assignedName) {
    try {
      const u = await crmEngine().b.call<Record<string, unknown>[]>("user.get", { ID: row.assignedById });
      const first = Array.isArray(u) ? u[0] : undefined;
      if (first)
        row.assignedName =
          [first.NAME, first.LAST_NAME]
            .map((x) => String(x ?? "").trim())
            .filter(Boolean)
            .join(" ") || null;
    } catch (e) {
      if (!(e instanceof Bitrix24Error) || e.kind === "retryable") throw e;
    }
  }
  await storeDeals([row]);
  return true;
}

/** Events whose deals still matter: not over, or ended within their attribution window. */
async function eventsInWindow(): Promise<string[]> {
  const r = await pool().query<{ id: string }>(
    `SELECT e.id FROM "Event" e LEFT JOIN "EventAnalytics" a ON a."eventId" = e.id
     WHERE e."endsAt" + make_interval(days => COALESCE(a."attributionDays", 90) + 1) > now()`,
  );
  return r.rows.map((x) => x.id);
}

/** Asks the worker for a refresh of one event's deals now (the funnel page's button). */
export async function requestDealsRefresh(eventId: string): Promise<void> {
  const key = `${TICK_KEY}:${eventId}`;
  await enqueue("crm-deals-refresh", { eventId }, { queue: "crm-deals", jobKey: key, maxAttempts: 5 });
}

async function scheduleTick(runAt: Date, mode: "replace" | "preserve_run_at" = "replace") {
  await pool().query(
    `SELECT graphile_worker.add_job('crm-deals-refresh', '{}'::json, queue_name => 'crm-deals', run_at => $1, max_attempts => 5, job_key => $2, job_key_mode => $3)`,
    [runAt, TICK_KEY, mode],
  );
}

async function runRefresh(payload: unknown): Promise<void> {
  const eventId = (payload as { eventId?: unknown } | null)?.eventId;
  try {
    await refreshDeals(typeof eventId === "string" ? [eventId] : await eventsInWindow());
  } catch (e) {
    if (e instanceof Bitrix24Error && (e.kind === "auth" || e.kind === "config")) {
      await pauseSync(`${e.code}${e.description ? `: ${e.description}` : ""}`);
      return;
    }
    throw e;
  }
}

export function registerDealTasks(): void {
  registerTask("crm-deals-refresh", async (payload) => {
    const scheduled = !(payload as { eventId?: unknown } | null)?.eventId;
    try {
      await runRefresh(payload);
    } finally {
      if (scheduled) await scheduleTick(new Date(Date.now() + TICK_HOURS * 3600_000));
    }
  });
  // The first scheduled run an hour after start (keeps one already planned): tests and a fresh
  // start do not hit the portal at once; the page's button refreshes an event at any time.
  void scheduleTick(new Date(Date.now() + 3600_000), "preserve_run_at").catch((err: unknown) =>
    logger().error({ err }, "could not schedule the CRM deal refresh"),
  );
}
