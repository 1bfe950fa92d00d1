import { pool } from "~/utils/db.server";
import { isUuid } from "~/utils/ids";
import { COMPANY_SQL, REGISTRATION_JOINS } from "../print/badge.server";
import { createPrintJob, loadPrintJob, PRINT_FALLBACK_DELAY_MS, type PrintJobView } from "../print/jobs.server";
import { formatForDriver, loadPrinter, type DbPrinterDriver } from "../print/printers.server";
import { sendPrintJobSoon } from "../print/worker.server";
import { printBadgeJobSpecSql } from "../outbox.server";
import {
  answer,
  clientIdReused,
  currentCheckIn,
  lastCheckInPrintJob,
  loadReg,
  logScan,
  supersede,
  type CheckInAnswer,
  type CheckInResult,
  type PriorCheckIn,
  type PriorScan,
  type RegInfo,
} from "./answers.server";
import type { KioskContext } from "./context.server";
import { wakeCheckInOutboxDrainer } from "./crm-outbox.server";
import { eventDayOf, verifyScannedCode } from "./scan.server";

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

export interface ScanInput {
  code?: string;
  registrationId?: string;
  clientId: string;
  scannedAt?: string;
  print?: boolean;
}

/** A scan time further ahead than this is a wrong device clock: the server's time is used. */
const MAX_CLOCK_AHEAD_MS = 2 * 60_000;

function scanTime(scannedAt: string | undefined, now = new Date()): Date {
  if (!scannedAt) return now;
  const t = new Date(scannedAt);
  if (Number.isNaN(t.getTime()) || t.getTime() > now.getTime() + MAX_CLOCK_AHEAD_MS) return now;
  return t;
}

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
  ), crm AS (
    -- crm-sync (the deal moves to "visited"): a marker row that commits with the check-in; the
    -- drainer turns markers into jobs in batches (crm-outbox.server.ts, decision 0016).
    INSERT INTO "CheckInOutbox" ("registrationId") SELECT $2::uuid FROM ci RETURNING "id"
  ), jobs AS (
    -- print-badge: the fallback send, run_at after the in-process attempt. Added here, not by
    -- the drainer, so a printing check-in's job exists as soon as it commits.
    SELECT graphile_worker.add_jobs(ARRAY(SELECT ${printBadgeJobSpecSql('pj."id"', "$10")} FROM pj)) AS j
    FROM pj WHERE $9::boolean
  )
  SELECT (SELECT row_to_json(x) FROM prior_ci x) AS "priorCheckIn", (SELECT row_to_json(x) FROM prior_scan x) AS "priorScan",
         (SELECT row_to_json(x) FROM reg x) AS "reg", (SELECT row_to_json(x) FROM ci x) AS "inserted",
         (SELECT "id" FROM pj) AS "printJobId", (SELECT count(*) FROM jobs) + (SELECT count(*) FROM crm) AS "queued"`;

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
  } else if (input.registrationId && isUuid(input.registrationId)) {
    registrationId = input.registrationId;
  }
  if (registrationId !== null && !isUuid(registrationId)) registrationId = null; // a validly signed non-UUID id is no registration here

  // One statement for the common case: the replay lookups, the registration, and the insert
  // when it is admissible (the ON CONFLICT decides races); the rare cases are handled below.
  const printer = input.print ? kiosk.printer : null;
  const look = await pool().query<{
    priorCheckIn: PriorCheckIn | null;
    priorScan: PriorScan | null;
    reg: RegInfo | null;
    inserted: { id: string; scannedAt: string } | null;
    printJobId: string | null;
  }>({ name: "kiosk-checkin-scan", text: SCAN_SQL, values: [
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
  ] });
  const { priorCheckIn, priorScan, inserted, printJobId } = look.rows[0];
  let { reg } = look.rows[0];

  if (inserted && reg) {
    wakeCheckInOutboxDrainer();
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
