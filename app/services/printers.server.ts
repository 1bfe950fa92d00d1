import { pool } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { parseHostPort } from "../../printing/drivers/raw-tcp";
import { TEMPLATES } from "../../printing/template";
import { printerStockTemplate } from "./badge-templates.server";
import { PRINTER_COLUMNS, type DbPrinterDriver, type PrinterRow } from "./print.server";

// Printers of an event for the manager page: validation with field errors (i18n keys), CRUD
// scoped to the event, so an id from another event is simply not found.

export interface PrinterInput {
  name: string;
  driver: DbPrinterDriver;
  address: string;
  /** A built-in stock id, or null: the printer takes the event template's stock. */
  stock: string | null;
}

const DRIVERS: Record<string, DbPrinterDriver> = { ipp: "ipp", "raw-tcp": "raw_tcp", raw_tcp: "raw_tcp", browser: "browser" };

export function validatePrinter(raw: Record<string, string | undefined>): { input: PrinterInput; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const name = (raw.name ?? "").trim().slice(0, 200);
  if (!name) fields.name = "field.required";
  const driver = DRIVERS[raw.driver ?? ""];
  if (!driver) fields.driver = "printers.err.driver";
  let address = (raw.address ?? "").trim();
  if (driver === "browser") address ||= "browser";
  else if (driver === "ipp" && !/^(https?|ipps?):\/\/[^/\s]+\/\S*$/i.test(address)) fields.address = "printers.err.ipp";
  else if (driver === "raw_tcp") {
    try {
      parseHostPort(address);
    } catch {
      fields.address = "printers.err.raw";
    }
  }
  const stock = raw.stock ? raw.stock : null;
  if (stock && !TEMPLATES[stock]) fields.stock = "badges.err.stock";
  return { input: { name, driver: driver ?? "ipp", address, stock }, fields };
}

export async function listEventPrinters(eventId: string): Promise<PrinterRow[]> {
  const r = await pool().query<PrinterRow>(
    `SELECT ${PRINTER_COLUMNS} FROM "Printer" pr LEFT JOIN "BadgeTemplate" bt ON bt."id" = pr."templateId"
     WHERE pr."eventId" = $1 ORDER BY pr."name", pr."createdAt"`,
    [eventId],
  );
  return r.rows;
}

export async function eventPrinter(eventId: string, id: string): Promise<PrinterRow> {
  const r = await pool().query<PrinterRow>(
    `SELECT ${PRINTER_COLUMNS} FROM "Printer" pr LEFT JOIN "BadgeTemplate" bt ON bt."id" = pr."templateId"
     WHERE pr."id" = $1::uuid AND pr."eventId" = $2`,
    [/^[0-9a-f-]{36}$/i.test(id) ? id : "00000000-0000-0000-0000-000000000000", eventId],
  );
  if (!r.rows[0]) throw notFound("Printer");
  return r.rows[0];
}

export async function createPrinter(eventId: string, input: PrinterInput): Promise<string> {
  const templateId = input.stock ? await printerStockTemplate(input.stock) : null;
  const r = await pool().query<{ id: string }>(
    `INSERT INTO "Printer" ("eventId", "name", "driver", "address", "templateId") VALUES ($1, $2, $3::"PrinterDriver", $4, $5) RETURNING "id"`,
    [eventId, input.name, input.driver, input.address, templateId],
  );
  return r.rows[0].id;
}

export async function updatePrinter(eventId: string, id: string, input: PrinterInput): Promise<void> {
  await eventPrinter(eventId, id);
  const templateId = input.stock ? await printerStockTemplate(input.stock) : null;
  await pool().query(
    `UPDATE "Printer" SET "name" = $3, "driver" = $4::"PrinterDriver", "address" = $5, "templateId" = $6 WHERE "id" = $1 AND "eventId" = $2`,
    [id, eventId, input.name, input.driver, input.address, templateId],
  );
}

/** Deleting keeps the jobs (printer set to null: they can be moved or reprinted elsewhere). */
export async function deletePrinter(eventId: string, id: string): Promise<void> {
  await eventPrinter(eventId, id);
  const active = await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM "PrintJob" WHERE "printerId" = $1 AND "status" = 'printing'`, [id]);
  if (active.rows[0].n > 0) throw new HttpError(409, "printer_busy", "The printer is printing a badge right now; try again in a moment.");
  await pool().query(`DELETE FROM "Printer" WHERE "id" = $1 AND "eventId" = $2`, [id, eventId]);
}

/** Person names for a page of print jobs. */
export async function jobNames(registrationIds: string[]): Promise<Record<string, string>> {
  if (!registrationIds.length) return {};
  const r = await pool().query<{ id: string; name: string }>(
    `SELECT r."id", trim(p."lastName" || ' ' || p."firstName") AS "name" FROM "Registration" r JOIN "Person" p ON p."id" = r."personId" WHERE r."id" = ANY($1::uuid[])`,
    [registrationIds],
  );
  return Object.fromEntries(r.rows.map((x) => [x.id, x.name]));
}
