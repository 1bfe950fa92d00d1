import { writeFileSync } from "node:fs";
import { createApiToken } from "~/utils/api-tokens.server";
import { prisma } from "~/utils/db.server";
import { parseHostPort } from "../../../printing/drivers/raw-tcp";
import { pdfToPng } from "../../../printing/preview";
import { getTemplate, TEMPLATES, CATEGORIES, type BadgeTemplate } from "../../../printing/template";
import { combineTemplates, eventTemplateFor, printerStockTemplate } from "./templates.server";
import { badgeDataFor, loadBadgeSource, renderBadge } from "./badge.server";
import { loadPrinter, PRINTER_DRIVERS } from "./printers.server";
import { printTestBadge } from "./worker.server";

// The admin CLI's printing and kiosk commands (app/server/admin.ts parses the flags).
// A CliInputError is a wrong call (exit code 2); anything else is a failure (exit code 1).

export class CliInputError extends Error {}

/** A command's flags as the parser hands them over: any may be missing. */
type Flags<K extends string> = Partial<Record<K, string>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireId(flag: string, v: string | undefined): string {
  if (!v) throw new CliInputError(`${flag} ID is required`);
  if (!UUID.test(v)) throw new CliInputError(`${flag} must be an id (UUID)`);
  return v;
}

/** render-badge: writes one badge to a file; returns a line for stderr. */
export async function renderBadgeCommand(opts: Flags<"registration" | "format" | "out" | "template">): Promise<string> {
  const id = requireId("--registration", opts.registration);
  const format = opts.format ?? "pdf";
  if (!["pdf", "zpl", "png"].includes(format)) throw new CliInputError("--format must be pdf, zpl or png");
  if (!opts.out) throw new CliInputError("--out FILE is required");
  if (opts.template && !TEMPLATES[opts.template]) throw new CliInputError(`--template must be one of ${Object.keys(TEMPLATES).join(", ")}`);
  const src = await loadBadgeSource(id);
  if (!src) throw new CliInputError(`No registration ${id}`);
  // An explicit --template wins; otherwise the event's template for the category, as printing does.
  const template: BadgeTemplate = opts.template
    ? getTemplate(opts.template)
    : combineTemplates(
        null,
        await eventTemplateFor(src.eventId, src.category),
        getTemplate(format === "zpl" ? "zebra-4x3" : "brother-62x100"),
      );
  const data = await badgeDataFor(src);
  const out = await renderBadge(data, template, format === "zpl" ? "zpl" : "pdf");
  const bytes = format === "zpl" ? Buffer.from(out.zpl!, "utf8") : format === "png" ? await pdfToPng(out.pdf!, { dpi: 300 }) : out.pdf!;
  writeFileSync(opts.out, bytes);
  return `Wrote ${format.toUpperCase()} badge of ${data.fullName} (${template.id}, ${bytes.length} bytes) to ${opts.out}`;
}

/** print-test: health, then a sample badge straight to the printer; throws if it does not print. */
export async function printTestCommand(opts: Flags<"printer">): Promise<string[]> {
  const id = requireId("--printer", opts.printer);
  const printer = await loadPrinter(id);
  if (!printer) throw new CliInputError(`No printer ${id}`);
  const { health, result } = await printTestBadge(printer);
  const lines = [
    `Printer ${printer.name} (${printer.driver} ${printer.address}): ${health.ok ? "ok" : "NOT ok"}, ${health.state}${health.message ? ` (${health.message})` : ""}`,
  ];
  lines.push(`Test badge: ${JSON.stringify(result)}`);
  return lines;
}

/** create-printer: returns the new printer's id. */
export async function createPrinterCommand(opts: Flags<"event" | "name" | "driver" | "address" | "template">): Promise<string> {
  const eventId = requireId("--event", opts.event);
  if (!opts.name?.trim()) throw new CliInputError("--name N is required");
  const driver = PRINTER_DRIVERS[opts.driver ?? ""];
  if (!driver) throw new CliInputError("--driver must be ipp, raw-tcp or browser");
  const address = opts.address?.trim() ?? (driver === "browser" ? "browser" : "");
  if (driver === "ipp" && !/^(https?|ipps?):\/\/[^/\s]+\/\S*$/i.test(address))
    throw new CliInputError("--address must be an IPP URL, e.g. http://127.0.0.1:631/printers/BADGE");
  if (driver === "raw_tcp") {
    try {
      parseHostPort(address);
    } catch {
      throw new CliInputError("--address must be host:port, e.g. 192.168.1.50:9100");
    }
  }
  if (opts.template && !TEMPLATES[opts.template]) throw new CliInputError(`--template must be one of ${Object.keys(TEMPLATES).join(", ")}`);
  if (!(await prisma().event.findUnique({ where: { id: eventId } }))) throw new CliInputError(`No event ${eventId}`);
  let templateId: string | null = null;
  if (opts.template) {
    templateId = await printerStockTemplate(opts.template);
  }
  const p = await prisma().printer.create({ data: { eventId, name: opts.name.trim(), driver, address, templateId } });
  return p.id;
}

/** create-kiosk: returns the kiosk id and its token (shown once). */
export async function createKioskCommand(
  opts: Flags<"event" | "name" | "printer" | "categories" | "location">,
): Promise<{ id: string; token: string }> {
  const eventId = requireId("--event", opts.event);
  if (!opts.name?.trim()) throw new CliInputError("--name N is required");
  const printerId = opts.printer === undefined ? null : requireId("--printer", opts.printer);
  const categories = (opts.categories ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);
  const bad = categories.filter((c) => !(CATEGORIES as readonly string[]).includes(c));
  if (bad.length) throw new CliInputError(`--categories: unknown ${bad.join(", ")} (known: ${CATEGORIES.join(", ")})`);
  if (!(await prisma().event.findUnique({ where: { id: eventId } }))) throw new CliInputError(`No event ${eventId}`);
  if (printerId) {
    const p = await prisma().printer.findUnique({ where: { id: printerId } });
    if (!p || (p.eventId !== null && p.eventId !== eventId)) throw new CliInputError(`No printer ${printerId} for this event`);
  }
  const kiosk = await prisma().kiosk.create({
    data: {
      eventId,
      name: opts.name.trim(),
      location: opts.location?.trim() || null,
      defaultPrinterId: printerId,
      categories: categories as (typeof CATEGORIES)[number][],
    },
  });
  const { token } = await createApiToken({ role: "kiosk", name: `kiosk ${kiosk.name}`, eventId, kioskId: kiosk.id });
  return { id: kiosk.id, token };
}
