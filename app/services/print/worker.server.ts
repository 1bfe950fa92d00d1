import { pool } from "~/utils/db.server";
import { registerTask } from "~/utils/jobs.server";
import { logger } from "~/utils/logger.server";
import {
  ippMediaFor,
  isPrinterError,
  printerHealth,
  sendToPrinter,
  type PrinterHealth,
  type SendOptions,
} from "../../../printing/drivers/index";
import type { BadgeData, BadgeTemplate } from "../../../printing/template";
import { enqueuePrintBadge, removePrintBadgeSql } from "../outbox.server";
import { badgeDataFor, badgeTemplateFor, renderBadge, templateForPrinter, templateWith } from "./badge.server";
import { claimPrintJob, PRINT_LEASE_MS } from "./claim.server";
import { BROWSER_DEADLINE_TASK, failUnreportedBrowserPrints } from "./deadline.server";
import type { PrintJobStatus } from "./jobs.server";
import { pickEventTemplate } from "./templates.server";
import { driverTarget, formatForDriver, type DbPrinterDriver, type PrinterRow } from "./printers.server";

// The badge print queue (issue #7). A print job is a PrintJob row. Whoever creates one also adds
// a `print-badge` job a few seconds ahead (in the same transaction) and then, right after the
// commit, sends the badge itself: the graphile-worker job only matters when that direct send
// failed or the process died before it, so it is the retry path, not the fast path.
//
// One sender at a time per job: a sender first claims the row (status printing, startedAt =
// now). A claim older than PRINT_LEASE_MS is taken over (the sender died). Retryable printer
// errors (offline, out of paper, needs attention, timeout) put the job back to queued and
// reschedule `print-badge` with backoff; after PRINT_MAX_ATTEMPTS, or on a non-retryable error,
// the job is failed with the printer's message.

export const PRINT_MAX_ATTEMPTS = 12;
/** Delay before attempt n+1 after n failures: 1, 2, 4, ... 60 s; twelve attempts span about six minutes. */
export const printBackoffMs = (failures: number) => Math.min(60_000, 1000 * 2 ** Math.max(0, failures - 1));

/** Starts sending right away, without waiting (the HTTP answer does not wait for the printer). */
export function sendPrintJobSoon(printJobId: string): void {
  void processPrintJob(printJobId, "direct").catch((err) => logger().error({ err, printJobId }, "print job failed"));
}

export type ProcessOutcome = "done" | "failed" | "retry" | "busy" | "skipped";

/**
 * One attempt at a print job. "direct" is the sender right after the commit; "worker" is the
 * `print-badge` task. Returns what happened; never throws for printer trouble.
 */
export async function processPrintJob(printJobId: string, via: "direct" | "worker"): Promise<ProcessOutcome> {
  const db = pool();
  const job = await claimPrintJob(printJobId, db);
  if (!job) {
    const cur = await db.query<{ status: PrintJobStatus; startedAt: Date | null }>(
      `SELECT "status"::text AS "status", "startedAt" FROM "PrintJob" WHERE "id" = $1`,
      [printJobId],
    );
    const row = cur.rows[0];
    if (row?.status === "printing" && row.startedAt && via === "worker") {
      // Someone is sending it now: look again when their claim would expire.
      const wait = Math.max(1000, row.startedAt.getTime() + PRINT_LEASE_MS - Date.now());
      await enqueuePrintBadge(printJobId, db, wait);
      return "busy";
    }
    return "skipped";
  }

  const fail = async (message: string): Promise<ProcessOutcome> => {
    await db.query(
      `WITH u AS (UPDATE "PrintJob" SET "status" = 'failed', "error" = $2, "finishedAt" = now() WHERE "id" = $1 AND "status" = 'printing' RETURNING 1)
       SELECT ${via === "direct" ? removePrintBadgeSql("$1") : "1"} FROM u`,
      [printJobId, message.slice(0, 1000)],
    );
    logger().warn({ printJobId, error: message }, "print job failed");
    return "failed";
  };

  const printer = job.printer;
  if (!printer) return fail("The printer of this job no longer exists; reprint it on another printer.");

  let payload: { pdf?: Buffer; zpl?: string };
  let template: BadgeTemplate;
  try {
    const src = job.source;
    if (!src) return fail("The registration no longer exists.");
    template = templateWith(printer, pickEventTemplate(job.eventTemplates, src.category));
    const data = await badgeDataFor(src, job.privateKey);
    // The printer may have been edited (another driver) since the job was queued: its format wins.
    const format = formatForDriver(printer.driver);
    if (format !== job.format) await db.query(`UPDATE "PrintJob" SET "format" = $2::"PrintFormat" WHERE "id" = $1`, [printJobId, format]);
    payload = await renderBadge(data, template, format);
  } catch (err) {
    return fail(`Could not render the badge: ${(err as Error).message}`);
  }

  try {
    const opts: SendOptions =
      printer.driver === "ipp" ? { ipp: { media: ippMediaFor(template), jobName: `badge ${job.registrationId}` } } : {};
    await sendToPrinter(driverTarget(printer), { ...payload, name: `badge ${job.registrationId}`, template }, opts);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const retryable = isPrinterError(err) ? err.retryable : true;
    if (!retryable || job.attempts >= PRINT_MAX_ATTEMPTS) return fail(message);
    const delay = printBackoffMs(job.attempts);
    await db.query(`UPDATE "PrintJob" SET "status" = 'queued', "error" = $2 WHERE "id" = $1 AND "status" = 'printing'`, [
      printJobId,
      message.slice(0, 1000),
    ]);
    await enqueuePrintBadge(printJobId, db, delay);
    logger().info({ printJobId, attempt: job.attempts, retryInMs: delay, error: message }, "print job will be retried");
    return "retry";
  }

  await db.query(
    `WITH u AS (UPDATE "PrintJob" SET "status" = 'done', "error" = NULL, "finishedAt" = now() WHERE "id" = $1 RETURNING 1)
     SELECT ${via === "direct" ? removePrintBadgeSql("$1") : "1"} FROM u`,
    [printJobId],
  );
  return "done";
}

export interface PrinterStatus {
  printer: { id: string; name: string; driver: DbPrinterDriver; address: string };
  health: PrinterHealth;
  queue: { queued: number; printing: number; failedLastHour: number };
  lastError: string | null;
  lastDoneAt: string | null;
}

/** Live health (IPP Get-Printer-Attributes or Zebra ~HS) plus what the queue knows. */
export async function printerStatus(printer: PrinterRow, opts: { timeoutMs?: number } = {}): Promise<PrinterStatus> {
  const [health, q] = await Promise.all([
    printerHealth(driverTarget(printer), { timeoutMs: opts.timeoutMs ?? 1500 }),
    pool().query<{ queued: number; printing: number; failedLastHour: number; lastError: string | null; lastDoneAt: Date | null }>(
      `SELECT count(*) FILTER (WHERE "status" = 'queued')::int AS "queued",
              count(*) FILTER (WHERE "status" IN ('printing', 'sent'))::int AS "printing",
              count(*) FILTER (WHERE "status" = 'failed' AND "finishedAt" > now() - interval '1 hour')::int AS "failedLastHour",
              (SELECT "error" FROM "PrintJob" WHERE "printerId" = $1 AND "error" IS NOT NULL ORDER BY "createdAt" DESC LIMIT 1) AS "lastError",
              max("finishedAt") FILTER (WHERE "status" = 'done') AS "lastDoneAt"
       FROM "PrintJob" WHERE "printerId" = $1`,
      [printer.id],
    ),
  ]);
  const row = q.rows[0];
  return {
    printer: { id: printer.id, name: printer.name, driver: printer.driver, address: printer.address },
    health,
    queue: { queued: row.queued, printing: row.printing, failedLastHour: row.failedLastHour },
    lastError: row.lastError,
    lastDoneAt: row.lastDoneAt?.toISOString() ?? null,
  };
}

/** A sample badge straight to a printer (no queue): `npm run admin -- print-test --printer ID`. */
export async function printTestBadge(printer: PrinterRow): Promise<{ health: PrinterHealth; result: unknown }> {
  const health = await printerHealth(driverTarget(printer), { timeoutMs: 2000 });
  const template = printer.eventId
    ? await badgeTemplateFor(printer, { eventId: printer.eventId, category: "visitor" })
    : templateForPrinter(printer);
  const data: BadgeData = {
    fullName: "Тестовая Печать / Test Print",
    company: "Expo Desk",
    position: printer.name,
    category: "visitor",
    code: "EXPODESK-PRINT-TEST",
    eventName: "Expo Desk",
    eventDates: new Date().toISOString().slice(0, 10),
    locale: "ru",
  };
  const payload = await renderBadge(data, template, formatForDriver(printer.driver));
  const opts: SendOptions = printer.driver === "ipp" ? { ipp: { media: ippMediaFor(template), jobName: "Expo Desk test print" } } : {};
  const result = await sendToPrinter(driverTarget(printer), { ...payload, name: "Expo Desk test print", template }, opts);
  return { health, result };
}

export function registerPrintTasks(): void {
  registerTask(BROWSER_DEADLINE_TASK, async () => {
    await failUnreportedBrowserPrints();
  });
  registerTask("print-badge", async (payload) => {
    const id = (payload as { printJobId?: unknown } | null)?.printJobId;
    if (typeof id !== "string") return;
    await processPrintJob(id, "worker");
  });
}
