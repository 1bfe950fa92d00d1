import type pg from "pg";
import { prisma, pool } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { isUuid } from "~/utils/ids";
import type { PrinterTarget } from "../../../printing/drivers/index";
import { parseHostPort } from "../../../printing/drivers/raw-tcp";
import { TEMPLATES } from "../../../printing/template";
import { printerStockTemplate } from "./templates.server";

// Printers: the row the print path reads (loadPrinter, one SQL join, on the hot path) and the
// manager page's CRUD scoped to the event (Prisma, decision 0015), so an id from another event is
// simply not found. Validation gives field errors as i18n keys.

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

export type DbPrinterDriver = "ipp" | "raw_tcp" | "browser";
export type PrintFormat = "pdf" | "zpl";

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

/** The columns of a PrinterRow over PRINTER_FROM. */
export const PRINTER_COLUMNS = `pr."id", pr."name", pr."eventId", pr."driver"::text AS "driver", pr."address", pr."templateId",
  bt."stock" AS "templateStock", bt."definition" AS "templateDefinition"`;
export const PRINTER_FROM = `"Printer" pr LEFT JOIN "BadgeTemplate" bt ON bt."id" = pr."templateId"`;

export async function loadPrinter(id: string, db: Queryable = pool()): Promise<PrinterRow | null> {
  const r = await db.query<PrinterRow>(`SELECT ${PRINTER_COLUMNS} FROM ${PRINTER_FROM} WHERE pr."id" = $1`, [id]);
  return r.rows[0] ?? null;
}

export interface PrinterInput {
  name: string;
  driver: DbPrinterDriver;
  address: string;
  /** A built-in stock id, or null: the printer takes the event template's stock. */
  stock: string | null;
}

/** The driver names a form or the CLI may use. */
export const PRINTER_DRIVERS: Record<string, DbPrinterDriver> = {
  ipp: "ipp",
  "raw-tcp": "raw_tcp",
  raw_tcp: "raw_tcp",
  browser: "browser",
};

export function validatePrinter(raw: Record<string, string | undefined>): { input: PrinterInput; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const name = (raw.name ?? "").trim().slice(0, 200);
  if (!name) fields.name = "field.required";
  const driver = PRINTER_DRIVERS[raw.driver ?? ""];
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

/** The event's printers with their stock: one join, so it stays SQL (decision 0015). */
export async function listEventPrinters(eventId: string): Promise<PrinterRow[]> {
  const r = await pool().query<PrinterRow>(
    `SELECT ${PRINTER_COLUMNS} FROM ${PRINTER_FROM} WHERE pr."eventId" = $1 ORDER BY pr."name", pr."createdAt"`,
    [eventId],
  );
  return r.rows;
}

export async function eventPrinter(eventId: string, id: string): Promise<PrinterRow> {
  const p = isUuid(id)
    ? await prisma().printer.findFirst({ where: { id, eventId }, include: { template: { select: { stock: true, definition: true } } } })
    : null;
  if (!p) throw notFound("Printer");
  return {
    id: p.id,
    name: p.name,
    eventId: p.eventId,
    driver: p.driver,
    address: p.address,
    templateId: p.templateId,
    templateStock: p.template?.stock ?? null,
    templateDefinition: p.template?.definition ?? null,
  };
}

export async function createPrinter(eventId: string, input: PrinterInput): Promise<string> {
  const templateId = input.stock ? await printerStockTemplate(input.stock) : null;
  const p = await prisma().printer.create({
    data: { eventId, name: input.name, driver: input.driver, address: input.address, templateId },
    select: { id: true },
  });
  return p.id;
}

export async function updatePrinter(eventId: string, id: string, input: PrinterInput): Promise<void> {
  await eventPrinter(eventId, id);
  const templateId = input.stock ? await printerStockTemplate(input.stock) : null;
  await prisma().printer.updateMany({
    where: { id, eventId },
    data: { name: input.name, driver: input.driver, address: input.address, templateId },
  });
}

/** Deleting keeps the jobs (printer set to null: they can be moved or reprinted elsewhere). */
export async function deletePrinter(eventId: string, id: string): Promise<void> {
  await eventPrinter(eventId, id);
  const active = await prisma().printJob.count({ where: { printerId: id, status: "printing" } });
  if (active > 0) throw new HttpError(409, "printer_busy", "The printer is printing a badge right now; try again in a moment.");
  await prisma().printer.deleteMany({ where: { id, eventId } });
}

/** Person names for a page of print jobs. */
export async function jobNames(registrationIds: string[]): Promise<Record<string, string>> {
  if (!registrationIds.length) return {};
  const rows = await prisma().registration.findMany({
    where: { id: { in: registrationIds } },
    select: { id: true, person: { select: { lastName: true, firstName: true } } },
  });
  return Object.fromEntries(rows.map((r) => [r.id, `${r.person.lastName} ${r.person.firstName}`.trim()]));
}
