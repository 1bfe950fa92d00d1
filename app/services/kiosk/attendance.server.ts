import { pool } from "~/utils/db.server";
import { displayName } from "../print/badge.server";
import { insideNow } from "./exits.server";

// Attendance (plan vs fact) for managers

export interface Attendance {
  eventId: string;
  timezone: string;
  /** The event-local day the check-in numbers are for; null: all days. */
  day: string | null;
  registered: number;
  checkedIn: number;
  noShows: number;
  byCategory: Array<{ category: string; registered: number; checkedIn: number }>;
  byExhibitor: Array<{ exhibitorId: string; name: string; stand: string | null; registered: number; checkedIn: number }>;
  byHour: Array<{ hour: string; at: string; checkedIn: number }>;
  /** Inside now (today), only for events that count exits. */
  inside?: number;
  refused: Record<"invalid_code" | "not_found" | "cancelled" | "not_admitted", number>;
  duplicates: {
    count: number;
    recent: Array<{ registrationId: string | null; name: string | null; reason: string | null; kiosk: string | null; scannedAt: string }>;
  };
}

/**
 * Registered (plan) = confirmed registrations; checked in (fact) = registrations with a check-in
 * (on `day` if given). Hours are the event's local hours.
 */
export async function attendance(eventId: string, day: string | null = null): Promise<Attendance | null> {
  const db = pool();
  const ev = await db.query<{ timezone: string; countsExits: boolean }>(`SELECT "timezone", "countsExits" FROM "Event" WHERE "id" = $1`, [eventId]);
  if (!ev.rows[0]) return null;
  const tz = ev.rows[0].timezone;
  const checked = `EXISTS (SELECT 1 FROM "CheckIn" c WHERE c."registrationId" = r."id" AND ($2::date IS NULL OR c."eventDay" = $2::date))`;
  const [cats, exh, hours, refused, dups] = await Promise.all([
    db.query<{ category: string; registered: number; checkedIn: number }>(
      `SELECT r."category"::text AS "category", count(*) FILTER (WHERE r."status" = 'confirmed')::int AS "registered",
              count(*) FILTER (WHERE ${checked})::int AS "checkedIn"
       FROM "Registration" r WHERE r."eventId" = $1 GROUP BY r."category" ORDER BY r."category"`,
      [eventId, day],
    ),
    db.query<{ exhibitorId: string; name: string; stand: string | null; registered: number; checkedIn: number }>(
      `SELECT x."id" AS "exhibitorId", o."name", x."stand", count(r."id") FILTER (WHERE r."status" = 'confirmed')::int AS "registered",
              count(r."id") FILTER (WHERE ${checked})::int AS "checkedIn"
       FROM "Exhibitor" x JOIN "Organization" o ON o."id" = x."organizationId" LEFT JOIN "Registration" r ON r."exhibitorId" = x."id"
       WHERE x."eventId" = $1 GROUP BY x."id", o."name", x."stand" ORDER BY o."name"`,
      [eventId, day],
    ),
    db.query<{ hour: string; at: Date; checkedIn: number }>(
      `SELECT to_char(h, 'YYYY-MM-DD"T"HH24:00') AS "hour", h AT TIME ZONE $3 AS "at", n AS "checkedIn"
       FROM (SELECT date_trunc('hour', c."scannedAt" AT TIME ZONE $3) AS h, count(*)::int AS n
             FROM "CheckIn" c WHERE c."eventId" = $1 AND ($2::date IS NULL OR c."eventDay" = $2::date) GROUP BY 1) t ORDER BY h`,
      [eventId, day, tz],
    ),
    db.query<{ result: string; n: number }>(
      `SELECT "result"::text AS "result", count(*)::int AS "n" FROM "ScanLog"
       WHERE "eventId" = $1 AND ($2::date IS NULL OR ("scannedAt" AT TIME ZONE $3)::date = $2::date) GROUP BY 1`,
      [eventId, day, tz],
    ),
    db.query<{
      registrationId: string | null;
      lastName: string | null;
      firstName: string | null;
      middleName: string | null;
      locale: string | null;
      reason: string | null;
      kiosk: string | null;
      scannedAt: Date;
    }>(
      `SELECT s."registrationId", p."lastName", p."firstName", p."middleName", p."locale", s."reason", k."name" AS "kiosk", s."scannedAt"
       FROM "ScanLog" s LEFT JOIN "Registration" r ON r."id" = s."registrationId" LEFT JOIN "Person" p ON p."id" = r."personId"
       LEFT JOIN "Kiosk" k ON k."id" = s."kioskId"
       WHERE s."eventId" = $1 AND s."result" = 'already_checked_in' AND ($2::date IS NULL OR (s."scannedAt" AT TIME ZONE $3)::date = $2::date)
       ORDER BY s."createdAt" DESC LIMIT 50`,
      [eventId, day, tz],
    ),
  ]);
  const n = (k: string) => refused.rows.find((x) => x.result === k)?.n ?? 0;
  const registered = cats.rows.reduce((s, x) => s + x.registered, 0);
  const checkedIn = cats.rows.reduce((s, x) => s + x.checkedIn, 0);
  const confirmedCheckedIn = await db.query<{ n: number }>(
    `SELECT count(*)::int AS "n" FROM "Registration" r WHERE r."eventId" = $1 AND r."status" = 'confirmed' AND ${checked}`,
    [eventId, day],
  );
  return {
    eventId,
    timezone: tz,
    day,
    registered,
    checkedIn,
    noShows: registered - confirmedCheckedIn.rows[0].n,
    byCategory: cats.rows,
    byExhibitor: exh.rows,
    byHour: hours.rows.map((h) => ({ hour: h.hour, at: h.at.toISOString(), checkedIn: h.checkedIn })),
    ...(ev.rows[0].countsExits ? { inside: await insideNow(eventId, tz) } : {}),
    refused: { invalid_code: n("invalid_code"), not_found: n("not_found"), cancelled: n("cancelled"), not_admitted: n("not_admitted") },
    duplicates: {
      count: n("already_checked_in"),
      recent: dups.rows.map((d) => ({
        registrationId: d.registrationId,
        name:
          d.lastName !== null
            ? displayName({ lastName: d.lastName, firstName: d.firstName ?? "", middleName: d.middleName, locale: d.locale })
            : null,
        reason: d.reason,
        kiosk: d.kiosk,
        scannedAt: d.scannedAt.toISOString(),
      })),
    },
  };
}
