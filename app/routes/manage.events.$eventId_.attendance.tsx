import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useRevalidator, useSubmit } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FieldBox } from "~/components/field";
import { useEffect, useRef, useState } from "react";
import { Columns, Legend, PlanFactBars } from "~/components/charts";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { figures, eventInfo, noShows, parseDay, type Figures } from "~/services/attendance/attendance.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { BackToEvent } from "~/components/manage-page";

// Plan vs fact for one event day (issue #6): totals, by category, exhibitor and hour, the
// no-shows; live over server-sent events (the stream route next to this one), exports.

/** The exhibitor chart shows the largest ones; the table under it lists all. */
const CHART_ROWS = 25;

export const meta: MetaFunction = () => [{ title: "Expo Desk — attendance" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const ev = eventInfo(await requireEventParam(params, actor));
  const url = new URL(request.url);
  const { day, valid } = parseDay(ev, url.searchParams.get("day"));
  const q = (url.searchParams.get("q") ?? "").slice(0, 200);
  const page = Number(url.searchParams.get("page") ?? "1");
  const [f, ns] = await Promise.all([figures(ev.id, day), noShows(ev.id, day, { q, page: Number.isFinite(page) ? page : 1 })]);
  if (!f) throw new Response("Not found", { status: 404 });
  return { event: ev, dayParam: day ?? "all", dayError: valid ? null : ("att.badDay" as const), figures: f, noShows: ns, q };
}

type Conn = "connecting" | "live" | "reconnecting" | "stopped";

/** The figures pushed by the stream; the loader's figures when they are newer (navigation, revalidation). */
function useLiveFigures(eventId: string, dayParam: string, initial: Figures) {
  const [fig, setFig] = useState(initial);
  const [conn, setConn] = useState<Conn>("connecting");
  const [listening, setListening] = useState(true);
  useEffect(() => setFig((cur) => (cur.day !== initial.day || initial.updatedAt > cur.updatedAt ? initial : cur)), [initial]);
  useEffect(() => {
    const es = new EventSource(`/manage/events/${eventId}/attendance/stream?day=${encodeURIComponent(dayParam)}`);
    setConn("connecting");
    es.onopen = () => setConn("live");
    es.addEventListener("figures", (e) => {
      setFig(JSON.parse((e as MessageEvent<string>).data) as Figures);
      setConn("live");
    });
    es.addEventListener("status", (e) => setListening((JSON.parse((e as MessageEvent<string>).data) as { listening: boolean }).listening));
    es.onerror = () => setConn(es.readyState === EventSource.CLOSED ? "stopped" : "reconnecting");
    return () => es.close();
  }, [eventId, dayParam]);
  return { fig, conn: conn === "live" && !listening ? ("reconnecting" as const) : conn };
}

export default function Attendance() {
  const data = useLoaderData<typeof loader>();
  const { event, dayParam, noShows: ns, q } = data;
  const t = useT();
  const locale = useLocale();
  const submit = useSubmit();
  const { fig, conn } = useLiveFigures(event.id, dayParam, data.figures);

  // The no-show list follows the live figures: reload it (at most every 3 s) when they move on.
  const revalidator = useRevalidator();
  const lastReload = useRef(0);
  const stale = fig.checkedIn !== data.figures.checkedIn || fig.registered !== data.figures.registered;
  useEffect(() => {
    if (!stale || revalidator.state !== "idle") return;
    const timer = setTimeout(() => {
      lastReload.current = Date.now();
      revalidator.revalidate();
    }, Math.max(0, lastReload.current + 3000 - Date.now()));
    return () => clearTimeout(timer);
  }, [stale, fig.updatedAt, revalidator]);

  const pct = (fact: number, plan: number) => (plan > 0 ? `${Math.round((fact / plan) * 100)}%` : "—");
  const time = new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { timeStyle: "medium", timeZone: event.timezone }).format(new Date(fig.updatedAt));
  const dayLabel = (d: string) =>
    new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { weekday: "short", day: "numeric", month: "long", timeZone: "UTC" }).format(new Date(`${d}T00:00:00Z`));
  const exportHref = (what: string, format: string) =>
    `/manage/events/${event.id}/attendance/export?${new URLSearchParams({ what, format, day: dayParam, ...(what === "noshows" && q ? { q } : {}) })}`;
  const pageHref = (p: number) => `?${new URLSearchParams({ day: dayParam, ...(q ? { q } : {}), page: String(p) })}`;
  const catName = (c: string) => t(`category.${c}` as MessageKey);
  const barTitle = (r: { label: string; plan: number; fact: number }) => t("att.barTitle", { name: r.label, plan: r.plan, fact: r.fact });
  // "09:00" for one day; "23.11 09:00" across days.
  const hourLabel = (h: string) => (fig.day ? h.slice(11, 16) : `${h.slice(8, 10)}.${h.slice(5, 7)} ${h.slice(11, 16)}`);

  return (
    <>
      <BackToEvent event={event} />
      <h1>{t("att.title")}</h1>
      <div className="row">
        <Form method="get" className="row" onChange={(e) => submit(e.currentTarget, { replace: true })}>
          <FieldBox htmlFor="att-day" label={t("att.day")} error={data.dayError && t(data.dayError)} errorId="att-day-error">
            <select id="att-day" name="day" defaultValue={dayParam} aria-invalid={data.dayError ? true : undefined} aria-describedby={data.dayError ? "att-day-error" : undefined}>
              {event.days.map((d) => (
                <option key={d} value={d}>
                  {dayLabel(d)}
                </option>
              ))}
              <option value="all">{t("att.allDays")}</option>
            </select>
          </FieldBox>
          <noscript>
            <button type="submit">{t("att.show")}</button>
          </noscript>
        </Form>
        <span className={conn === "live" ? "badge" : "badge locked"} data-testid="att-live" data-state={conn} role="status">
          {t(conn === "live" ? "att.live" : conn === "connecting" ? "att.connecting" : conn === "reconnecting" ? "att.reconnecting" : "att.stopped")}
        </span>
        <span className="muted small" data-testid="att-updated">
          {t("att.updatedAt", { time })}
        </span>
      </div>
      <p className="small" data-testid="att-exports">
        {t("att.export")} <a href={exportHref("figures", "csv")}>{t("att.figuresCsv")}</a> · <a href={exportHref("figures", "xlsx")}>{t("att.figuresXlsx")}</a> ·{" "}
        <a href={exportHref("noshows", "csv")}>{t("att.noShowsCsv")}</a> · <a href={exportHref("noshows", "xlsx")}>{t("att.noShowsXlsx")}</a>
      </p>

      <section className="card" data-testid="att-totals">
        <div className="row" style={{ gap: "2rem", alignItems: "baseline" }}>
          <Stat label={t("att.registered")} value={fig.registered} testId="att-registered" />
          <Stat label={t("att.checkedIn")} value={fig.checkedIn} testId="att-checked-in" extra={pct(fig.checkedIn, fig.registered)} />
          <Stat label={t("att.noShows")} value={fig.noShows} testId="att-no-shows" />
        </div>
        {fig.registered > 0 && (
          <div className="meter" role="img" aria-label={`${t("att.checkedIn")}: ${pct(fig.checkedIn, fig.registered)}`} style={{ marginTop: ".75rem" }}>
            <span style={{ width: `${Math.min(100, (fig.checkedIn / fig.registered) * 100)}%` }} />
          </div>
        )}
        <p className="small muted">
          {t("att.refused", { count: Object.values(fig.refused).reduce((s, n) => s + n, 0), dups: fig.duplicates.count })}
        </p>
        {/* Badge pickup the day before, a visit after the end: counted per person and day, but on no event day. */}
        <p className="small muted" data-testid="att-outside-days" data-count={fig.outsideDays.count}>
          {fig.outsideDays.count === 0
            ? t("att.outsideDaysNone")
            : t("att.outsideDays", {
                count: fig.outsideDays.count,
                days: fig.outsideDays.days.map((d) => `${dayLabel(d.day)}: ${d.checkedIn}`).join(", "),
              })}
        </p>
      </section>

      {fig.registered === 0 && fig.checkedIn === 0 ? (
        <p className="empty" data-testid="att-empty">
          {t("att.empty")}
        </p>
      ) : (
        <>
          <section className="card">
            <h2>{t("att.byCategory")}</h2>
            <Legend plan={t("att.plan")} fact={t("att.fact")} />
            <PlanFactBars
              testId="att-category-chart"
              label={t("att.byCategory")}
              titleOf={barTitle}
              rows={fig.byCategory.map((c) => ({ key: c.category, label: catName(c.category), plan: c.registered, fact: c.checkedIn }))}
            />
            <FigureTable testId="att-by-category" head={[t("att.category"), t("att.plan"), t("att.fact"), "%"]} rows={fig.byCategory.map((c) => [catName(c.category), c.registered, c.checkedIn, pct(c.checkedIn, c.registered)])} />
          </section>

          <section className="card">
            <h2>{t("att.byExhibitor")}</h2>
            {fig.byExhibitor.length === 0 ? (
              <p className="muted">{t("att.noExhibitors")}</p>
            ) : (
              <>
                <Legend plan={t("att.plan")} fact={t("att.fact")} />
                <PlanFactBars
                  testId="att-exhibitor-chart"
                  label={t("att.byExhibitor")}
                  titleOf={barTitle}
                  rows={[...fig.byExhibitor]
                    .sort((x, y) => y.registered - x.registered)
                    .slice(0, CHART_ROWS)
                    .map((x) => ({ key: x.exhibitorId, label: x.stand ? `${x.name} (${x.stand})` : x.name, plan: x.registered, fact: x.checkedIn }))}
                />
                {fig.byExhibitor.length > CHART_ROWS && <p className="small muted">{t("att.chartTop", { n: CHART_ROWS, total: fig.byExhibitor.length })}</p>}
                <FigureTable
                  testId="att-by-exhibitor"
                  head={[t("att.exhibitor"), t("att.stand"), t("att.plan"), t("att.fact"), "%"]}
                  rows={fig.byExhibitor.map((x) => [x.name, x.stand ?? "", x.registered, x.checkedIn, pct(x.checkedIn, x.registered)])}
                />
              </>
            )}
          </section>

          <section className="card">
            <h2>{t("att.byHour")}</h2>
            {fig.byHour.length === 0 ? (
              <p className="muted" data-testid="att-no-checkins">
                {t("att.noCheckIns")}
              </p>
            ) : (
              <>
                <Columns
                  testId="att-hour-chart"
                  label={t("att.byHour")}
                  titleOf={(r) => t("att.hourTitle", { hour: r.label, count: r.value })}
                  rows={fig.byHour.map((h) => ({ key: h.hour, label: hourLabel(h.hour), value: h.checkedIn }))}
                />
                <FigureTable testId="att-by-hour" head={[t("att.hour"), t("att.fact")]} rows={fig.byHour.map((h) => [hourLabel(h.hour), h.checkedIn])} />
              </>
            )}
          </section>
        </>
      )}

      <section className="card" data-testid="att-noshows">
        <h2>
          {t("att.noShows")} <span className="muted">({ns.total})</span>
        </h2>
        <Form method="get" className="row" role="search">
          <input type="hidden" name="day" value={dayParam} />
          <div className="field" style={{ flex: 1 }}>
            <label htmlFor="att-q">{t("att.search")}</label>
            <input id="att-q" type="search" name="q" defaultValue={q} />
          </div>
          <button type="submit" className="primary">
            {t("att.find")}
          </button>
        </Form>
        {ns.total === 0 ? (
          <p className="empty">{q ? t("att.noMatches", { q }) : t("att.noNoShows")}</p>
        ) : (
          <>
            <DataTable
              rows={ns.rows}
              testId="no-shows"
              head={[t("att.name"), t("att.company"), t("att.stand"), t("att.category"), t("att.email"), t("att.phone")]}
            >
              {(r) => (
                <tr key={r.id} data-testid="no-show-row">
                  <td>{r.name}</td>
                  <td>{r.company}</td>
                  <td>{r.stand}</td>
                  <td>{catName(r.category)}</td>
                  <td>{r.email}</td>
                  <td>{r.phone}</td>
                </tr>
              )}
            </DataTable>
            {ns.pages > 1 && (
              <nav className="row small" aria-label={t("att.page", { page: ns.page, pages: ns.pages })} style={{ marginTop: ".75rem" }}>
                {ns.page > 1 ? <Link to={pageHref(ns.page - 1)}>{t("att.prev")}</Link> : <span className="muted">{t("att.prev")}</span>}
                <span data-testid="no-shows-page">{t("att.page", { page: ns.page, pages: ns.pages })}</span>
                {ns.page < ns.pages ? <Link to={pageHref(ns.page + 1)}>{t("att.next")}</Link> : <span className="muted">{t("att.next")}</span>}
              </nav>
            )}
          </>
        )}
      </section>
    </>
  );
}

function Stat({ label, value, testId, extra }: { label: string; value: number; testId: string; extra?: string }) {
  return (
    <div>
      <div className="muted small">{label}</div>
      <div style={{ fontSize: "2rem", fontWeight: 700 }}>
        <span data-testid={testId}>{value}</span>
        {extra && <span className="muted small"> {extra}</span>}
      </div>
    </div>
  );
}

function FigureTable({ head, rows, testId }: { head: string[]; rows: Array<Array<string | number>>; testId: string }) {
  return (
    <DataTable rows={rows} head={head} testId={testId} className="small" style={{ marginTop: ".75rem" }}>
      {(r, i) => (
        <tr key={i}>
          {r.map((c, j) => (
            <td key={j}>{c}</td>
          ))}
        </tr>
      )}
    </DataTable>
  );
}
