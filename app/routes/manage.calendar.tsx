import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useLocale, useT } from "~/i18n/react";
import type { Locale } from "~/i18n";
import { EVENT_FORMATS } from "~/components/event-form";
import { loadCalendar, type CalendarDay } from "~/services/events/calendar.server";
import { requireManagerPage } from "~/utils/permissions.server";

// The events calendar for managers (issue #14 item 4): month and week views, events coloured
// by format (the format's name is in the chip too, not in the colour only), plain links to
// move between periods.

export async function loader({ request }: LoaderFunctionArgs) {
  await requireManagerPage(request);
  return loadCalendar(new URL(request.url).searchParams);
}

const COLORS: Record<string, { background: string; color: string }> = {
  exhibition: { background: "#dbeafe", color: "#1e3a8a" },
  conference: { background: "#dcfce7", color: "#14532d" },
  forum: { background: "#fef3c7", color: "#78350f" },
  seminar: { background: "#f3e8ff", color: "#581c87" },
  other: { background: "#e5e7eb", color: "#1f2937" },
};

const fmt = (locale: Locale, date: string, opts: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { ...opts, timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));

function Day({ day, locale, long }: { day: CalendarDay; locale: Locale; long: boolean }) {
  const t = useT();
  return (
    <>
      <div className="small" aria-current={day.today ? "date" : undefined} style={day.today ? { fontWeight: 700 } : undefined}>
        {long ? fmt(locale, day.date, { weekday: "long", day: "numeric", month: "long" }) : fmt(locale, day.date, { day: "numeric" })}
        {day.today && (
          <span className="badge" style={{ marginLeft: ".3rem" }}>
            {t("cal.today")}
          </span>
        )}
      </div>
      {day.events.map((e) => (
        <Link
          key={e.id}
          to={`/manage/events/${e.id}`}
          data-testid="cal-event"
          data-format={e.format}
          title={t(`event.format.${e.format as (typeof EVENT_FORMATS)[number]}`)}
          style={{
            ...COLORS[e.format],
            display: "block",
            borderRadius: 4,
            padding: "0 .3rem",
            margin: ".15rem 0",
            fontSize: ".85rem",
            textDecoration: "none",
          }}
        >
          {e.name}
        </Link>
      ))}
    </>
  );
}

export default function Calendar() {
  const cal = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const week = cal.view === "week";
  const title = week
    ? t("cal.weekOf", {
        from: fmt(locale, cal.from, { day: "numeric", month: "long" }),
        to: fmt(locale, cal.to, { day: "numeric", month: "long", year: "numeric" }),
      })
    : fmt(locale, cal.anchor, { month: "long", year: "numeric" });
  const q = (view: string, date: string) => `?view=${view}&date=${date}`;
  const weeks: CalendarDay[][] = [];
  for (let i = 0; i < cal.days.length; i += 7) weeks.push(cal.days.slice(i, i + 7));
  return (
    <>
      <p>
        <Link to="/manage">← {t("nav.events")}</Link>
      </p>
      <h1>{t("cal.title")}</h1>
      <nav className="row" aria-label={t("cal.title")} data-testid="cal-nav">
        <Link to={q(cal.view, cal.prev)} data-testid="cal-prev" rel="prev">
          {week ? t("cal.prevWeek") : t("cal.prevMonth")}
        </Link>
        <Link to={q(cal.view, cal.today)} data-testid="cal-today">
          {t("cal.today")}
        </Link>
        <Link to={q(cal.view, cal.next)} data-testid="cal-next" rel="next">
          {week ? t("cal.nextWeek") : t("cal.nextMonth")}
        </Link>
        <span>
          {week ? <Link to={q("month", cal.from)}>{t("cal.month")}</Link> : <strong aria-current="page">{t("cal.month")}</strong>} ·{" "}
          {week ? (
            <strong aria-current="page">{t("cal.week")}</strong>
          ) : (
            <Link to={q("week", cal.anchor.slice(0, 7) === cal.today.slice(0, 7) ? cal.today : cal.anchor)} data-testid="cal-week-view">
              {t("cal.week")}
            </Link>
          )}
        </span>
      </nav>
      <h2 data-testid="cal-title">{title}</h2>
      {cal.empty && (
        <p className="empty" data-testid="cal-empty">
          {week ? t("cal.emptyWeek") : t("cal.emptyMonth")}
        </p>
      )}
      {week ? (
        <ol style={{ listStyle: "none", padding: 0 }} data-testid="cal-week">
          {cal.days.map((d) => (
            <li key={d.date} className="card" data-date={d.date} data-testid="cal-day" style={{ padding: ".5rem", marginBottom: ".4rem" }}>
              <Day day={d} locale={locale} long />
            </li>
          ))}
        </ol>
      ) : (
        <div style={{ overflowX: "auto" }}>
          <table data-testid="cal-month" style={{ tableLayout: "fixed", width: "100%", minWidth: "42rem" }}>
            <thead>
              <tr>
                {weeks[0].map((d) => (
                  <th key={d.date} scope="col">
                    {fmt(locale, d.date, { weekday: "short" })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {weeks.map((w) => (
                <tr key={w[0].date}>
                  {w.map((d) => (
                    <td
                      key={d.date}
                      data-date={d.date}
                      data-testid="cal-day"
                      style={{
                        verticalAlign: "top",
                        height: "5rem",
                        opacity: d.inMonth ? 1 : 0.5,
                        outline: d.today ? "2px solid #1d4ed8" : undefined,
                      }}
                    >
                      <Day day={d} locale={locale} long={false} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="small muted" data-testid="cal-legend">
        {t("cal.legend")}:{" "}
        {EVENT_FORMATS.map((f) => (
          <span key={f} style={{ ...COLORS[f], borderRadius: 4, padding: "0 .3rem", marginRight: ".3rem" }}>
            {t(`event.format.${f}`)}
          </span>
        ))}
      </p>
    </>
  );
}
