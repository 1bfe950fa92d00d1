// The funnel page's query string and its tables (shared by the page and the CSV/XLSX export,
// which go through the attendance export's toCsv / toXlsx: ";", decimal comma, BOM in Russian).
import { translate, type Locale, type MessageKey } from "~/i18n";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { attributionDays } from "./budget.server";
import { CATEGORIES, DIMENSIONS } from "./funnel-options";
import {
  conversion,
  funnelReport,
  unitCosts,
  type Dimension,
  type FunnelFilters,
  type FunnelReport,
  type FunnelRow,
} from "./funnel.server";

export { CATEGORIES } from "./funnel-options";
export const STAGES = ["invited", "registered", "confirmed", "came", "cameSeveral", "deal", "won"] as const;
export type Stage = (typeof STAGES)[number];

export type FunnelQuery = {
  dim: Dimension;
  filters: FunnelFilters;
  errors: Partial<Record<"dim" | "category" | "channel" | "from" | "to", MessageKey>>;
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseFunnelQuery(url: URL): FunnelQuery {
  const get = (k: string) => (url.searchParams.get(k) ?? "").trim();
  const errors: FunnelQuery["errors"] = {};
  const dimRaw = get("by") || "channel";
  const dim = (DIMENSIONS as readonly string[]).includes(dimRaw) ? (dimRaw as Dimension) : "channel";
  if (dim !== dimRaw) errors.dim = "fun.badFilter";
  const category = get("category") || null;
  if (category && !(CATEGORIES as readonly string[]).includes(category)) errors.category = "fun.badFilter";
  const channel = get("channel") || null;
  if (channel && channel.length > 100) errors.channel = "fun.badFilter";
  const date = (k: "from" | "to") => {
    const v = get(k);
    if (!v) return null;
    if (!DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
      errors[k] = "fun.badDate";
      return null;
    }
    return v;
  };
  const from = date("from");
  const to = date("to");
  return {
    dim,
    errors,
    filters: { category: errors.category ? null : category, channel: errors.channel ? null : channel, from, to },
  };
}

/** A funnel page or export request: a manager's, for an event they may see; the URL and its query. */
export async function funnelRequest(request: Request, params: Record<string, string | undefined>) {
  const actor = await requireManagerPage(request);
  const event = await requireEventParam(params, actor);
  const url = new URL(request.url);
  return { event, url, q: parseFunnelQuery(url) };
}

export async function loadFunnel(eventId: string, q: FunnelQuery): Promise<{ report: FunnelReport; days: number }> {
  const days = await attributionDays(eventId);
  return { report: await funnelReport(eventId, days, q.dim, q.filters), days };
}

/** A group's name as shown: translated categories, "(not set)" / "(no deal)" for empty keys. */
export function groupLabel(locale: Locale, dim: Dimension, key: string | null): string {
  if (key === null) return translate(locale, dim === "manager" ? "fun.noDeal" : "fun.none");
  if (dim === "category") return translate(locale, `category.${key}` as MessageKey);
  return key;
}

/** Stage counts of a row, "invited" only when invitations are known. */
export function stageCounts(row: FunnelRow, invitedKnown: boolean): Array<{ stage: Stage; count: number }> {
  return STAGES.filter((s) => s !== "invited" || (invitedKnown && row.invited !== null)).map((s) => ({
    stage: s,
    count: s === "invited" ? row.invited! : row[s],
  }));
}

/** The stage each one converts from: "several days" and "CRM deal" both count from "came". */
const PREVIOUS: Record<Stage, Stage | null> = {
  invited: null,
  registered: "invited",
  confirmed: "registered",
  came: "confirmed",
  cameSeveral: "came",
  deal: "came",
  won: "deal",
};

const pct1 = (v: number | null) => (v === null ? "" : Math.round(v * 1000) / 10);

type Table = { name: string; header: string[]; rows: Array<Array<string | number>> };

export function funnelTables(locale: Locale, r: FunnelReport): Table[] {
  const t = (k: MessageKey) => translate(locale, k);
  const money = r.dimension === "channel";
  const invited = r.invitedKnown && r.dimension === "channel";
  const head = [
    t(`fun.dim.${r.dimension}` as MessageKey),
    ...(invited ? [t("fun.stage.invited")] : []),
    ...(["registered", "confirmed", "came", "cameSeveral", "deal", "won"] as const).map((s) => t(`fun.stage.${s}` as MessageKey)),
    t("fun.wonDeals"),
    t("fun.revenue"),
    ...(money ? [t("fun.cost"), t("fun.perReg"), t("fun.perArrival"), t("fun.perWon"), `${t("fun.roi")}, %`] : []),
  ];
  const line = (x: FunnelRow, label: string, roi: number | null) => {
    const u = unitCosts(x);
    return [
      label,
      ...(invited ? [x.invited ?? 0] : []),
      x.registered,
      x.confirmed,
      x.came,
      x.cameSeveral,
      x.deal,
      x.won,
      x.wonDeals,
      x.revenue,
      ...(money ? [x.cost ?? "", u.perRegistration ?? "", u.perArrival ?? "", u.perWonDeal ?? "", pct1(roi)] : []),
    ];
  };
  const stages = stageCounts(r.total, invited);
  return [
    {
      name: t("fun.byGroup"),
      header: head,
      rows: [...r.rows.map((x) => line(x, groupLabel(locale, r.dimension, x.key), unitCosts(x).roi)), line(r.total, t("fun.total"), r.roi)],
    },
    {
      name: t("fun.stages"),
      header: [t("fun.stages"), t("fun.count"), `${t("fun.conversion")}, %`, t("fun.churn")],
      rows: stages.map((s) => {
        const from = PREVIOUS[s.stage];
        const prev = (from && stages.find((x) => x.stage === from)?.count) ?? null;
        return [t(`fun.stage.${s.stage}` as MessageKey), s.count, pct1(conversion(s.count, prev)), prev === null ? "" : prev - s.count];
      }),
    },
    {
      name: t("fun.stands"),
      header: [t("fun.stages"), t("fun.count")],
      rows: (["requests", "deals", "exhibitors", "won"] as const).map((k) => [t(`fun.stand.${k}` as MessageKey), r.stands[k]]),
    },
    {
      name: t("fun.roiTitle"),
      header: [t("fun.roiTitle"), ""],
      rows: [
        [t("fun.budgetPlanned"), r.budget.planned],
        [t("fun.budgetActual"), r.budget.actual],
        [t("fun.revenueParticipants"), r.total.revenue],
        [t("fun.revenueStands"), r.stands.revenue],
        [t("fun.revenueTotal"), r.revenue],
        [`${t("fun.roi")}, %`, pct1(r.roi)],
      ],
    },
  ];
}
