// One entry point for the print queue: pick the job format the driver wants and send it.
import type { BadgeTemplate } from "../template";
import { browserPrintInstructions, type BrowserPrintInstructions } from "./browser";
import { PrinterError } from "./errors";
import { ippHealth, printPdfIpp, type IppPrintOptions } from "./ipp";
import { parseHostPort, sendRaw, zebraStatus, zebraStatusError, type RawTcpOptions } from "./raw-tcp";

export type PrinterDriver = "ipp" | "raw-tcp" | "browser";

export interface PrinterTarget {
  driver: PrinterDriver;
  /** ipp: printer URL (http://host:631/printers/NAME or ipp://...); raw-tcp: host:port; browser: unused. */
  address: string;
}

export interface PrintJobData {
  pdf?: Buffer;
  zpl?: string;
  name?: string;
  /** Only for the browser driver's @page size. */
  template?: Pick<BadgeTemplate, "widthMm" | "heightMm" | "sheet">;
}

export type PrintResult =
  | { driver: "ipp"; delivered: true; jobId: number; elapsedMs: number }
  | { driver: "raw-tcp"; delivered: true; format: "zpl" | "pdf"; bytes: number; elapsedMs: number }
  | BrowserPrintInstructions;

export interface SendOptions {
  ipp?: IppPrintOptions;
  rawTcp?: RawTcpOptions & {
    /** Ask the Zebra for ~HS first and fail fast (out of paper, head open...). Costs a round trip. */
    checkStatus?: boolean;
  };
}

/**
 * ipp gets the PDF (CUPS rasterises it, so any font/script prints); raw-tcp gets the ZPL if
 * there is one, else the PDF bytes; browser sends nothing and returns how the kiosk prints.
 * Failures are PrinterError with a kind and a retryable hint.
 */
export async function sendToPrinter(printer: PrinterTarget, job: PrintJobData, opts: SendOptions = {}): Promise<PrintResult> {
  switch (printer.driver) {
    case "ipp": {
      if (!job.pdf) throw new PrinterError("rejected", "an IPP printer needs the badge as PDF");
      const r = await printPdfIpp(printer.address, job.pdf, { jobName: job.name, ...opts.ipp });
      return { driver: "ipp", delivered: true, jobId: r.jobId, elapsedMs: r.elapsedMs };
    }
    case "raw-tcp": {
      const format = job.zpl !== undefined ? "zpl" : job.pdf ? "pdf" : null;
      if (!format) throw new PrinterError("rejected", "a raw-tcp printer needs ZPL (or PDF)");
      if (opts.rawTcp?.checkStatus) {
        const { host, port } = parseHostPort(printer.address);
        const err = zebraStatusError(await zebraStatus(host, port));
        if (err) throw err;
      }
      const data = format === "zpl" ? Buffer.from(job.zpl as string, "utf8") : (job.pdf as Buffer);
      const r = await sendRaw(printer.address, data, opts.rawTcp);
      return { driver: "raw-tcp", delivered: true, format, bytes: r.bytes, elapsedMs: r.elapsedMs };
    }
    case "browser":
      return browserPrintInstructions(job.template);
    default:
      throw new PrinterError("rejected", `unknown printer driver "${String((printer as { driver: unknown }).driver)}"`);
  }
}

export interface PrinterHealth {
  ok: boolean;
  state: string;
  reasons: string[];
  message?: string;
}

/** Health for the kiosk/manager pages: IPP Get-Printer-Attributes or Zebra ~HS. Never throws. */
export async function printerHealth(printer: PrinterTarget, opts: { timeoutMs?: number } = {}): Promise<PrinterHealth> {
  switch (printer.driver) {
    case "ipp": {
      const h = await ippHealth(printer.address, opts);
      return {
        ok: h.ok,
        state: h.acceptingJobs || h.state === "unreachable" ? h.state : `${h.state}, not accepting jobs`,
        reasons: h.reasons,
        message: h.message,
      };
    }
    case "raw-tcp": {
      let target: { host: string; port: number };
      try {
        target = parseHostPort(printer.address);
      } catch (e) {
        return { ok: false, state: "error", reasons: [], message: (e as Error).message };
      }
      const s = await zebraStatus(target.host, target.port, opts);
      return { ok: s.ok, state: s.ok ? "ready" : s.problems[0], reasons: s.problems, message: s.message };
    }
    default:
      return { ok: true, state: "browser", reasons: [], message: "printed by the kiosk's browser" };
  }
}

export { PrinterError, isPrinterError, classifyReasons, type PrinterErrorKind } from "./errors";
export { printPdfIpp, ippHealth, ippMediaFor, type IppHealth, type IppPrintOptions, type IppPrintResult } from "./ipp";
export {
  sendRaw,
  zebraStatus,
  zebraStatusError,
  parseZebraHostStatus,
  parseHostPort,
  type ZebraStatus,
  type ZebraProblem,
  type RawTcpOptions,
  type RawTcpResult,
} from "./raw-tcp";
export { browserPrintInstructions, type BrowserPrintInstructions } from "./browser";
