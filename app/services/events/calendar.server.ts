import { prisma } from "~/utils/db.server";
import { toLocalInput } from "~/utils/time";

// The events calendar (issue #14 item 4): a month or a week of calendar days, each with the
// events that run on it. An event's days are its own local dates (its time zone); "today" is
// the organiser's default zone, the one new events get.

export const CALENDAR_ZONE = "Europe/Moscow";
const DAY = 24 * 3600 * 1000;

export type CalendarView = "month" | "week";
export type CalendarEvent = { id: string; name: string; format: string };
export type CalendarDay = { date: string; inMonth: boolean; today: boolean; events: CalendarEvent[] };

const toDate = (s: string) => new Date(`${s}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (s: string, n: number) => iso(new Date(toDate(s).getTime() + n * DAY));
/** Monday of the week holding `s`. */
const monday = (s: string) => addDays(s, -((toDate(s).getUTCDay() + 6) % 7));

function validDate(s: string | null): s is string {
  return !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(toDate(s).getTime()) && iso(toDate(s)) === s;
}

export async function loadCalendar(params: URLSearchParams, now = new Date()) {
  const view: CalendarView = params.get("view") === "week" ? "week" : "month";
  const today = toLocalInput(now, CALENDAR_ZONE).slice(0, 10);
  const raw = params.get("date");
  const anchor = validDate(raw) ? raw : today;
  const monthStart = `${anchor.slice(0, 8)}01`;
  const first = view === "week" ? monday(anchor) : monday(monthStart);
  const nextMonth = iso(new Date(Date.UTC(+anchor.slice(0, 4), +anchor.slice(5, 7), 1)));
  const last = view === "week" ? addDays(first, 6) : addDays(monday(addDays(nextMonth, -1)), 6);
  // A day's margin either side: an event's local dates may differ from UTC's.
  const rows = await prisma().event.findMany({
    where: { startsAt: { lt: new Date(toDate(last).getTime() + 2 * DAY) }, endsAt: { gte: new Date(toDate(first).getTime() - DAY) } },
    orderBy: { startsAt: "asc" },
    select: { id: true, name: true, format: true, timezone: true, startsAt: true, endsAt: true },
  });
  const spans = rows.map((e) => ({
    ev: { id: e.id, name: e.name, format: e.format },
    from: toLocalInput(e.startsAt, e.timezone).slice(0, 10),
    to: toLocalInput(e.endsAt, e.timezone).slice(0, 10),
  }));
  const days: CalendarDay[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) {
    days.push({
      date: d,
      inMonth: view === "week" || d.slice(0, 7) === anchor.slice(0, 7),
      today: d === today,
      events: spans.filter((s) => s.from <= d && d <= s.to).map((s) => s.ev),
    });
  }
  const shown = days.filter((d) => d.inMonth).some((d) => d.events.length > 0);
  const step = (n: number) =>
    view === "week" ? addDays(first, 7 * n) : iso(new Date(Date.UTC(+anchor.slice(0, 4), +anchor.slice(5, 7) - 1 + n, 1)));
  return {
    view,
    anchor: view === "week" ? first : monthStart,
    today,
    days,
    empty: !shown,
    prev: step(-1),
    next: step(1),
    from: first,
    to: last,
  };
}
