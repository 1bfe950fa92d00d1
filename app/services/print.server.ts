import { existsSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { env } from "~/utils/env.server";
import { inTransaction, pool } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { registerTask } from "~/utils/jobs.server";
import { logger } from "~/utils/logger.server";
import {
  ippMediaFor,
  isPrinterError,
  printerHealth,
  sendToPrinter,
  type PrinterHealth,
  type PrinterTarget,
  type SendOptions,
} from "../../printing/drivers/index";
import { renderBadgePdf } from "../../printing/pdf";
import { pdfToPng } from "../../printing/preview";
import { getTemplate, parseTemplate, TEMPLATES, type BadgeData, type BadgeTemplate, type Category } from "../../printing/template";
import { renderBadgeZpl } from "../../printing/zpl";
import { combineTemplates, eventTemplateFor } from "./badge-templates.server";
import { enqueuePrintBadge, removePrintBadgeSql } from "./outbox.server";
import { ticketCode } from "./codes.server";
import { BROWSER_DEADLINE_TASK, BROWSER_PRINT_REPORT_MS, failUnreportedBrowserPrints } from "./print-deadline.server";

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

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

export type DbPrinterDriver = "ipp" | "raw_tcp" | "browser";
export type PrintFormat = "pdf" | "zpl";
/** `sent`: browser printers only, the kiosk fetched the badge and has not reported back yet. */
export type PrintJobStatus = "queued" | "printing" | "sent" | "done" | "failed";

/** How long the direct sender has before the queued job would send it too. */
export const PRINT_FALLBACK_DELAY_MS = 5_000;
/** A "printing" claim older than this is considered abandoned (IPP waits up to 30 s for completion). */
export const PRINT_LEASE_MS = 90_000;
export const PRINT_MAX_ATTEMPTS = 12;
/** Delay before attempt n+1 after n failures: 1, 2, 4, ... 60 s; twelve attempts span about six minutes. */
export const printBackoffMs = (failures: number) => Math.min(60_000, 1000 * 2 ** Math.max(0, failures - 1));

export const ZPL_DPI = 203;

export const jobKey = (printJobId: string) => `print:${printJobId}`;

export interface PrinterRow {
  id: string;
  name: string;
  eventId: string | null;
  driver: DbPrinterDriver;
  address: string;
  templateId: string | null;
  templateStock: string | null;
  templateDefinition: unknown;
}

export const formatForDriver = (driver: DbPrinterDriver): PrintFormat => (driver === "raw_tcp" ? "zpl" : "pdf");
export const driverTarget = (p: Pick<PrinterRow, "driver" | "address">): PrinterTarget => ({
  driver: p.driver === "raw_tcp" ? "raw-tcp" : p.driver,
  address: p.address,
});

/** The printer's own template, else the default for its kind: zebra-4x3 (ZPL) or brother-62x100 (PDF). */
export function templateForPrinter(p: Pick<PrinterRow, "driver" | "templateStock" | "templateDefinition"> | null): BadgeTemplate {
  if (p?.templateDefinition != null) {
    try {
      return parseTemplate(p.templateDefinition);
    } catch (err) {
      if (p.templateStock && TEMPLATES[p.templateStock]) return getTemplate(p.templateStock);
      throw err;
    }
  }
  if (p?.templateStock && TEMPLATES[p.templateStock]) return getTemplate(p.templateStock);
  return getTemplate(p?.driver === "raw_tcp" ? "zebra-4x3" : "brother-62x100");
}

/** The printer's own stock, or null when it has none (then the event template picks the stock). */
export function printerOwnTemplate(p: Pick<PrinterRow, "driver" | "templateStock" | "templateDefinition">): BadgeTemplate | null {
  return p.templateDefinition != null || (p.templateStock && TEMPLATES[p.templateStock]) ? templateForPrinter(p) : null;
}

/**
 * What a badge prints with: the printer decides the stock, the event + category template the
 * content (see combineTemplates). Without an event template this is templateForPrinter.
 */
export async function badgeTemplateFor(
  printer: Pick<PrinterRow, "driver" | "templateStock" | "templateDefinition"> | null,
  badge: { eventId: string; category: Category },
): Promise<BadgeTemplate> {
  const eventTpl = await eventTemplateFor(badge.eventId, badge.category);
  return combineTemplates(printer ? printerOwnTemplate(printer) : null, eventTpl, templateForPrinter(printer));
}

export const PRINTER_COLUMNS = `pr."id", pr."name", pr."eventId", pr."driver"::text AS "driver", pr."address", pr."templateId",
  bt."stock" AS "templateStock", bt."definition" AS "templateDefinition"`;

export async function loadPrinter(id: string, db: Queryable = pool()): Promise<PrinterRow | null> {
  const r = await db.query<PrinterRow>(
    `SELECT ${PRINTER_COLUMNS} FROM "Printer" pr LEFT JOIN "BadgeTemplate" bt ON bt."id" = pr."templateId" WHERE pr."id" = $1`,
    [id],
  );
  return r.rows[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Badge data

export interface BadgeSource {
  id: string;
  eventId: string;
  category: Category;
  lastName: string;
  firstName: string;
  middleName: string | null;
  position: string | null;
  locale: string;
  company: string | null;
  eventName: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  /** The company's uploaded logo (a file name under DATA_DIR/logos), if any. */
  logoPath: string | null;
}

/** SQL pieces shared with check-in: a registration with its person and company name. */
export const REGISTRATION_JOINS = `JOIN "Person" p ON p."id" = r."personId"
  LEFT JOIN "Organization" po ON po."id" = p."organizationId"
  LEFT JOIN "Exhibitor" x ON x."id" = r."exhibitorId"
  LEFT JOIN "Organization" xo ON xo."id" = x."organizationId"`;
/** An exhibitor's staff carry the exhibitor's company; others their own organisation. */
export const COMPANY_SQL = `COALESCE(xo."name", po."name")`;

/** The columns of a BadgeSource, over REGISTRATION_JOINS plus `JOIN "Event" e`. */
export const BADGE_SOURCE_COLUMNS = `r."id", r."eventId", r."category"::text AS "category", p."lastName", p."firstName", p."middleName", p."position", p."locale",
  ${COMPANY_SQL} AS "company", e."name" AS "eventName", e."startsAt", e."endsAt", e."timezone",
  CASE WHEN xo."id" IS NOT NULL THEN xo."logoPath" ELSE po."logoPath" END AS "logoPath"`;

export async function loadBadgeSource(registrationId: string, db: Queryable = pool()): Promise<BadgeSource | null> {
  const r = await db.query<BadgeSource>(
    `SELECT ${BADGE_SOURCE_COLUMNS}
     FROM "Registration" r ${REGISTRATION_JOINS} JOIN "Event" e ON e."id" = r."eventId"
     WHERE r."id" = $1`,
    [registrationId],
  );
  return r.rows[0] ?? null;
}

/** "Петров Иван Сергеевич" (Russian official order) or "Ivan Petrov": what screens show. */
export function displayName(p: { lastName: string; firstName: string; middleName?: string | null; locale?: string | null }): string {
  const parts = p.locale === "en" ? [p.firstName, p.lastName] : [p.lastName, p.firstName, p.middleName];
  return parts
    .filter((s): s is string => Boolean(s && s.trim()))
    .map((s) => s.trim())
    .join(" ");
}

/** The badge carries surname and first name (no patronymic: bigger type), in the person's order. */
export function badgeName(p: { lastName: string; firstName: string; locale?: string | null }): string {
  const parts = p.locale === "en" ? [p.firstName, p.lastName] : [p.lastName, p.firstName];
  return parts
    .map((s) => s.trim())
    .filter(Boolean)
    .join(" ");
}

export async function badgeDataFor(src: BadgeSource): Promise<BadgeData> {
  const locale = src.locale === "en" ? "en" : "ru";
  const dates = new Intl.DateTimeFormat(locale, { timeZone: src.timezone, day: "numeric", month: "long", year: "numeric" });
  return {
    fullName: badgeName(src),
    firstName: src.firstName,
    lastName: src.lastName,
    company: src.company ?? undefined,
    position: src.position ?? undefined,
    category: src.category,
    code: await ticketCode({ id: src.id, eventId: src.eventId }),
    eventName: src.eventName,
    eventDates: dates.formatRange(src.startsAt, src.endsAt),
    locale,
    logo: logoFile(src.logoPath),
  };
}

/** A PNG/JPEG logo's path for pdfkit (it cannot draw SVG); undefined when there is none. */
export function logoFile(name: string | null): string | undefined {
  if (!name || !/^[\w-]+\.(png|jpg)$/.test(name)) return undefined;
  const file = path.resolve(env().DATA_DIR, "logos", name);
  return existsSync(file) ? file : undefined;
}

export async function renderBadge(data: BadgeData, template: BadgeTemplate, format: PrintFormat): Promise<{ pdf?: Buffer; zpl?: string }> {
  if (format === "zpl") return { zpl: renderBadgeZpl(data, template, { dpi: ZPL_DPI }) };
  return { pdf: await renderBadgePdf(data, template, { title: data.fullName }) };
}

// ---------------------------------------------------------------------------------------------
// Print jobs

export interface PrintJobView {
  id: string;
  registrationId: string;
  printerId: string | null;
  printer: { id: string; name: string; driver: DbPrinterDriver } | null;
  format: PrintFormat;
  status: PrintJobStatus;
  attempts: number;
  error: string | null;
  source: string;
  reason: string | null;
  reprintOfId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Browser printers: the badge as PDF (fetching it marks the job sent). */
  pdfUrl: string | null;
  /** Browser printers: the badge as a PNG the kiosk prints in an HTML frame (fetching it marks the job sent). */
  imageUrl: string | null;
}

interface PrintJobRow {
  id: string;
  registrationId: string;
  eventId: string;
  printerId: string | null;
  printerName: string | null;
  printerDriver: DbPrinterDriver | null;
  format: PrintFormat;
  status: PrintJobStatus;
  attempts: number;
  error: string | null;
  source: string;
  reason: string | null;
  reprintOfId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const JOB_SELECT = `SELECT j."id", j."registrationId", r."eventId", j."printerId", pr."name" AS "printerName", pr."driver"::text AS "printerDriver",
  j."format"::text AS "format", j."status"::text AS "status", j."attempts", j."error", j."source", j."reason", j."reprintOfId",
  j."createdAt", j."startedAt", j."finishedAt"
  FROM "PrintJob" j JOIN "Registration" r ON r."id" = j."registrationId" LEFT JOIN "Printer" pr ON pr."id" = j."printerId"`;

export function serializePrintJob(j: PrintJobRow): PrintJobView {
  return {
    id: j.id,
    registrationId: j.registrationId,
    printerId: j.printerId,
    printer: j.printerId && j.printerName && j.printerDriver ? { id: j.printerId, name: j.printerName, driver: j.printerDriver } : null,
    format: j.format,
    status: j.status,
    attempts: j.attempts,
    error: j.error,
    source: j.source,
    reason: j.reason,
    reprintOfId: j.reprintOfId,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
    pdfUrl: j.printerDriver === "browser" ? `/api/v1/print-jobs/${j.id}/pdf` : null,
    imageUrl: j.printerDriver === "browser" ? `/api/v1/print-jobs/${j.id}/png` : null,
  };
}

export async function loadPrintJob(id: string, db: Queryable = pool()): Promise<(PrintJobRow & { view: PrintJobView }) | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const r = await db.query<PrintJobRow>(`${JOB_SELECT} WHERE j."id" = $1`, [id]);
  const row = r.rows[0];
  return row ? { ...row, view: serializePrintJob(row) } : null;
}

export async function listPrintJobs(filter: {
  eventId: string;
  printerId?: string;
  status?: PrintJobStatus;
  limit?: number;
}): Promise<PrintJobView[]> {
  const r = await pool().query<PrintJobRow>(
    `${JOB_SELECT} WHERE r."eventId" = $1 AND ($2::uuid IS NULL OR j."printerId" = $2) AND ($3::text IS NULL OR j."status"::text = $3)
     ORDER BY j."createdAt" DESC LIMIT $4`,
    [filter.eventId, filter.printerId ?? null, filter.status ?? null, Math.min(500, filter.limit ?? 100)],
  );
  return r.rows.map(serializePrintJob);
}

/**
 * Creates a print job (and its queued retry) in one transaction; the caller then sends it with
 * `sendPrintJobSoon`. Browser printers get no queue job: the kiosk prints the PDF.
 */
export async function createPrintJob(input: {
  registrationId: string;
  printer: Pick<PrinterRow, "id" | "driver">;
  source: "checkin" | "reprint";
  reason?: string | null;
  reprintOfId?: string | null;
}): Promise<PrintJobView> {
  const id = await inTransaction(async (client) => {
    const ins = await client.query<{ id: string }>(
      `INSERT INTO "PrintJob" ("registrationId", "printerId", "format", "source", "reason", "reprintOfId")
       VALUES ($1, $2, $3::"PrintFormat", $4, $5, $6) RETURNING "id"`,
      [
        input.registrationId,
        input.printer.id,
        formatForDriver(input.printer.driver),
        input.source,
        input.reason ?? null,
        input.reprintOfId ?? null,
      ],
    );
    const jobId = ins.rows[0].id;
    if (input.printer.driver !== "browser") await enqueuePrintBadge(jobId, client, PRINT_FALLBACK_DELAY_MS);
    return jobId;
  });
  const job = await loadPrintJob(id);
  return job!.view;
}

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
  const claimed = await db.query<{ registrationId: string; printerId: string | null; format: PrintFormat; attempts: number }>(
    `UPDATE "PrintJob" SET "status" = 'printing', "startedAt" = now(), "attempts" = "attempts" + 1
     WHERE "id" = $1 AND ("status" = 'queued' OR ("status" = 'printing' AND "startedAt" < now() - $2::int * interval '1 millisecond'))
       AND NOT EXISTS (SELECT 1 FROM "Printer" pr WHERE pr."id" = "PrintJob"."printerId" AND pr."driver" = 'browser')
     RETURNING "registrationId", "printerId", "format"::text AS "format", "attempts"`,
    [printJobId, PRINT_LEASE_MS],
  );
  const job = claimed.rows[0];
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

  const printer = job.printerId ? await loadPrinter(job.printerId) : null;
  if (!printer) return fail("The printer of this job no longer exists; reprint it on another printer.");

  let payload: { pdf?: Buffer; zpl?: string };
  let template: BadgeTemplate;
  try {
    const src = await loadBadgeSource(job.registrationId);
    if (!src) return fail("The registration no longer exists.");
    template = await badgeTemplateFor(printer, src);
    const data = await badgeDataFor(src);
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

/** A request the print queue cannot do, as a 422 with the field named. */
export class PrintInputError extends HttpError {
  constructor(field: string, message: string) {
    super(422, "validation_failed", message, { [field]: message });
  }
}

export const notFoundPrintJob = () => notFound("Print job");

/** A new job for the same badge, on the same or another printer. */
export async function reprint(
  job: { id: string; eventId: string; registrationId: string; printerId: string | null },
  input: { reason: string; printerId?: string | null; fallbackPrinterId?: string | null },
): Promise<PrintJobView> {
  const printerId = input.printerId ?? job.printerId ?? input.fallbackPrinterId;
  if (!printerId) throw new PrintInputError("printerId", "The original printer is gone: choose a printer.");
  const printer = await loadPrinter(printerId);
  if (!printer || (printer.eventId !== null && printer.eventId !== job.eventId))
    throw new PrintInputError("printerId", "No such printer for this event.");
  const view = await createPrintJob({
    registrationId: job.registrationId,
    printer,
    source: "reprint",
    reason: input.reason,
    reprintOfId: job.id,
  });
  if (printer.driver !== "browser") sendPrintJobSoon(view.id);
  return view;
}

/** The PDF of a print job and its page size; a browser printer's queued job becomes `sent`. */
export async function printJobDocument(
  job: { id: string; registrationId: string; printerId: string | null },
  opts: { byKiosk?: boolean } = {},
): Promise<{ pdf: Buffer; widthMm: number; heightMm: number }> {
  const printer = job.printerId ? await loadPrinter(job.printerId) : null;
  const src = await loadBadgeSource(job.registrationId);
  if (!src) throw notFoundPrintJob();
  // A ZPL printer's stock means nothing to a PDF viewer: such a job's PDF follows the event template.
  const template = await badgeTemplateFor(printer && printer.driver !== "raw_tcp" ? printer : null, src);
  const pdf = (await renderBadge(await badgeDataFor(src), template, "pdf")).pdf!;
  // Fetching is not printing (issue #12): the kiosk reports printed or failed (reportBrowserPrint).
  // A manager looking at the PDF does not send it anywhere.
  if (printer?.driver === "browser" && opts.byKiosk !== false) {
    // The deadline for the kiosk's report is a durable job, added with the change (one statement).
    await pool().query(
      `WITH u AS (
         UPDATE "PrintJob" SET "status" = 'sent', "attempts" = "attempts" + 1, "startedAt" = now(), "error" = NULL
         WHERE "id" = $1 AND "status" = 'queued' RETURNING "id")
       SELECT graphile_worker.add_job($2, json_build_object('printJobId', u."id"),
                run_at => now() + $3 * interval '1 millisecond', job_key => 'print-sent:' || u."id", max_attempts => 5)
       FROM u`,
      [job.id, BROWSER_DEADLINE_TASK, BROWSER_PRINT_REPORT_MS],
    );
  }
  return { pdf, widthMm: template.sheet?.pageWidthMm ?? template.widthMm, heightMm: template.sheet?.pageHeightMm ?? template.heightMm };
}

/** The PDF of a print job (see printJobDocument). */
export async function printJobPdf(job: { id: string; registrationId: string; printerId: string | null }, opts: { byKiosk?: boolean } = {}): Promise<Buffer> {
  return (await printJobDocument(job, opts)).pdf;
}

/** Resolution of the PNG the kiosk prints: 300 dpi (labels print at 203 or 300). */
export const BROWSER_PRINT_DPI = 300;

/** The badge as PNG (first page) for the kiosk's HTML print frame, with its page size in mm. */
export async function printJobPng(
  job: { id: string; registrationId: string; printerId: string | null },
  opts: { byKiosk?: boolean } = {},
): Promise<{ png: Buffer; widthMm: number; heightMm: number }> {
  const doc = await printJobDocument(job, opts);
  return { png: await pdfToPng(doc.pdf, { dpi: BROWSER_PRINT_DPI }), widthMm: doc.widthMm, heightMm: doc.heightMm };
}

/**
 * The kiosk's report on a badge its browser printed: `printed` (the browser's afterprint came:
 * the document went to the OS printer) or `failed` with why. Only browser printers' jobs that are
 * queued or sent; the same report again is a no-op; anything else is 409 not_reportable.
 */
export async function reportBrowserPrint(
  job: { id: string; printerId: string | null },
  input: { status: "printed" | "failed"; error?: string | null },
): Promise<PrintJobView> {
  const printer = job.printerId ? await loadPrinter(job.printerId) : null;
  if (printer?.driver !== "browser") throw new HttpError(409, "not_reportable", "Only a browser printer's job is reported by the kiosk.");
  const to = input.status === "printed" ? "done" : "failed";
  const r = await pool().query<{ status: PrintJobStatus }>(
    `WITH u AS (
       UPDATE "PrintJob" SET "status" = $2::"PrintJobStatus", "finishedAt" = now(), "startedAt" = COALESCE("startedAt", now()),
              "error" = CASE WHEN $2::text = 'failed' THEN $3 ELSE NULL END
       WHERE "id" = $1 AND "status" IN ('queued', 'sent') RETURNING "status"::text AS "status")
     SELECT "status" FROM u UNION ALL SELECT "status"::text FROM "PrintJob" WHERE "id" = $1 AND NOT EXISTS (SELECT 1 FROM u)`,
    [job.id, to, (input.error ?? "The kiosk's browser could not print the badge.").slice(0, 1000)],
  );
  const now = r.rows[0]?.status;
  if (!now) throw notFoundPrintJob();
  if (now !== to) throw new HttpError(409, "not_reportable", `The job is ${now}; only a queued or sent job is reported.`);
  if (to === "failed") logger().warn({ printJobId: job.id, error: input.error }, "browser print failed");
  const view = await loadPrintJob(job.id);
  return view!.view;
}

// ---------------------------------------------------------------------------------------------
// Printer health

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
  const template = printer.eventId ? await badgeTemplateFor(printer, { eventId: printer.eventId, category: "visitor" }) : templateForPrinter(printer);
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
