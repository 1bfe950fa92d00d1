import { pool } from "~/utils/db.server";
import { HttpError } from "~/utils/errors.server";
import { isUuid } from "~/utils/ids";
import { COMPANY_SQL, displayName, REGISTRATION_JOINS } from "../print/badge.server";
import type { KioskContext } from "./context.server";
import { eventDayOf, verifyScannedCode } from "./scan.server";

// Exit scans (issue #6, optional): for events that count people inside, kiosks in exit mode
// record check-outs. Idempotent by the device's clientId (CheckOut.clientId is unique).
// Inside now = people checked in today whose latest entry (the check-in, or a later re-entry
// scan logged as a duplicate) is after their latest exit today.

export type CheckOutResult = "checked_out" | "already_out" | "not_checked_in" | "invalid_code" | "not_found";

export interface CheckOutAnswer {
  clientId: string;
  result: CheckOutResult;
  registration: { id: string; name: string; company: string | null; category: string; status: string } | null;
  /** checked_out: this exit; already_out: the earlier one. */
  checkedOutAt: string | null;
  inside: number;
}

/** Per registration checked in on `day`: the latest entry and the latest exit. */
const STATE_SQL = `
  SELECT c."registrationId",
         GREATEST(c."scannedAt", (SELECT max(s."scannedAt") FROM "ScanLog" s WHERE s."registrationId" = c."registrationId"
                  AND s."result" = 'already_checked_in' AND s."reason" = 'duplicate' AND s."scannedAt" >= c."scannedAt")) AS "entryAt",
         (SELECT max(o."scannedAt") FROM "CheckOut" o WHERE o."registrationId" = c."registrationId" AND o."eventDay" = c."eventDay") AS "exitAt"
  FROM "CheckIn" c WHERE c."eventId" = $1 AND c."eventDay" = $2::date`;

export async function insideNow(eventId: string, timezone: string): Promise<number> {
  const r = await pool().query<{ n: number }>(
    `SELECT count(*)::int AS "n" FROM (${STATE_SQL}) x WHERE x."exitAt" IS NULL OR x."exitAt" < x."entryAt"`,
    [eventId, eventDayOf(new Date(), timezone)],
  );
  return r.rows[0].n;
}

export async function kioskExitSettings(kiosk: KioskContext): Promise<{ mode: "entry" | "exit"; countsExits: boolean; inside: number | null }> {
  const r = await pool().query<{ mode: "entry" | "exit"; countsExits: boolean }>(
    `SELECT k."mode", e."countsExits" FROM "Kiosk" k JOIN "Event" e ON e."id" = k."eventId" WHERE k."id" = $1`,
    [kiosk.id],
  );
  const row = r.rows[0] ?? { mode: "entry", countsExits: false };
  return { mode: row.countsExits ? row.mode : "entry", countsExits: row.countsExits, inside: row.countsExits ? await insideNow(kiosk.eventId, kiosk.timezone) : null };
}

type Reg = { id: string; status: string; category: string; lastName: string; firstName: string; middleName: string | null; locale: string; company: string | null };

async function loadReg(id: string, eventId: string): Promise<Reg | null> {
  const r = await pool().query<Reg>(
    `SELECT r."id", r."status"::text AS "status", r."category"::text AS "category", p."lastName", p."firstName", p."middleName", p."locale",
            ${COMPANY_SQL} AS "company"
     FROM "Registration" r ${REGISTRATION_JOINS}
     WHERE r."id" = $1 AND r."eventId" = $2`,
    [id, eventId],
  );
  return r.rows[0] ?? null;
}

export async function checkOut(kiosk: KioskContext, input: { clientId: string; code?: string; registrationId?: string; scannedAt?: string }): Promise<CheckOutAnswer> {
  const settings = await kioskExitSettings(kiosk);
  if (!settings.countsExits) throw new HttpError(409, "exits_not_counted", "This event does not count exits.");
  const now = new Date();
  const at = input.scannedAt && Date.parse(input.scannedAt) <= now.getTime() + 120_000 ? new Date(input.scannedAt) : now;
  const day = eventDayOf(at, kiosk.timezone);
  const reply = async (result: CheckOutResult, reg: Reg | null, checkedOutAt: Date | null = null): Promise<CheckOutAnswer> => ({
    clientId: input.clientId,
    result,
    registration: reg ? { id: reg.id, name: displayName(reg), company: reg.company, category: reg.category, status: reg.status } : null,
    checkedOutAt: checkedOutAt ? checkedOutAt.toISOString() : null,
    inside: await insideNow(kiosk.eventId, kiosk.timezone),
  });

  // The same exit again: the same answer.
  const prior = await pool().query<{ registrationId: string; eventId: string; scannedAt: Date }>(
    `SELECT "registrationId", "eventId", "scannedAt" FROM "CheckOut" WHERE "clientId" = $1`,
    [input.clientId],
  );
  if (prior.rows[0]) {
    if (prior.rows[0].eventId !== kiosk.eventId) throw new HttpError(409, "client_id_reused", "This clientId belongs to another scan.");
    return reply("checked_out", await loadReg(prior.rows[0].registrationId, kiosk.eventId), prior.rows[0].scannedAt);
  }

  let id = input.registrationId && isUuid(input.registrationId) ? input.registrationId : null;
  if (input.code !== undefined) {
    const v = await verifyScannedCode(input.code, kiosk.eventId);
    if (!v.ok) return reply("invalid_code", null);
    id = isUuid(v.registrationId) ? v.registrationId : null;
  }
  const reg = id ? await loadReg(id, kiosk.eventId) : null;
  if (!reg) return reply("not_found", null);
  const state = await pool().query<{ entryAt: Date; exitAt: Date | null }>(`${STATE_SQL} AND c."registrationId" = $3`, [kiosk.eventId, day, reg.id]);
  const s = state.rows[0];
  if (!s) return reply("not_checked_in", reg);
  if (s.exitAt && s.exitAt >= s.entryAt) return reply("already_out", reg, s.exitAt);
  await pool().query(
    `INSERT INTO "CheckOut" ("eventId", "registrationId", "kioskId", "clientId", "eventDay", "scannedAt")
     VALUES ($1, $2, $3, $4, $5::date, $6) ON CONFLICT ("clientId") DO NOTHING`,
    [kiosk.eventId, reg.id, kiosk.id, input.clientId, day, at],
  );
  return reply("checked_out", reg, at);
}
