import { localDay } from "~/utils/event-days";
import type pg from "pg";
import { undoRussianLayout } from "../../kiosk/verify-code";
import { inTransaction, pool } from "~/utils/db.server";
import { forbidden, HttpError } from "~/utils/errors.server";
import { canSeeEvent, isManager, type Actor } from "~/utils/permissions.server";
import { singleton } from "~/utils/singleton.server";
import { eventPublicKeys } from "./codes.server";
import { COMPANY_SQL, displayName, REGISTRATION_JOINS } from "./print/badge.server";
import { createPrintJob, loadPrintJob, notFoundPrintJob, PRINT_FALLBACK_DELAY_MS, type PrintJobView } from "./print/jobs.server";
import { formatForDriver, loadPrinter, type DbPrinterDriver } from "./print/printers.server";
import { printerStatus, sendPrintJobSoon, type PrinterStatus } from "./print/worker.server";
import { crmSyncJobSpecSql, printBadgeJobSpecSql } from "./outbox.server";
import { verifyTicketCode, type TicketVerifyResult } from "./ticket-codes.server";
import { insideNow } from "./kiosk-exits.server";

// Kiosk check-in (issue #6), pretix-style: every scan carries a device-generated clientId and
// gets one of six answers. The database decides the races:
//   - CheckIn.clientId is unique: the same scan sent twice is one check-in (same answer);
//   - CheckIn(registrationId, eventDay) is unique: one check-in per person per event-local day.
//     Two kiosks scanning one person at once both INSERT ... ON CONFLICT DO NOTHING; exactly one
//     row goes in, the other kiosk reads it back and answers already_checked_in;
//   - scans that check nobody in are kept in ScanLog under their clientId, so a replay gets the
//     first answer even if the registration changed since.
// Offline scans (the batch endpoint) merge with "earliest scan wins": a queued scan older than the
// stored check-in takes its place, and the later one is logged as a duplicate ("superseded").

export type CheckInResult = "checked_in" | "already_checked_in" | "invalid_code" | "not_found" | "cancelled" | "not_admitted";

export interface KioskContext {
  id: string;
  name: string;
  eventId: string;
  eventName: string;
  timezone: string;
  /** The event's first and last moments: the kiosk warns about scans on other days. */
  startsAt: string;
  endsAt: string;
  /** Venue-local "HH:MM" opening hours of each day, if set. */
  doorsOpen: string | null;
  doorsClose: string | null;
  /** Empty: every category is admitted. */
  categories: string[];
  printer: { id: string; name: string; driver: DbPrinterDriver } | null;
}

export interface ScanInput {
  code?: string;
  registrationId?: string;
  clientId: string;
  scannedAt?: string;
  print?: boolean;
}

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

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A scan time further ahead than this is a wrong device clock: the server's time is used. */
const MAX_CLOCK_AHEAD_MS = 2 * 60_000;
const KIOSK_CACHE_MS = 2_000;
const KEYS_CACHE_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Kiosk from the bearer token

const kioskCache = () => singleton("checkin:kiosks", () => new Map<string, { at: number; kiosk: KioskContext }>());

export async function loadKiosk(kioskId: string, db: Queryable = pool()): Promise<KioskContext | null> {
  const r = await db.query<{
    id: string;
    name: string;
    eventId: string;
    eventName: string;
    timezone: string;
    startsAt: Date;
    endsAt: Date;
    doorsOpen: string | null;
    doorsClose: string | null;
    categories: string[];
    printerId: string | null;
    printerName: string | null;
    printerDriver: DbPrinterDriver | null;
  }>(
    `SELECT k."id", k."name", k."eventId", e."name" AS "eventName", e."timezone", e."startsAt", e."endsAt", e."doorsOpen", e."doorsClose", COALESCE(k."categories", '{}')::text[] AS "categories",
            pr."id" AS "printerId", pr."name" AS "printerName", pr."driver"::text AS "printerDriver"
     FROM "Kiosk" k JOIN "Event" e ON e."id" = k."eventId" LEFT JOIN "Printer" pr ON pr."id" = k."defaultPrinterId"
     WHERE k."id" = $1`,
    [kioskId],
  );
  const k = r.rows[0];
  if (!k) return null;
  return {
    id: k.id,
    name: k.name,
    eventId: k.eventId,
    eventName: k.eventName,
    timezone: k.timezone,
    startsAt: k.startsAt.toISOString(),
    endsAt: k.endsAt.toISOString(),
    doorsOpen: k.doorsOpen,
    doorsClose: k.doorsClose,
    categories: k.categories,
    printer: k.printerId && k.printerName && k.printerDriver ? { id: k.printerId, name: k.printerName, driver: k.printerDriver } : null,
  };
}

/** The kiosk a kiosk token is paired with (cached for 2 s); 403 for any other caller. */
export async function kioskForActor(actor: Actor | null): Promise<KioskContext> {
  if (!actor || actor.type !== "token" || actor.role !== "kiosk") throw forbidden();
  if (!actor.kioskId) throw new HttpError(403, "kiosk_not_paired", "This kiosk token is not paired with a kiosk.");
  const cache = kioskCache();
  const hit = cache.get(actor.kioskId);
  if (hit && Date.now() - hit.at < KIOSK_CACHE_MS) return hit.kiosk;
  const kiosk = await loadKiosk(actor.kioskId);
  if (!kiosk) throw forbidden();
  cache.set(actor.kioskId, { at: Date.now(), kiosk });
  return kiosk;
}

// ---------------------------------------------------------------------------------------------
// Ticket codes against the event's keys (cached; a miss refetches once, so a new key works at once)

const keysCache = () => singleton("checkin:keys", () => new Map<string, { at: number; keys: string[] }>());

async function keysFor(eventId: string, fresh = false): Promise<string[]> {
  const cache = keysCache();
  const hit = cache.get(eventId);
  if (!fresh && hit && Date.now() - hit.at < KEYS_CACHE_MS) return hit.keys;
  const keys = await eventPublicKeys(eventId);
  cache.set(eventId, { at: Date.now(), keys });
  return keys;
}

export async function verifyScannedCode(code: string, eventId: string): Promise<TicketVerifyResult> {
  const attempt = async (fresh: boolean) => {
    const keys = await keysFor(eventId, fresh);
    let r = verifyTicketCode(code, keys);
    // A keyboard-wedge scanner typing through the Russian layout turns letters into Cyrillic.
    if (!r.ok && /[А-Яа-яЁё]/.test(code)) r = verifyTicketCode(undoRussianLayout(code), keys);
    return r;
  };
  const first = await attempt(false);
  if (first.ok || first.reason === "malformed") return first;
  return attempt(true);
}

// ---------------------------------------------------------------------------------------------
// Time

/** The calendar day at the venue (YYYY-MM-DD) of an instant: one check-in per person per day. */
export const eventDayOf = (at: Date, timeZone: string): string => localDay(at, timeZone);

function scanTime(scannedAt: string | undefined, now = new Date()): Date {
  if (!scannedAt) return now;
  const t = new Date(scannedAt);
  if (Number.isNaN(t.getTime()) || t.getTime() > now.getTime() + MAX_CLOCK_AHEAD_MS) return now;
  return t;
}

// ---------------------------------------------------------------------------------------------
// Check-in

interface RegInfo {
  id: string;
  status: string;
  category: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  locale: string;
  company: string | null;
}

interface PriorCheckIn {
  registrationId: string;
  eventId: string;
  scannedAt: string;
  kioskId: string | null;
  kioskName: string | null;
}

interface PriorScan {
  registrationId: string | null;
  eventId: string;
  result: CheckInResult;
  reason: string | null;
}

const REG_JSON = `json_build_object('id', r."id", 'status', r."status", 'category', r."category", 'lastName', p."lastName",
  'firstName', p."firstName", 'middleName', p."middleName", 'locale', p."locale", 'company', ${COMPANY_SQL})`;

const SCAN_SQL = `WITH prior_ci AS (
    SELECT c."registrationId", c."eventId", c."scannedAt", c."kioskId", k."name" AS "kioskName"
    FROM "CheckIn" c LEFT JOIN "Kiosk" k ON k."id" = c."kioskId" WHERE c."clientId" = $4
  ), prior_scan AS (
    SELECT s."registrationId", s."eventId", s."result", s."reason" FROM "ScanLog" s WHERE s."clientId" = $4
  ), reg AS (
    SELECT r."id", r."status"::text AS "status", r."category"::text AS "category", p."lastName", p."firstName", p."middleName",
           p."locale", ${COMPANY_SQL} AS "company"
    FROM "Registration" r ${REGISTRATION_JOINS} WHERE r."id" = $2::uuid AND r."eventId" = $1
  ), ci AS (
    INSERT INTO "CheckIn" ("eventId", "registrationId", "kioskId", "clientId", "eventDay", "scannedAt")
    SELECT $1, reg."id", $3, $4, $5::date, $6 FROM reg
    WHERE reg."status" = 'confirmed' AND (cardinality($11::text[]) = 0 OR reg."category" = ANY($11::text[]))
      AND NOT EXISTS (SELECT 1 FROM prior_ci) AND NOT EXISTS (SELECT 1 FROM prior_scan)
    ON CONFLICT DO NOTHING RETURNING "id", "scannedAt"
  ), pj AS (
    INSERT INTO "PrintJob" ("registrationId", "printerId", "format", "source")
    SELECT $2::uuid, $7::uuid, $8::"PrintFormat", 'checkin' FROM ci WHERE $7::uuid IS NOT NULL RETURNING "id"
  ), jobs AS (
    -- One add_jobs call for both jobs (each add_job costs ~3 ms in the database: docs/performance.md).
    -- crm-sync: the deal moves to "visited" (transactional outbox: the job commits with the check-in);
    -- print-badge: the fallback send, run_at after the in-process attempt.
    SELECT graphile_worker.add_jobs(ARRAY(
      SELECT ${crmSyncJobSpecSql("'registration'", "$2::text")} FROM ci
      UNION ALL
      SELECT ${printBadgeJobSpecSql('pj."id"', "$10")} FROM pj WHERE $9::boolean
    )) AS j
    FROM ci
  )
  SELECT (SELECT row_to_json(x) FROM prior_ci x) AS "priorCheckIn", (SELECT row_to_json(x) FROM prior_scan x) AS "priorScan",
         (SELECT row_to_json(x) FROM reg x) AS "reg", (SELECT row_to_json(x) FROM ci x) AS "inserted",
         (SELECT "id" FROM pj) AS "printJobId", (SELECT count(*) FROM jobs) AS "queued"`;

async function loadReg(id: string, eventId: string): Promise<RegInfo | null> {
  const r = await pool().query<{ reg: RegInfo | null }>(
    `SELECT ${REG_JSON} AS "reg" FROM "Registration" r ${REGISTRATION_JOINS} WHERE r."id" = $1 AND r."eventId" = $2`,
    [id, eventId],
  );
  return r.rows[0]?.reg ?? null;
}

async function currentCheckIn(registrationId: string, eventDay: string): Promise<(PriorCheckIn & { clientId: string; id: string }) | null> {
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

function answer(
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

const clientIdReused = () =>
  new HttpError(
    409,
    "client_id_reused",
    "This clientId belongs to a different scan (another registration or event); generate a new UUID per scan.",
  );

async function logScan(
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

async function lastCheckInPrintJob(registrationId: string): Promise<PrintJobView | null> {
  const r = await pool().query<{ id: string }>(
    `SELECT "id" FROM "PrintJob" WHERE "registrationId" = $1 AND "source" = 'checkin' ORDER BY "createdAt" DESC LIMIT 1`,
    [registrationId],
  );
  return r.rows[0] ? ((await loadPrintJob(r.rows[0].id))?.view ?? null) : null;
}

class Retry extends Error {}

/**
 * Checks one scan in at a kiosk. `offline: true` (the batch endpoint) lets an older queued scan
 * replace a later stored check-in (earliest scan wins).
 */
export async function checkIn(kiosk: KioskContext, input: ScanInput, opts: { offline?: boolean } = {}): Promise<CheckInAnswer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await checkInOnce(kiosk, input, opts);
    } catch (err) {
      // A concurrent request with the same clientId got in between our read and our write: the
      // next round finds its row and answers the same.
      if ((err instanceof Retry || (err as { code?: string }).code === "23505") && attempt < 3) continue;
      throw err;
    }
  }
}

async function checkInOnce(kiosk: KioskContext, input: ScanInput, opts: { offline?: boolean }): Promise<CheckInAnswer> {
  const { clientId } = input;
  const scannedAt = scanTime(input.scannedAt);
  const eventDay = eventDayOf(scannedAt, kiosk.timezone);

  let registrationId: string | null = null;
  let invalid: string | null = null;
  if (input.code !== undefined) {
    const v = await verifyScannedCode(input.code, kiosk.eventId);
    if (v.ok) registrationId = v.registrationId;
    else invalid = v.reason;
  } else if (input.registrationId && UUID.test(input.registrationId)) {
    registrationId = input.registrationId;
  }
  if (registrationId !== null && !UUID.test(registrationId)) registrationId = null; // a validly signed non-UUID id is no registration here

  // One statement for the common case: the replay lookups, the registration, and the insert
  // when it is admissible (the ON CONFLICT decides races); the rare cases are handled below.
  const printer = input.print ? kiosk.printer : null;
  const look = await pool().query<{
    priorCheckIn: PriorCheckIn | null;
    priorScan: PriorScan | null;
    reg: RegInfo | null;
    inserted: { id: string; scannedAt: string } | null;
    printJobId: string | null;
  }>(SCAN_SQL, [
    kiosk.eventId,
    registrationId,
    kiosk.id,
    clientId,
    eventDay,
    scannedAt,
    printer?.id ?? null,
    printer ? formatForDriver(printer.driver) : "pdf",
    printer !== null && printer.driver !== "browser",
    PRINT_FALLBACK_DELAY_MS,
    kiosk.categories,
  ]);
  const { priorCheckIn, priorScan, inserted, printJobId } = look.rows[0];
  let { reg } = look.rows[0];

  if (inserted && reg) {
    const a = answer(clientId, "checked_in", reg, { checkedInAt: inserted.scannedAt, kiosk: { id: kiosk.id, name: kiosk.name } });
    if (input.print) a.printJob = printJobId ? await startPrint(printJobId, printer?.driver) : null;
    return a;
  }

  // The same scan again: the same answer.
  if (priorCheckIn) {
    if (priorCheckIn.eventId !== kiosk.eventId || (registrationId && priorCheckIn.registrationId !== registrationId))
      throw clientIdReused();
    if (!reg || reg.id !== priorCheckIn.registrationId) reg = await loadReg(priorCheckIn.registrationId, kiosk.eventId);
    const a = answer(clientId, "checked_in", reg, {
      checkedInAt: priorCheckIn.scannedAt,
      kiosk: { id: priorCheckIn.kioskId, name: priorCheckIn.kioskName },
    });
    if (input.print) a.printJob = await lastCheckInPrintJob(priorCheckIn.registrationId);
    return a;
  }
  if (priorScan) {
    if (priorScan.eventId !== kiosk.eventId || (registrationId && priorScan.registrationId && priorScan.registrationId !== registrationId))
      throw clientIdReused();
    if (priorScan.registrationId && (!reg || reg.id !== priorScan.registrationId))
      reg = await loadReg(priorScan.registrationId, kiosk.eventId);
    if (priorScan.result === "already_checked_in" && reg) {
      const cur = await currentCheckIn(reg.id, eventDay);
      return answer(clientId, "already_checked_in", reg, {
        reason: priorScan.reason,
        checkedInAt: cur?.scannedAt ?? null,
        kiosk: cur ? { id: cur.kioskId, name: cur.kioskName } : null,
      });
    }
    return answer(clientId, priorScan.result, priorScan.registrationId ? reg : null, { reason: priorScan.reason });
  }

  // A new scan.
  const refuse = async (result: Exclude<CheckInResult, "checked_in" | "already_checked_in">, reason: string | null, r: RegInfo | null) => {
    if (
      !(await logScan(kiosk, clientId, result, {
        registrationId: r?.id ?? null,
        reason,
        code: result === "invalid_code" ? (input.code ?? null) : null,
        scannedAt,
      }))
    )
      throw new Retry();
    return answer(clientId, result, r, { reason });
  };
  if (invalid) return refuse("invalid_code", invalid, null);
  if (!reg) return refuse("not_found", null, null);
  if (reg.status === "cancelled" || reg.status === "rejected") return refuse("cancelled", reg.status, reg);
  if (reg.status !== "confirmed") return refuse("not_admitted", reg.status, reg);
  if (kiosk.categories.length > 0 && !kiosk.categories.includes(reg.category)) return refuse("not_admitted", "category_not_admitted", reg);

  // Someone holds the day already (or this clientId arrived twice at once: then retry).
  const cur = await currentCheckIn(reg.id, eventDay);
  if (!cur) throw new Retry();
  if (cur.clientId === clientId) throw new Retry();
  if (opts.offline && scannedAt.getTime() < new Date(cur.scannedAt).getTime()) {
    const swapped = await supersede(kiosk, reg.id, eventDay, clientId, scannedAt);
    if (swapped) {
      const a = answer(clientId, "checked_in", reg, { checkedInAt: scannedAt, kiosk: { id: kiosk.id, name: kiosk.name } });
      if (input.print) a.printJob = kiosk.printer ? await printNow(reg.id, kiosk.printer.id) : null;
      return a;
    }
    throw new Retry();
  }
  if (!(await logScan(kiosk, clientId, "already_checked_in", { registrationId: reg.id, reason: "duplicate", scannedAt })))
    throw new Retry();
  const dup = answer(clientId, "already_checked_in", reg, {
    reason: "duplicate",
    checkedInAt: cur.scannedAt,
    kiosk: { id: cur.kioskId, name: cur.kioskName },
  });
  // The badge printed at check-in, so the kiosk can reprint it (yellow screen).
  if (input.print) dup.printJob = await lastCheckInPrintJob(reg.id);
  return dup;
}

/** Earliest scan wins: the stored check-in becomes this older scan; the one it replaces is logged as a duplicate. */
async function supersede(
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

async function startPrint(printJobId: string, driver: DbPrinterDriver | undefined): Promise<PrintJobView | null> {
  // The label does not wait for the answer's read of the job (a round trip less to the printer).
  if (driver && driver !== "browser") sendPrintJobSoon(printJobId);
  const job = await loadPrintJob(printJobId);
  return job?.view ?? null;
}

async function printNow(registrationId: string, printerId: string): Promise<PrintJobView | null> {
  const printer = await loadPrinter(printerId);
  if (!printer) return null;
  const view = await createPrintJob({ registrationId, printer, source: "checkin" });
  if (printer.driver !== "browser") sendPrintJobSoon(view.id);
  return view;
}

/** The offline queue: the same answers as one by one, in order. */
export async function checkInBatch(kiosk: KioskContext, items: ScanInput[]): Promise<CheckInAnswer[]> {
  const out: CheckInAnswer[] = [];
  for (const item of items) out.push(await checkIn(kiosk, item, { offline: true }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Delta sync for the kiosk's offline copy

export interface SyncRegistration {
  id: string;
  name: string;
  company: string | null;
  category: string;
  status: string;
  /** The phone's digits, for the kiosk's search by the last digits of a phone. */
  phone: string | null;
}

export interface SyncPage {
  registrations: SyncRegistration[];
  /** Ids the kiosk must drop: deleted, or moved to a category this kiosk does not admit. */
  removed: string[];
  cursor: string;
  hasMore: boolean;
  /** The cursor was for other kiosk settings: this is a full sync from the start. */
  reset: boolean;
  publicKeys: string[];
  kiosk: { id: string; name: string; categories: string[]; printerId?: string | null };
  event: { id: string; name: string; timezone: string; startsAt: string; endsAt: string; doorsOpen: string | null; doorsClose: string | null };
  serverTime: string;
}

interface Cursor {
  /** Keyset position: transaction id and registration id of the last row sent. */
  t: string;
  r: string;
  /** The kiosk's categories when the sync began (a change restarts it). */
  c: string;
  /** 1 while the first full pass is running (no removals to report then). */
  i: 0 | 1;
}

const MAX_UUID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");

export class CursorError extends Error {}

function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Cursor;
    if (
      typeof c.t === "string" &&
      /^-?\d{1,20}$/.test(c.t) &&
      BigInt(c.t) >= -(2n ** 63n) &&
      BigInt(c.t) < 2n ** 63n &&
      typeof c.r === "string" &&
      UUID.test(c.r) &&
      typeof c.c === "string" &&
      (c.i === 0 || c.i === 1)
    )
      return c;
  } catch {
    // fall through
  }
  throw new CursorError("since is not a cursor this server gave out");
}

/**
 * What a synced row carries, as a version: a kiosk whose cursor was made for rows of another
 * shape starts over with a full sync (as after a change of its categories). "p": phone digits
 * were added to the rows (issue #12), so kiosks synced before get them for every person.
 */
const ROW_SHAPE = "p";
const categoriesKey = (k: KioskContext) => `${ROW_SHAPE}:${[...k.categories].sort().join(",")}`;

/**
 * The changes since `since` (absent: everything), at most `limit` rows, oldest first. Rows are
 * ordered by the id of the transaction that last changed them and only rows below the oldest
 * running transaction are sent, so a cursor never moves past a change that commits later.
 */
export async function syncRegistrations(kiosk: KioskContext, since: string | null, limit = 1000): Promise<SyncPage> {
  const cats = categoriesKey(kiosk);
  let cur: Cursor = { t: "-1", r: MAX_UUID, c: cats, i: 1 };
  let reset = false;
  if (since && since !== "0") {
    const c = decodeCursor(since);
    if (c.c === cats) cur = c;
    else reset = true;
  }
  const r = await pool().query<{
    id: string | null;
    txid: string | null;
    deleted: boolean | null;
    horizon: string;
    regId: string | null;
    status: string | null;
    category: string | null;
    lastName: string | null;
    firstName: string | null;
    middleName: string | null;
    locale: string | null;
    company: string | null;
    phone: string | null;
  }>(
    `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "xmin")
     SELECT s."registrationId" AS "id", s."txid"::text AS "txid", s."deleted", h."xmin"::text AS "horizon",
            r."id" AS "regId", r."status"::text AS "status", r."category"::text AS "category",
            p."lastName", p."firstName", p."middleName", p."locale", ${COMPANY_SQL} AS "company", p."phone"
     FROM h
     LEFT JOIN LATERAL (
       SELECT * FROM "RegistrationSync" s
       WHERE s."eventId" = $1 AND s."txid" < h."xmin" AND (s."txid", s."registrationId") > ($2::bigint, $3::uuid)
       ORDER BY s."txid", s."registrationId" LIMIT $4
     ) s ON true
     LEFT JOIN "Registration" r ON r."id" = s."registrationId" AND NOT s."deleted"
     LEFT JOIN "Person" p ON p."id" = r."personId"
     LEFT JOIN "Organization" po ON po."id" = p."organizationId"
     LEFT JOIN "Exhibitor" x ON x."id" = r."exhibitorId"
     LEFT JOIN "Organization" xo ON xo."id" = x."organizationId"
     ORDER BY s."txid", s."registrationId"`,
    [kiosk.eventId, cur.t, cur.r, limit],
  );
  const rows = r.rows.filter((x) => x.id !== null);
  const registrations: SyncRegistration[] = [];
  const removed: string[] = [];
  for (const x of rows) {
    const admitted = x.regId !== null && x.category !== null && (kiosk.categories.length === 0 || kiosk.categories.includes(x.category));
    if (admitted) {
      registrations.push({
        id: x.regId!,
        name: displayName({ lastName: x.lastName ?? "", firstName: x.firstName ?? "", middleName: x.middleName, locale: x.locale }),
        company: x.company,
        category: x.category!,
        status: x.status!,
        phone: x.phone ? x.phone.replace(/\D/g, "") || null : null,
      });
    } else if (cur.i === 0) removed.push(x.id!);
  }
  const hasMore = rows.length === limit;
  const last = rows[rows.length - 1];
  // Without more rows, everything below the horizon has been sent: next time start at the
  // horizon itself, i.e. after (horizon - 1, the largest uuid).
  const horizonLast = BigInt(r.rows[0].horizon) - 1n;
  const next: Cursor = hasMore
    ? { t: last.txid!, r: last.id!, c: cats, i: cur.i }
    : horizonLast >= BigInt(cur.t)
      ? { t: horizonLast.toString(), r: MAX_UUID, c: cats, i: 0 }
      : { ...cur, c: cats, i: 0 };
  return {
    registrations,
    removed,
    cursor: encodeCursor(next),
    hasMore,
    reset,
    publicKeys: await keysFor(kiosk.eventId),
    kiosk: { id: kiosk.id, name: kiosk.name, categories: kiosk.categories, printerId: kiosk.printer?.id ?? null },
    event: { id: kiosk.eventId, name: kiosk.eventName, timezone: kiosk.timezone, startsAt: kiosk.startsAt, endsAt: kiosk.endsAt, doorsOpen: kiosk.doorsOpen, doorsClose: kiosk.doorsClose },
    serverTime: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Kiosk status: arrived / expected today, and its printer

export interface KioskStatus {
  kiosk: { id: string; name: string; categories: string[] };
  event: { id: string; name: string; timezone: string };
  today: string;
  arrivedToday: number;
  expected: number;
  printer: PrinterStatus | null;
  /** The event's printers, so the kiosk can move a failed badge to another one. */
  printers: Array<{ id: string; name: string; driver: string }>;
  serverTime: string;
}

export async function kioskStatus(kiosk: KioskContext, opts: { health?: boolean } = {}): Promise<KioskStatus> {
  const today = eventDayOf(new Date(), kiosk.timezone);
  const [counts, printer, printers] = await Promise.all([
    pool().query<{ arrived: number; expected: number }>(
      `SELECT (SELECT count(*)::int FROM "CheckIn" WHERE "eventId" = $1 AND "eventDay" = $2::date) AS "arrived",
              (SELECT count(*)::int FROM "Registration" WHERE "eventId" = $1 AND "status" = 'confirmed') AS "expected"`,
      [kiosk.eventId, today],
    ),
    kiosk.printer ? loadPrinter(kiosk.printer.id) : Promise.resolve(null),
    pool().query<{ id: string; name: string; driver: string }>(`SELECT "id", "name", "driver"::text AS "driver" FROM "Printer" WHERE "eventId" = $1 ORDER BY "name"`, [kiosk.eventId]),
  ]);
  return {
    kiosk: { id: kiosk.id, name: kiosk.name, categories: kiosk.categories },
    event: { id: kiosk.eventId, name: kiosk.eventName, timezone: kiosk.timezone },
    today,
    arrivedToday: counts.rows[0].arrived,
    expected: counts.rows[0].expected,
    printer: printer && opts.health !== false ? await printerStatus(printer) : null,
    printers: printers.rows,
    serverTime: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// Who may see and reprint a print job: managers (of the event), and kiosks of the same event.

export async function printJobForActor(actor: Actor | null, id: string) {
  if (!actor) throw new HttpError(401, "unauthorized", "A valid bearer token is required.");
  const job = await loadPrintJob(id);
  if (!job) throw notFoundPrintJob();
  if (isManager(actor) && canSeeEvent(actor, job.eventId)) return { job, kiosk: null };
  if (actor.type === "token" && actor.role === "kiosk") {
    const kiosk = await kioskForActor(actor);
    if (kiosk.eventId === job.eventId) return { job, kiosk };
  }
  throw notFoundPrintJob();
}

/** The event whose print jobs the caller may list: a manager names it, a kiosk has its own. */
export async function printJobsEventForActor(actor: Actor | null, eventId: string | null): Promise<string> {
  if (!actor) throw new HttpError(401, "unauthorized", "A valid bearer token is required.");
  if (actor.type === "token" && actor.role === "kiosk") {
    const kiosk = await kioskForActor(actor);
    if (eventId && eventId !== kiosk.eventId) throw forbidden();
    return kiosk.eventId;
  }
  if (!isManager(actor)) throw forbidden();
  if (!eventId || !UUID.test(eventId))
    throw new HttpError(422, "validation_failed", "Some fields are invalid.", { eventId: "Required: the event id" });
  if (!canSeeEvent(actor, eventId)) throw forbidden();
  return eventId;
}
