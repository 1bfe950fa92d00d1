import { pool } from "~/utils/db.server";
import { attendance, eventDayOf, type Attendance } from "./checkin.server";
import { COMPANY_SQL, displayName, REGISTRATION_JOINS } from "./print.server";

// The manager's plan-vs-fact dashboard (issue #6): which days an event has, the figures of one
// day (or of all days), and the no-shows: confirmed registrations not checked in that day.

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NO_SHOWS_PAGE_SIZE = 50;
const MAX_DAYS = 62;

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
  if (!e) return null;
  return { id: e.id, name: e.name, timezone: e.timezone, days: eventDays(e.startsAt, e.endsAt, e.timezone), today: eventDayOf(new Date(), e.timezone) };
}

/** The event-local calendar days from the start to the end (at most MAX_DAYS). */
export function eventDays(startsAt: Date, endsAt: Date, timeZone: string): string[] {
  const first = eventDayOf(startsAt, timeZone);
  const last = eventDayOf(endsAt, timeZone);
  const days: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); days.length < MAX_DAYS; t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (d > last) break;
    days.push(d);
  }
  return days.length ? days : [first];
}

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

export type Figures = Attendance & { updatedAt: string };

/** The figures of a day (null: all days), with the hours between the first and last filled with zeros. */
export async function figures(eventId: string, day: string | null): Promise<Figures | null> {
  const a = await attendance(eventId, day);
  if (!a) return null;
  return { ...a, byHour: day ? fillHours(day, a.byHour) : a.byHour, updatedAt: new Date().toISOString() };
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

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Confirmed registrations with no check-in on `day` (null: on no day), filtered by `q`, by name. */
export async function noShows(
  eventId: string,
  day: string | null,
  opts: { q?: string; page?: number; pageSize?: number | null } = {},
): Promise<{ rows: NoShow[]; total: number; page: number; pages: number }> {
  const q = (opts.q ?? "").trim().slice(0, 200);
  const where = `r."eventId" = $1 AND r."status" = 'confirmed'
    AND NOT EXISTS (SELECT 1 FROM "CheckIn" c WHERE c."registrationId" = r."id" AND ($2::date IS NULL OR c."eventDay" = $2::date))
    AND ($3 = '' OR concat_ws(' ', p."lastName", p."firstName", p."middleName", p."email", p."phone", ${COMPANY_SQL}, x."stand") ILIKE '%' || $3 || '%')`;
  const params = [eventId, day, escapeLike(q)];
  const count = await pool().query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "Registration" r ${REGISTRATION_JOINS} WHERE ${where}`, params);
  const total = count.rows[0].n;
  const size = opts.pageSize === null ? Math.max(total, 1) : (opts.pageSize ?? NO_SHOWS_PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(Math.max(1, Math.floor(opts.page ?? 1)), pages);
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
     ORDER BY p."lastName", p."firstName", r."id" LIMIT $4 OFFSET $5`,
    [...params, size, (page - 1) * size],
  );
  return {
    rows: r.rows.map((x) => ({
      id: x.id,
      name: displayName(x),
      company: x.company,
      stand: x.stand,
      category: x.category,
      email: x.email,
      phone: x.phone,
    })),
    total,
    page,
    pages,
  };
}
