// The event funnel (issue #14 item 2) and ROI (item 3), one SQL statement per view.
//
// Stages, each a subset of the one before: registered -> confirmed (status confirmed, i.e. media
// approved) -> came (a check-in on any day) -> came on 2+ days -> has a CRM deal -> has a won deal.
// "Invited" comes from audience invitations (invitedByChannel) and is shown only when known.
//
// Deals (CrmDeal, pulled from Bitrix24): sales deals only (not the attendance and stand deals
// this system makes), of the contact or the company of a person who came, created or won between
// the event's first day and N days after its last (N per event, default 90). A won deal's amount
// is counted once: for the earliest registration that came with its contact, else with its
// company. Stand revenue: won deals of the event's stand requests and exhibitors.
import { pool } from "~/utils/db.server";
import { channelSql } from "./channel";
import type { Dimension } from "./funnel-options";
import { invitedByChannel } from "./invited.server";

export { DIMENSIONS, type Dimension } from "./funnel-options";

export type FunnelFilters = { category: string | null; channel: string | null; from: string | null; to: string | null };

export type FunnelRow = {
  key: string | null;
  invited: number | null;
  registered: number;
  confirmed: number;
  came: number;
  cameSeveral: number;
  deal: number;
  won: number;
  wonDeals: number;
  revenue: number;
  /** Actual cost: marketing lines of the channel (channel view), every line (total). */
  cost: number | null;
};

export type StandFunnel = { requests: number; deals: number; exhibitors: number; won: number; revenue: number };

export type BudgetSums = { planned: number; actual: number; byChannel: Map<string, number> };

const DIM_SQL: Record<Dimension, string> = {
  channel: channelSql("r"),
  category: `r.category::text`,
  city: `NULLIF(btrim(o.city), '')`,
  manager: `pr.manager`,
};

/** The funnel by one dimension. Rows in the order of their registrations (most first). */
export async function funnelRows(eventId: string, days: number, dim: Dimension, f: FunnelFilters): Promise<FunnelRow[]> {
  const ch = channelSql("r");
  const key = dim === "manager" ? "pr.manager" : "g.dim";
  const sql = `
    WITH ev AS (
      SELECT ("startsAt" AT TIME ZONE timezone)::date AS day0, ("endsAt" AT TIME ZONE timezone)::date + $2::int AS until, timezone AS tz
      FROM "Event" WHERE id = $1),
    dl AS (
      SELECT d.id, d."contactId", d."companyId", d.amount, d."assignedById", d."assignedName",
             (d.semantic = 'S' AND d."closeDate" BETWEEN ev.day0 AND ev.until) AS won
      FROM "CrmDeal" d, ev
      WHERE NOT d.ours AND ((d."crmCreatedAt" AT TIME ZONE ev.tz)::date BETWEEN ev.day0 AND ev.until
                            OR (d.semantic = 'S' AND d."closeDate" BETWEEN ev.day0 AND ev.until))),
    g AS (
      SELECT r.id, r."createdAt", ${dim === "manager" ? "NULL::text" : DIM_SQL[dim]} AS dim, p."crmContactId" AS contact, o."crmCompanyId" AS company,
             r.status = 'confirmed' AS confirmed, COALESCE(ci.days, 0) AS days
      FROM "Registration" r
      JOIN "Person" p ON p.id = r."personId"
      LEFT JOIN "Organization" o ON o.id = p."organizationId"
      LEFT JOIN (SELECT "registrationId", count(*) AS days FROM "CheckIn" WHERE "eventId" = $1 GROUP BY 1) ci ON ci."registrationId" = r.id
      CROSS JOIN ev
      WHERE r."eventId" = $1
        AND ($3::text IS NULL OR r.category::text = $3)
        AND ($4::text IS NULL OR ${ch} = $4)
        AND ($5::date IS NULL OR (r."createdAt" AT TIME ZONE ev.tz)::date >= $5)
        AND ($6::date IS NULL OR (r."createdAt" AT TIME ZONE ev.tz)::date <= $6)),
    m AS (
      SELECT dl.id AS deal, g.id AS reg, 0 AS pri, g."createdAt" FROM dl JOIN g ON g.contact = dl."contactId" WHERE g.confirmed AND g.days > 0
      UNION ALL
      SELECT dl.id, g.id, 1, g."createdAt" FROM dl JOIN g ON g.company = dl."companyId" WHERE g.confirmed AND g.days > 0),
    own AS (SELECT DISTINCT ON (deal) deal, reg FROM m ORDER BY deal, pri, "createdAt", reg),
    pr AS (
      SELECT m.reg, bool_or(dl.won) AS won,
             (array_agg(COALESCE(dl."assignedName", '#' || dl."assignedById") ORDER BY dl.won DESC, dl.id))[1] AS manager
      FROM m JOIN dl ON dl.id = m.deal GROUP BY m.reg),
    rv AS (
      SELECT own.reg, count(*) FILTER (WHERE dl.won) AS won_deals, COALESCE(sum(dl.amount) FILTER (WHERE dl.won), 0) AS revenue
      FROM own JOIN dl ON dl.id = own.deal GROUP BY own.reg)
    SELECT ${key} AS key,
           count(*)::int AS registered,
           count(*) FILTER (WHERE g.confirmed)::int AS confirmed,
           count(*) FILTER (WHERE g.confirmed AND g.days > 0)::int AS came,
           count(*) FILTER (WHERE g.confirmed AND g.days > 1)::int AS "cameSeveral",
           count(pr.reg)::int AS deal,
           count(*) FILTER (WHERE pr.won)::int AS won,
           COALESCE(sum(rv.won_deals), 0)::int AS "wonDeals",
           COALESCE(sum(rv.revenue), 0)::float8 AS revenue
    FROM g LEFT JOIN pr ON pr.reg = g.id LEFT JOIN rv ON rv.reg = g.id
    GROUP BY 1 ORDER BY 2 DESC, 1 NULLS LAST`;
  // The registrations CTE of a large event spills to disk at the default work_mem (4 MB).
  const client = await pool().connect();
  try {
    await client.query("BEGIN READ ONLY");
    await client.query("SET LOCAL work_mem = '32MB'");
    const r = await client.query<Omit<FunnelRow, "invited" | "cost">>(sql, [eventId, days, f.category, f.channel, f.from, f.to]);
    await client.query("COMMIT");
    return r.rows.map((x) => ({ ...x, invited: null, cost: null }));
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

export async function standFunnel(eventId: string): Promise<StandFunnel> {
  const r = await pool().query<StandFunnel>(
    `SELECT count(*)::int AS requests,
            count(*) FILTER (WHERE COALESCE(x."crmDealId", b."crmDealId") IS NOT NULL)::int AS deals,
            count(*) FILTER (WHERE b."exhibitorId" IS NOT NULL)::int AS exhibitors,
            count(*) FILTER (WHERE b."exhibitorId" IS NOT NULL AND d.semantic = 'S')::int AS won,
            (SELECT COALESCE(sum(d2.amount), 0)::float8 FROM "CrmDeal" d2 WHERE d2.semantic = 'S' AND d2.id IN (
               SELECT "crmDealId" FROM "Exhibitor" WHERE "eventId" = $1 UNION SELECT "crmDealId" FROM "StandBooking" WHERE "eventId" = $1)) AS revenue
     FROM "StandBooking" b
     LEFT JOIN "Exhibitor" x ON x.id = b."exhibitorId"
     LEFT JOIN "CrmDeal" d ON d.id = COALESCE(x."crmDealId", b."crmDealId")
     WHERE b."eventId" = $1`,
    [eventId],
  );
  return r.rows[0];
}

export async function budgetSums(eventId: string): Promise<BudgetSums> {
  const r = await pool().query<{ kind: string; channel: string | null; planned: number; actual: number }>(
    `SELECT kind, channel, sum(planned)::float8 AS planned, COALESCE(sum(actual), 0)::float8 AS actual FROM "BudgetLine" WHERE "eventId" = $1 GROUP BY 1, 2`,
    [eventId],
  );
  const byChannel = new Map<string, number>();
  for (const x of r.rows) if (x.kind === "marketing" && x.channel) byChannel.set(x.channel, (byChannel.get(x.channel) ?? 0) + x.actual);
  return { planned: sum(r.rows.map((x) => x.planned)), actual: sum(r.rows.map((x) => x.actual)), byChannel };
}

const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 100) / 100;

export type FunnelReport = {
  dimension: Dimension;
  rows: FunnelRow[];
  total: FunnelRow;
  invitedKnown: boolean;
  stands: StandFunnel;
  budget: { planned: number; actual: number };
  /** Participants' won deals + stand revenue. */
  revenue: number;
  roi: number | null;
};

export async function funnelReport(eventId: string, days: number, dim: Dimension, f: FunnelFilters): Promise<FunnelReport> {
  const [rows, stands, budget, invited] = await Promise.all([
    funnelRows(eventId, days, dim, f),
    standFunnel(eventId),
    budgetSums(eventId),
    invitedByChannel(eventId),
  ]);
  const invitedKnown = invited.size > 0;
  if (dim === "channel") {
    // Channels that cost money but brought nobody still show, with their cost.
    for (const c of [...budget.byChannel.keys(), ...(invitedKnown ? invited.keys() : [])])
      if (!rows.some((x) => x.key === c) && (!f.channel || f.channel === c)) rows.push(emptyRow(c));
    for (const x of rows) {
      x.cost = x.key !== null && budget.byChannel.has(x.key) ? budget.byChannel.get(x.key)! : null;
      x.invited = invitedKnown ? (x.key !== null ? (invited.get(x.key) ?? 0) : 0) : null;
    }
  }
  const total = emptyRow(null);
  for (const x of rows) {
    for (const k of ["registered", "confirmed", "came", "cameSeveral", "deal", "won", "wonDeals", "revenue"] as const) total[k] += x[k];
  }
  total.revenue = sum([total.revenue]);
  total.cost = budget.actual;
  total.invited = invitedKnown && dim === "channel" ? rows.reduce((a, x) => a + (x.invited ?? 0), 0) : null;
  const revenue = sum([total.revenue, stands.revenue]);
  return {
    dimension: dim,
    rows,
    total,
    invitedKnown,
    stands,
    budget: { planned: budget.planned, actual: budget.actual },
    revenue,
    roi: budget.actual > 0 ? (revenue - budget.actual) / budget.actual : null,
  };
}

function emptyRow(key: string | null): FunnelRow {
  return { key, invited: null, registered: 0, confirmed: 0, came: 0, cameSeveral: 0, deal: 0, won: 0, wonDeals: 0, revenue: 0, cost: null };
}

/** Cost per registration / arrival / won deal and ROI of one row; null where it cannot be computed. */
export function unitCosts(x: FunnelRow) {
  const per = (n: number) => (x.cost !== null && n > 0 ? Math.round((x.cost / n) * 100) / 100 : null);
  return {
    perRegistration: per(x.registered),
    perArrival: per(x.came),
    perWonDeal: per(x.wonDeals),
    roi: x.cost ? (x.revenue - x.cost) / x.cost : null,
  };
}

/** Conversion from the previous stage (0..1), null when the previous stage is empty. */
export const conversion = (next: number, prev: number | null) => (prev ? next / prev : null);
