import type { MessageKey } from "~/i18n";

// What the printers page's loader hands its components (as JSON: dates are strings).

export type Driver = "ipp" | "raw_tcp" | "browser";

export interface PrinterLine {
  printer: { id: string; name: string; driver: Driver; address: string };
  health: { ok: boolean; state: string; reasons: string[]; message?: string };
  queue: { queued: number; printing: number; failedLastHour: number };
  lastError: string | null;
  stock: string | null;
}

export interface JobLine {
  id: string;
  name: string;
  printerId: string | null;
  printer: { name: string } | null;
  status: "queued" | "printing" | "sent" | "done" | "failed";
  attempts: number;
  error: string | null;
  source: string;
  reason: string | null;
  createdAt: string;
}

export type Stock = { id: string; name: string };
/** Field errors of the last answer, for the form that sent it. */
export type ErrorsFor = (target: string, intent?: string) => Record<string, string>;

export const DRIVER_KEY = {
  raw_tcp: "printers.driver.raw",
  ipp: "printers.driver.ipp",
  browser: "printers.driver.browser",
} as const satisfies Record<Driver, MessageKey>;
