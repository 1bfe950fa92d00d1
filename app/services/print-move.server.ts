import { inTransaction } from "~/utils/db.server";
import { HttpError } from "~/utils/errors.server";
import { enqueuePrintBadge, removePrintBadge } from "./outbox.server";
import { formatForDriver, loadPrinter, loadPrintJob, notFoundPrintJob, PrintInputError, sendPrintJobSoon, type PrintJobView } from "./print.server";

// Moving a print job to another printer of the same event (a Zebra jammed, the queue at entrance
// A is long). Only queued or failed jobs move: a done badge is reprinted instead (with a reason),
// and a job being sent right now would race its sender. The moved job starts over: attempts 0,
// the format of the new printer, sent at once, and the retry job rescheduled under the same key.

export async function movePrintJob(job: { id: string; eventId: string; printerId: string | null }, printerId: string): Promise<PrintJobView> {
  const printer = await loadPrinter(printerId);
  if (!printer || (printer.eventId !== null && printer.eventId !== job.eventId))
    throw new PrintInputError("printerId", "No such printer for this event.");
  if (printer.id === job.printerId) throw new PrintInputError("printerId", "The job is already on this printer.");
  await inTransaction(async (client) => {
    const moved = await client.query(
      `UPDATE "PrintJob" SET "printerId" = $2, "format" = $3::"PrintFormat", "status" = 'queued', "attempts" = 0,
              "error" = NULL, "startedAt" = NULL, "finishedAt" = NULL
       WHERE "id" = $1 AND "status" IN ('queued', 'failed')`,
      [job.id, printer.id, formatForDriver(printer.driver)],
    );
    if (!moved.rowCount) throw new HttpError(409, "not_movable", "Only queued or failed jobs can be moved; reprint a printed badge instead.");
    // The retry path follows the job (same key: replaces a pending one); browser printers have none.
    if (printer.driver === "browser") await removePrintBadge(job.id, client);
    else await enqueuePrintBadge(job.id, client, 5000);
  });
  if (printer.driver !== "browser") sendPrintJobSoon(job.id);
  const view = await loadPrintJob(job.id);
  if (!view) throw notFoundPrintJob();
  return view.view;
}
