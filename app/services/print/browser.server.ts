import { pool } from "~/utils/db.server";
import { HttpError } from "~/utils/errors.server";
import { logger } from "~/utils/logger.server";
import { pdfToPng } from "../../../printing/preview";
import { badgeDataFor, badgeTemplateFor, loadBadgeSource, renderBadge } from "./badge.server";
import { BROWSER_DEADLINE_TASK, BROWSER_PRINT_REPORT_MS } from "./deadline.server";
import { loadPrintJob, notFoundPrintJob, type PrintJobStatus, type PrintJobView } from "./jobs.server";
import { loadPrinter } from "./printers.server";

// Browser printers (issue #12): the kiosk fetches the badge as PDF or PNG and prints it itself,
// then reports printed or failed. A manager may look at any job's PDF without sending it.

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
export async function printJobPdf(
  job: { id: string; registrationId: string; printerId: string | null },
  opts: { byKiosk?: boolean } = {},
): Promise<Buffer> {
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
