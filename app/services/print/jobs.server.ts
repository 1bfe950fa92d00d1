import type pg from "pg";
import { inTransaction, pool } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { isUuid } from "~/utils/ids";
import { enqueuePrintBadge } from "../outbox.server";
import { formatForDriver, type DbPrinterDriver, type PrinterRow, type PrintFormat } from "./printers.server";

// Print jobs as stored: a PrintJob row per badge sent to a printer (issue #7), created with its
// queued retry in one transaction, read back as the API's PrintJobView. worker.server.ts sends them.

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

/** `sent`: browser printers only, the kiosk fetched the badge and has not reported back yet. */
export type PrintJobStatus = "queued" | "printing" | "sent" | "done" | "failed";

/** How long the direct sender has before the queued job would send it too. */
export const PRINT_FALLBACK_DELAY_MS = 5_000;

export const jobKey = (printJobId: string) => `print:${printJobId}`;

/** What a stored job and its view share. */
interface PrintJobFields {
  id: string;
  registrationId: string;
  printerId: string | null;
  format: PrintFormat;
  status: PrintJobStatus;
  attempts: number;
  error: string | null;
  source: string;
  reason: string | null;
  reprintOfId: string | null;
}

export interface PrintJobView extends PrintJobFields {
  printer: { id: string; name: string; driver: DbPrinterDriver } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Browser printers: the badge as PDF (fetching it marks the job sent). */
  pdfUrl: string | null;
  /** Browser printers: the badge as a PNG the kiosk prints in an HTML frame (fetching it marks the job sent). */
  imageUrl: string | null;
}

interface PrintJobRow extends PrintJobFields {
  eventId: string;
  printerName: string | null;
  printerDriver: DbPrinterDriver | null;
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
  if (!isUuid(id)) return null;
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

/** A request the print queue cannot do, as a 422 with the field named. */
export class PrintInputError extends HttpError {
  constructor(field: string, message: string) {
    super(422, "validation_failed", message, { [field]: message });
  }
}

export const notFoundPrintJob = () => notFound("Print job");
