import { z } from "zod";
import { isoDateTime } from "./common";

// The print queue (issue #7).

export const PrintJob = z.object({
  id: z.string().uuid(),
  registrationId: z.string().uuid(),
  printerId: z.string().uuid().nullable(),
  printer: z.object({ id: z.string().uuid(), name: z.string(), driver: z.enum(["ipp", "raw_tcp", "browser"]) }).nullable(),
  format: z.enum(["pdf", "zpl"]),
  status: z.enum(["queued", "printing", "sent", "done", "failed"]).describe("sent: a browser printer's badge the kiosk fetched and has not reported yet; done: printed"),
  attempts: z.number().int(),
  error: z.string().nullable(),
  source: z.enum(["checkin", "reprint"]),
  reason: z.string().nullable(),
  reprintOfId: z.string().uuid().nullable(),
  createdAt: isoDateTime,
  startedAt: isoDateTime.nullable(),
  finishedAt: isoDateTime.nullable(),
  pdfUrl: z.string().nullable().describe("Browser printers: the badge as PDF (fetching it marks the job sent)"),
  imageUrl: z.string().nullable().describe("Browser printers: the badge as PNG, which the kiosk prints (fetching it marks the job sent)"),
});

const PrinterHealth = z.object({ ok: z.boolean(), state: z.string(), reasons: z.array(z.string()), message: z.string().optional() });

export const PrinterStatus = z.object({
  printer: z.object({ id: z.string().uuid(), name: z.string(), driver: z.enum(["ipp", "raw_tcp", "browser"]), address: z.string() }),
  health: PrinterHealth,
  queue: z.object({ queued: z.number().int(), printing: z.number().int(), failedLastHour: z.number().int() }),
  lastError: z.string().nullable(),
  lastDoneAt: isoDateTime.nullable(),
});

export const ReprintInput = z
  .object({
    reason: z.string().trim().min(1, "Required").max(500),
    printerId: z.string().uuid().optional().describe("Another printer (move the job); default: the original printer"),
  })
  .strict();

export const PrintResultInput = z
  .object({
    status: z.enum(["printed", "failed"]).describe("printed: the kiosk browser's afterprint came; failed: it could not print"),
    error: z.string().trim().max(1000).optional().describe("Why it failed, as the kiosk saw it"),
  })
  .strict();

export const PrintJobList = z.object({ printJobs: z.array(PrintJob) });

export const MovePrintJobInput = z
  .object({ printerId: z.string().uuid().describe("A printer of the same event; the job starts over there") })
  .strict();
