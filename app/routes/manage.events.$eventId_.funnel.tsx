import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FieldBox } from "~/components/field";
import { BackToEvent, FormOutcome } from "~/components/manage-page";
import { Legend, PlanFactBars } from "~/components/charts";
import { formatDateTime, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { dealsRefreshedAt } from "~/services/analytics/budget.server";
import { requestDealsRefresh } from "~/services/analytics/crm-deals.server";
import { funnelRequest, funnelTables, loadFunnel } from "~/services/analytics/funnel-export.server";
import { CATEGORIES, DIMENSIONS } from "~/services/analytics/funnel-options";
import { crmWebhookUrl } from "~/services/crm/sync-settings.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { pageLocale, tFor, text, type PageResult } from "~/services/registrations/forms.server";

// The event's funnel by channel, category, city or manager, stand requests, budget and ROI
// (issue #14 items 2, 3). The tables are the export's tables, so page and files agree.

export const meta: MetaFunction = () => [{ title: "Expo Desk — funnel" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { event, url, q } = await funnelRequest(request, params);
  const locale = pageLocale(request);
  const { report, days } = await loadFunnel(event.id, q);
  const until = new Date(event.endsAt.getTime() + days * 86_400_000);
  return {
    event: { id: event.id, name: event.name, timezone: event.timezone },
    query: {
      by: q.dim,
      category: q.filters.category ?? "",
      channel: url.searchParams.get("channel") ?? "",
      from: url.searchParams.get("from") ?? "",
      to: url.searchParams.get("to") ?? "",
    },
    errors: q.errors,
    days,
    until: new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { dateStyle: "long", timeZone: event.timezone }).format(until),
    refreshedAt: (await dealsRefreshedAt(event.id))?.toISOString() ?? null,
    crm: Boolean(crmWebhookUrl()),
    report: {
      invitedKnown: report.invitedKnown,
      roi: report.roi,
      revenue: report.revenue,
      total: report.total,
      stands: report.stands,
      budget: report.budget,
      rows: report.rows.length,
    },
    tables: funnelTables(locale, report),
    exportQuery: url.searchParams.toString(),
  };
}

export async function action({ request, params }: ActionFunctionArgs): Promise<PageResult> {
  const actor = await requireManagerPage(request);
  const locale = pageLocale(request);
  const form = await request.formData();
  if (text(form, "intent") !== "refresh") throw new Response("Unknown intent", { status: 400 });
  const event = await requireEventParam(params, actor);
  await requestDealsRefresh(event.id);
  return { ok: true, formError: null, fields: {}, notice: tFor(locale)("fun.refreshQueued") };
}

/** The from / to date of the filter form, with its message (ids fun-<name>, fun-<name>-error). */
function DateFilter({ name, label, value, error }: { name: "from" | "to"; label: string; value: string; error: string | null }) {
  const id = `fun-${name}`;
  return (
    <FieldBox htmlFor={id} label={label} error={error} errorId={`${id}-error`}>
      <input
        id={id}
        name={name}
        type="date"
        defaultValue={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
    </FieldBox>
  );
}

export default function Funnel() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const num = (v: string | number) =>
    typeof v === "number" ? new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-GB", { maximumFractionDigits: 2 }).format(v) : v;
  const [groups, stages, stands, roi] = d.tables;
  const exportHref = (format: string) =>
    `/manage/events/${d.event.id}/funnel/export?${new URLSearchParams([...new URLSearchParams(d.exportQuery)].filter(([k]) => k !== "format").concat([["format", format]]))}`;
  const top = Math.max(1, Number(stages.rows[0]?.[1] ?? 0));
  const msg = (k: keyof typeof d.errors) => (d.errors[k] ? t(d.errors[k] as MessageKey) : null);

  return (
    <>
      <BackToEvent event={d.event} />
      <h1>{t("fun.title")}</h1>
      <p className="small">
        <Link to={`/manage/events/${d.event.id}/budget`}>{t("fun.budgetLink")}</Link>
      </p>
      <Form method="get" className="row" data-testid="fun-filters">
        <FieldBox htmlFor="fun-by" label={t("fun.by")} error={msg("dim")} errorId="fun-dim-error">
          <select id="fun-by" name="by" defaultValue={d.query.by}>
            {DIMENSIONS.map((x) => (
              <option key={x} value={x}>
                {t(`fun.dim.${x}` as MessageKey)}
              </option>
            ))}
          </select>
        </FieldBox>
        <FieldBox htmlFor="fun-category" label={t("fun.filterCategory")} error={msg("category")} errorId="fun-category-error">
          <select id="fun-category" name="category" defaultValue={d.query.category}>
            <option value="">{t("fun.all")}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}` as MessageKey)}
              </option>
            ))}
          </select>
        </FieldBox>
        <FieldBox htmlFor="fun-channel" label={t("fun.filterChannel")} error={msg("channel")} errorId="fun-channel-error">
          <input
            id="fun-channel"
            name="channel"
            defaultValue={d.query.channel}
            maxLength={100}
            aria-invalid={d.errors.channel ? true : undefined}
          />
        </FieldBox>
        <DateFilter name="from" label={t("fun.from")} value={d.query.from} error={msg("from")} />
        <DateFilter name="to" label={t("fun.to")} value={d.query.to} error={msg("to")} />
        <button type="submit" className="primary" data-testid="fun-show">
          {t("fun.show")}
        </button>
      </Form>
      <p className="small" data-testid="fun-exports">
        {t("fun.export")} <a href={exportHref("csv")}>{t("fun.csv")}</a> · <a href={exportHref("xlsx")}>{t("fun.xlsx")}</a>
      </p>
      <FormOutcome result={result} />
      <Form method="post" className="row small">
        <span className="muted" data-testid="fun-refreshed">
          {!d.crm
            ? t("fun.noCrm")
            : d.refreshedAt
              ? t("fun.dealsRefreshed", { time: formatDateTime(locale, new Date(d.refreshedAt), d.event.timezone) })
              : t("fun.dealsNever")}
        </span>
        {d.crm && (
          <button type="submit" name="intent" value="refresh" data-testid="fun-refresh">
            {t("fun.refresh")}
          </button>
        )}
      </Form>
      {!d.report.invitedKnown && (
        <p className="small muted" data-testid="fun-invited-none">
          {t("fun.invitedNone")}
        </p>
      )}
      {d.query.by === "city" && <p className="small muted">{t("fun.noCity")}</p>}

      <section className="card">
        <h2>{t("fun.chart")}</h2>
        <Legend
          plan={t(`fun.stage.${d.report.invitedKnown && d.query.by === "channel" ? "invited" : "registered"}` as MessageKey)}
          fact={t("fun.count")}
        />
        <PlanFactBars
          testId="fun-chart"
          label={t("fun.chart")}
          titleOf={(r) => t("fun.barTitle", { stage: r.label, count: r.fact, pct: `${Math.round((r.fact / top) * 100)}%` })}
          rows={stages.rows.map((r) => ({ key: String(r[0]), label: String(r[0]), plan: top, fact: Number(r[1]) }))}
        />
        <FigureTable testId="fun-stages" head={stages.header} rows={stages.rows} num={num} />
      </section>

      <section className="card">
        <h2>{groups.name}</h2>
        {d.report.rows === 0 ? (
          <p className="empty">{t("fun.empty")}</p>
        ) : (
          <FigureTable testId="fun-groups" head={groups.header} rows={groups.rows} num={num} />
        )}
      </section>

      <section className="card">
        <h2>{roi.name}</h2>
        <FigureTable testId="fun-roi" head={roi.header} rows={roi.rows} num={num} />
        <p className="small muted" data-testid="fun-rule">
          {t("fun.rule", { days: d.days, until: d.until })}
        </p>
      </section>

      <section className="card">
        <h2>{stands.name}</h2>
        <FigureTable testId="fun-stands" head={stands.header} rows={stands.rows} num={num} />
      </section>
    </>
  );
}

function FigureTable({
  head,
  rows,
  testId,
  num,
}: {
  head: string[];
  rows: Array<Array<string | number>>;
  testId: string;
  num: (v: string | number) => string | number;
}) {
  return (
    <DataTable rows={rows} head={head} testId={testId} className="small" style={{ marginTop: ".75rem" }}>
      {(r, i) => (
        <tr key={i}>
          {r.map((c, j) => (
            <td key={j} data-value={String(c)}>
              {num(c)}
            </td>
          ))}
        </tr>
      )}
    </DataTable>
  );
}
