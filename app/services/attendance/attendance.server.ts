import { pool } from "~/utils/db.server";
import { eventDays } from "~/utils/event-days";
import { matchScore } from "~/utils/people-search";
import { attendance, type Attendance } from "../kiosk/attendance.server";
import { eventDayOf } from "../kiosk/scan.server";
import { COMPANY_SQL, displayName, REGISTRATION_JOINS } from "../print/badge.server";

// The manager's plan-vs-fact dashboard (issue #6): which days an event has, the figures of one
// day (or of all days), and the no-shows: confirmed registrations not checked in that day.

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NO_SHOWS_PAGE_SIZE = 50;

export interface EventInfo {
  id: string;
  name: string;
  timezone: string;
  days: string[];
  today: string;
}

export async function loadEventInfo(eventId: string): Promise<EventInfo | null> {
  if (!UUID_RE.test(eventId)) return null;
  const r = await pool().query<{ id: string; name: string; timezone: string; startsAt: Date; endsAt: Date }>(
    `SELECT "id", "name", "timezone", "startsAt", "endsAt" FROM "Event" WHERE "id" = $1`,
    [eventId],
  );
  const e = r.rows[0];
  return e ? eventInfo(e) : null;
}

/** An event row's days and today's day in its time zone. */
export function eventInfo(e: { id: string; name: string; timezone: string; startsAt: Date; endsAt: Date }): EventInfo {
  return { id: e.id, name: e.name, timezone: e.timezone, days: eventDays(e.startsAt, e.endsAt, e.timezone), today: eventDayOf(new Date(), e.timezone) };
}

export { eventDays };

/** Today when the event runs today, else its nearest day. */
export function defaultDay(ev: EventInfo): string {
  if (ev.days.includes(ev.today)) return ev.today;
  return ev.today < ev.days[0] ? ev.days[0] : ev.days[ev.days.length - 1];
}

/** `day` from a URL: "all", one of the event's days, or null for anything else (absent: the default). */
export function parseDay(ev: EventInfo, raw: string | null): { day: string | null; valid: boolean } {
  if (raw === null || raw === "") return { day: defaultDay(ev), valid: true };
  if (raw === "all") return { day: null, valid: true };
  if (ev.days.includes(raw)) return { day: raw, valid: true };
  return { day: defaultDay(ev), valid: false };
}

/** Check-ins on days that are not the event's (badge pickup the day before, a late visit), by day. */
export type OutsideDays = { count: number; days: Array<{ day: string; checkedIn: number }> };

export type Figures = Attendance & { updatedAt: string; outsideDays: OutsideDays };

/** The figures of a day (null: all days), with the hours between the first and last filled with zeros. */
export async function figures(eventId: string, day: string | null): Promise<Figures | null> {
  const [a, outside] = await Promise.all([attendance(eventId, day), outsideDays(eventId)]);
  if (!a) return null;
  return { ...a, byHour: day ? fillHours(day, a.byHour) : a.byHour, updatedAt: new Date().toISOString(), outsideDays: outside };
}

/** Check-ins whose event-local day is before the event's first day or after its last. */
export async function outsideDays(eventId: string): Promise<OutsideDays> {
  const r = await pool().query<{ day: string; n: number }>(
    `SELECT to_char(c."eventDay", 'YYYY-MM-DD') AS "day", count(*)::int AS "n"
     FROM "CheckIn" c JOIN "Event" e ON e."id" = c."eventId"
     WHERE c."eventId" = $1
       AND (c."eventDay" < (e."startsAt" AT TIME ZONE e."timezone")::date OR c."eventDay" > (e."endsAt" AT TIME ZONE e."timezone")::date)
     GROUP BY 1 ORDER BY 1`,
    [eventId],
  );
  return { count: r.rows.reduce((s, x) => s + x.n, 0), days: r.rows.map((x) => ({ day: x.day, checkedIn: x.n })) };
}

function fillHours(day: string, hours: Attendance["byHour"]): Attendance["byHour"] {
  if (hours.length === 0) return hours;
  const h = (x: { hour: string }) => Number(x.hour.slice(11, 13));
  const out: Attendance["byHour"] = [];
  for (let i = h(hours[0]); i <= h(hours[hours.length - 1]); i++) {
    const hour = `${day}T${String(i).padStart(2, "0")}:00`;
    // The instant is only known for hours with data; the charts and exports use the local label.
    out.push(hours.find((x) => x.hour === hour) ?? { hour, at: "", checkedIn: 0 });
  }
  return out;
}

export interface NoShow {
  id: string;
  name: string;
  company: string | null;
  stand: string | null;
  category: string;
  email: string | null;
  phone: string | null;
}

/** Confirmed registrations with no check-in on `day` (null: on no day), filtered by `q`, by name. */
export async function noShows(
  eventId: string,
  day: string | null,
  opts: { q?: string; page?: number; pageSize?: number | null } = {},
): Promise<{ rows: NoShow[]; total: number; page: number; pages: number }> {
  const q = (opts.q ?? "").trim().slice(0, 200);
  const where = `r."eventId" = $1 AND r."status" = 'confirmed'
    AND NOT EXISTS (SELECT 1 FROM "CheckIn" c WHERE c."registrationId" = r."id" AND ($2::date IS NULL OR c."eventDay" = $2::date))`;
  // The search is the kiosk's (app/utils/people-search.ts: transliteration, one typo, phone
  // digits) plus a plain substring match, so it runs here over the day's no-shows rather than in SQL.
  const r = await pool().query<{
    id: string;
    lastName: string;
    firstName: string;
    middleName: string | null;
    locale: string;
    company: string | null;
    stand: string | null;
    category: string;
    email: string | null;
    phone: string | null;
  }>(
    `SELECT r."id", p."lastName", p."firstName", p."middleName", p."locale", ${COMPANY_SQL} AS "company", x."stand",
            r."category"::text AS "category", p."email", p."phone"
     FROM "Registration" r ${REGISTRATION_JOINS} WHERE ${where}
     ORDER BY p."lastName", p."firstName", r."id"`,
    [eventId, day],
  );
  let all: NoShow[] = r.rows.map((x) => ({
    id: x.id,
    name: displayName(x),
    company: x.company,
    stand: x.stand,
    category: x.category,
    email: x.email,
    phone: x.phone,
  }));
  if (q) {
    const needle = q.toLowerCase();
    const scored: Array<[number, NoShow]> = [];
    for (const [i, x] of r.rows.entries()) {
      const row = all[i];
      const plain = [x.lastName, x.firstName, x.middleName, x.email, x.phone, x.company, x.stand].filter(Boolean).join(" ").toLowerCase();
      const s = plain.includes(needle) ? 0 : matchScore({ ...row, name: [x.lastName, x.firstName, x.middleName].filter(Boolean).join(" ") }, q);
      if (s !== null) scored.push([s, row]);
    }
    all = scored.sort((a, b) => a[0] - b[0]).map(([, row]) => row); // stable: by name within a score
  }
  const total = all.length;
  const size = opts.pageSize === null ? Math.max(total, 1) : (opts.pageSize ?? NO_SHOWS_PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(Math.max(1, Math.floor(opts.page ?? 1)), pages);
  return { rows: all.slice((page - 1) * size, page * size), total, page, pages };
}
