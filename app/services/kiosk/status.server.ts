import { pool } from "~/utils/db.server";
import { loadPrinter } from "../print/printers.server";
import { printerStatus, type PrinterStatus } from "../print/worker.server";
import type { KioskContext } from "./context.server";
import { eventDayOf } from "./scan.server";

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
