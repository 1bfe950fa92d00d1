import type pg from "pg";
import { BADGE_SOURCE_COLUMNS, REGISTRATION_JOINS, type BadgeSource } from "./badge.server";
import { PRINTER_COLUMNS, PRINTER_FROM, type PrinterRow, type PrintFormat } from "./printers.server";
import { eventTemplatesSql, type EventTemplateRow } from "./templates.server";

// Claiming a print job for sending, with everything its badge needs, in ONE statement: the
// printer, the registration's badge source, the event's templates and its signing key. Five
// round trips in a row were most of the time from scan to label (docs/performance.md,
// "Printing"; decision 0018).

/** A "printing" claim older than this is considered abandoned (IPP waits up to 30 s for completion). */
export const PRINT_LEASE_MS = 90_000;

export interface ClaimedJob {
  registrationId: string;
  printerId: string | null;
  format: PrintFormat;
  attempts: number;
  printer: PrinterRow | null;
  /** Null when the registration is gone. */
  source: BadgeSource | null;
  eventTemplates: EventTemplateRow[];
  /** The event's active signing key; null when it has none yet (ticketCode creates one). */
  privateKey: string | null;
}

type Row = BadgeSource & {
  jobRegistrationId: string;
  jobPrinterId: string | null;
  jobFormat: PrintFormat;
  jobAttempts: number;
  printer: PrinterRow | null;
  eventTemplates: EventTemplateRow[] | null;
  privateKey: string | null;
};

/** Null when the job is not there to send (done, failed, a browser printer's, or claimed by a live sender). */
export async function claimPrintJob(printJobId: string, db: Pick<pg.Pool, "query">): Promise<ClaimedJob | null> {
  const r = await db.query<Row>(
    `WITH c AS (
       UPDATE "PrintJob" SET "status" = 'printing', "startedAt" = now(), "attempts" = "attempts" + 1
       WHERE "id" = $1 AND ("status" = 'queued' OR ("status" = 'printing' AND "startedAt" < now() - $2::int * interval '1 millisecond'))
         AND NOT EXISTS (SELECT 1 FROM "Printer" pr WHERE pr."id" = "PrintJob"."printerId" AND pr."driver" = 'browser')
       RETURNING "registrationId", "printerId", "format"::text AS "format", "attempts")
     SELECT c."registrationId" AS "jobRegistrationId", c."printerId" AS "jobPrinterId", c."format" AS "jobFormat", c."attempts" AS "jobAttempts",
       (SELECT row_to_json(x) FROM (SELECT ${PRINTER_COLUMNS} FROM ${PRINTER_FROM} WHERE pr."id" = c."printerId") x) AS "printer",
       (SELECT json_agg(t) FROM (${eventTemplatesSql('s."eventId"')}) t) AS "eventTemplates",
       (SELECT k."privateKey" FROM "EventKey" k WHERE k."eventId" = s."eventId" AND k."retiredAt" IS NULL ORDER BY k."createdAt" DESC LIMIT 1) AS "privateKey",
       s.*
     FROM c LEFT JOIN LATERAL (
       SELECT ${BADGE_SOURCE_COLUMNS} FROM "Registration" r ${REGISTRATION_JOINS} JOIN "Event" e ON e."id" = r."eventId" WHERE r."id" = c."registrationId"
     ) s ON true`,
    [printJobId, PRINT_LEASE_MS],
  );
  const row = r.rows[0];
  if (!row) return null;
  const { jobRegistrationId, jobPrinterId, jobFormat, jobAttempts, printer, eventTemplates, privateKey, ...source } = row;
  return {
    registrationId: jobRegistrationId,
    printerId: jobPrinterId,
    format: jobFormat,
    attempts: jobAttempts,
    printer,
    source: source.id ? source : null,
    eventTemplates: eventTemplates ?? [],
    privateKey,
  };
}
