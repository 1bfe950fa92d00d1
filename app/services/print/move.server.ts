import { inTransaction } from "~/utils/db.server";
import { HttpError } from "~/utils/errors.server";
import { enqueuePrintBadge, removePrintBadge } from "../outbox.server";
import { createPrintJob, loadPrintJob, notFoundPrintJob, PrintInputError, type PrintJobView } from "./jobs.server";
import { formatForDriver, loadPrinter, type PrinterRow } from "./printers.server";
import { sendPrintJobSoon } from "./worker.server";

// A job on another printer. Reprint: a new job for the same badge (a done badge, with a reason).
// Move: the same job to another printer of the event (a Zebra jammed, the queue at entrance A is
// long). Only queued or failed jobs move: a job being sent right now would race its sender. The
// moved job starts over: attempts 0, the format of the new printer, sent at once, and the retry
// job rescheduled under the same key.

async function printerOfEvent(printerId: string, eventId: string): Promise<PrinterRow> {
  const printer = await loadPrinter(printerId);
  if (!printer || (printer.eventId !== null && printer.eventId !== eventId))
    throw new PrintInputError("printerId", "No such printer for this event.");
  return printer;
}

/** A new job for the same badge, on the same or another printer. */
export async function reprint(
  job: { id: string; eventId: string; registrationId: string; printerId: string | null },
  input: { reason: string; printerId?: string | null; fallbackPrinterId?: string | null },
): Promise<PrintJobView> {
  const printerId = input.printerId ?? job.printerId ?? input.fallbackPrinterId;
  if (!printerId) throw new PrintInputError("printerId", "The original printer is gone: choose a printer.");
  const printer = await printerOfEvent(printerId, job.eventId);
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

export async function movePrintJob(
  job: { id: string; eventId: string; printerId: string | null },
  printerId: string,
): Promise<PrintJobView> {
  const printer = await printerOfEvent(printerId, job.eventId);
  if (printer.id === job.printerId) throw new PrintInputError("printerId", "The job is already on this printer.");
  await inTransaction(async (client) => {
    const moved = await client.query(
      `UPDATE "PrintJob" SET "printerId" = $2, "format" = $3::"PrintFormat", "status" = 'queued', "attempts" = 0,
              "error" = NULL, "startedAt" = NULL, "finishedAt" = NULL
       WHERE "id" = $1 AND "status" IN ('queued', 'failed')`,
      [job.id, printer.id, formatForDriver(printer.driver)],
    );
    if (!moved.rowCount)
      throw new HttpError(409, "not_movable", "Only queued or failed jobs can be moved; reprint a printed badge instead.");
    // The retry path follows the job (same key: replaces a pending one); browser printers have none.
    if (printer.driver === "browser") await removePrintBadge(job.id, client);
    else await enqueuePrintBadge(job.id, client, 5000);
  });
  if (printer.driver !== "browser") sendPrintJobSoon(job.id);
  const view = await loadPrintJob(job.id);
  if (!view) throw notFoundPrintJob();
  return view.view;
}
