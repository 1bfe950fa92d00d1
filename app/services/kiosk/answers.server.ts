import { inTransaction, pool } from "~/utils/db.server";
import { HttpError } from "~/utils/errors.server";
import { COMPANY_SQL, displayName, REGISTRATION_JOINS } from "../print/badge.server";
import { loadPrintJob, type PrintJobView } from "../print/jobs.server";
import type { KioskContext } from "./context.server";

// The answers a scan gets, and the stored rows they are read from: the registration, the day's
// check-in, refused scans in ScanLog (a replay gets its first answer), the check-in's badge.

export type CheckInResult = "checked_in" | "already_checked_in" | "invalid_code" | "not_found" | "cancelled" | "not_admitted";

export interface CheckInAnswer {
  clientId: string;
  result: CheckInResult;
  /** Why, for anything but checked_in: e.g. bad-signature, pending_approval, category_not_admitted, duplicate, superseded. */
  reason: string | null;
  registration: { id: string; name: string; company: string | null; category: string; status: string } | null;
  /** When the person was checked in (the stored scan's time), for checked_in and already_checked_in. */
  checkedInAt: string | null;
  /** Where: this kiosk for checked_in, the first kiosk for already_checked_in. */
  kiosk: { id: string | null; name: string } | null;
  printJob?: PrintJobView | null;
}

export interface RegInfo {
  id: string;
  status: string;
  category: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  locale: string;
  company: string | null;
}

export interface PriorCheckIn {
  registrationId: string;
  eventId: string;
  scannedAt: string;
  kioskId: string | null;
  kioskName: string | null;
}

export interface PriorScan {
  registrationId: string | null;
  eventId: string;
  result: CheckInResult;
  reason: string | null;
}

const REG_JSON = `json_build_object('id', r."id", 'status', r."status", 'category', r."category", 'lastName', p."lastName",
  'firstName', p."firstName", 'middleName', p."middleName", 'locale', p."locale", 'company', ${COMPANY_SQL})`;

export async function loadReg(id: string, eventId: string): Promise<RegInfo | null> {
  const r = await pool().query<{ reg: RegInfo | null }>(
    `SELECT ${REG_JSON} AS "reg" FROM "Registration" r ${REGISTRATION_JOINS} WHERE r."id" = $1 AND r."eventId" = $2`,
    [id, eventId],
  );
  return r.rows[0]?.reg ?? null;
}

export async function currentCheckIn(registrationId: string, eventDay: string): Promise<(PriorCheckIn & { clientId: string; id: string }) | null> {
  const r = await pool().query<{
    id: string;
    clientId: string;
    registrationId: string;
    eventId: string;
    scannedAt: Date;
    kioskId: string | null;
    kioskName: string | null;
  }>(
    `SELECT c."id", c."clientId", c."registrationId", c."eventId", c."scannedAt", c."kioskId", k."name" AS "kioskName"
     FROM "CheckIn" c LEFT JOIN "Kiosk" k ON k."id" = c."kioskId" WHERE c."registrationId" = $1 AND c."eventDay" = $2::date`,
    [registrationId, eventDay],
  );
  const row = r.rows[0];
  return row ? { ...row, scannedAt: row.scannedAt.toISOString() } : null;
}

const regView = (r: RegInfo | null): CheckInAnswer["registration"] =>
  r ? { id: r.id, name: displayName(r), company: r.company, category: r.category, status: r.status } : null;

const iso = (t: string | Date) => new Date(t).toISOString();

export function answer(
  clientId: string,
  result: CheckInResult,
  reg: RegInfo | null,
  extra: { reason?: string | null; checkedInAt?: string | Date | null; kiosk?: { id: string | null; name: string | null } | null } = {},
): CheckInAnswer {
  return {
    clientId,
    result,
    reason: extra.reason ?? null,
    registration: regView(reg),
    checkedInAt: extra.checkedInAt ? iso(extra.checkedInAt) : null,
    kiosk: extra.kiosk ? { id: extra.kiosk.id, name: extra.kiosk.name ?? "" } : null,
  };
}

export const clientIdReused = () =>
  new HttpError(
    409,
    "client_id_reused",
    "This clientId belongs to a different scan (another registration or event); generate a new UUID per scan.",
  );

export async function logScan(
  kiosk: KioskContext,
  clientId: string,
  result: Exclude<CheckInResult, "checked_in">,
  data: { registrationId?: string | null; reason?: string | null; code?: string | null; scannedAt: Date },
): Promise<boolean> {
  const r = await pool().query(
    `INSERT INTO "ScanLog" ("eventId", "kioskId", "registrationId", "clientId", "result", "reason", "code", "scannedAt")
     VALUES ($1, $2, $3, $4, $5::"ScanResult", $6, $7, $8) ON CONFLICT ("clientId") DO NOTHING`,
    [
      kiosk.eventId,
      kiosk.id,
      data.registrationId ?? null,
      clientId,
      result,
      data.reason ?? null,
      data.code?.slice(0, 200) ?? null,
      data.scannedAt,
    ],
  );
  return r.rowCount === 1;
}

export async function lastCheckInPrintJob(registrationId: string): Promise<PrintJobView | null> {
  const r = await pool().query<{ id: string }>(
    `SELECT "id" FROM "PrintJob" WHERE "registrationId" = $1 AND "source" = 'checkin' ORDER BY "createdAt" DESC LIMIT 1`,
    [registrationId],
  );
  return r.rows[0] ? ((await loadPrintJob(r.rows[0].id))?.view ?? null) : null;
}

/** Earliest scan wins: the stored check-in becomes this older scan; the one it replaces is logged as a duplicate. */
export async function supersede(
  kiosk: KioskContext,
  registrationId: string,
  eventDay: string,
  clientId: string,
  scannedAt: Date,
): Promise<boolean> {
  return inTransaction(async (client) => {
    const r = await client.query<{ id: string; clientId: string; kioskId: string | null; scannedAt: Date }>(
      `SELECT "id", "clientId", "kioskId", "scannedAt" FROM "CheckIn" WHERE "registrationId" = $1 AND "eventDay" = $2::date FOR UPDATE`,
      [registrationId, eventDay],
    );
    const cur = r.rows[0];
    if (!cur || cur.clientId === clientId || scannedAt.getTime() >= cur.scannedAt.getTime()) return false;
    await client.query(`UPDATE "CheckIn" SET "clientId" = $2, "kioskId" = $3, "scannedAt" = $4 WHERE "id" = $1`, [
      cur.id,
      clientId,
      kiosk.id,
      scannedAt,
    ]);
    await client.query(
      `INSERT INTO "ScanLog" ("eventId", "kioskId", "registrationId", "clientId", "result", "reason", "scannedAt")
       VALUES ($1, $2, $3, $4, 'already_checked_in', 'superseded', $5) ON CONFLICT ("clientId") DO NOTHING`,
      [kiosk.eventId, cur.kioskId, registrationId, cur.clientId, cur.scannedAt],
    );
    return true;
  });
}
