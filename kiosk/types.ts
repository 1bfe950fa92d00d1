import type { MessageKey } from "~/i18n";

// The kiosk's shared types: the API's answers (kiosk/api.ts) and what the offline store keeps
// (kiosk/store.ts), in one place so neither module imports the other for its types.

/** The kiosk's translator (useT). */
export type Translate = (k: MessageKey, p?: Record<string, string | number>) => string;

/** What a scan or a search asks the kiosk to check in (or out). */
export type ScanRequest = { code?: string; registrationId?: string };

export type CheckInAnswer = {
  clientId: string;
  result: "checked_in" | "already_checked_in" | "invalid_code" | "not_found" | "cancelled" | "not_admitted";
  reason: string | null;
  registration: { id: string; name: string; company: string | null; category: string; status: string } | null;
  checkedInAt: string | null;
  kiosk: { id: string | null; name: string } | null;
  printJob?: PrintJob | null;
};

export type PrintJob = {
  id: string;
  registrationId: string;
  status: string;
  error?: string | null;
  reprintOfId?: string | null;
  createdAt?: string;
  finishedAt?: string | null;
  printer: { id: string; name: string; driver: string } | null;
  pdfUrl: string | null;
  imageUrl?: string | null;
};

export type WalkInForm = {
  clientId: string;
  lastName: string;
  firstName: string;
  company: string;
  position: string;
  email: string;
  phone: string;
  category: string;
};

/** The printer's live state as the server sees it (IPP Get-Printer-Attributes / Zebra ~HS). */
export type PrinterState = {
  printer: { id: string; name: string; driver: string };
  health: { ok: boolean; state: string; reasons: string[]; message?: string };
  queue: { queued: number; printing: number; failedLastHour: number };
  lastError: string | null;
};

/** Event-wide arrivals today (every kiosk), and the printer when asked for. */
export type KioskStatusView = { arrivedToday: number; expected: number; printer: PrinterState | null; printers?: Array<{ id: string; name: string; driver: string }> };

export type ExitInfo = { mode: "entry" | "exit"; countsExits: boolean; inside: number | null };

export type CheckOutAnswer = {
  clientId: string;
  result: "checked_out" | "already_out" | "not_checked_in" | "invalid_code" | "not_found";
  registration: CheckInAnswer["registration"];
  checkedOutAt: string | null;
  inside: number;
};

/** A refused call: HTTP status, the API's error code and per-field messages. */
export type ApiError = Error & { status?: number; code?: string; fields?: Record<string, string> };

export type { SyncPage } from "~/shared/kiosk-sync";

export type LocalRegistration = { id: string; name: string; company: string | null; category: string; status: string; phone?: string | null };
export type QueuedScan = { clientId: string; code?: string; registrationId?: string; scannedAt: string; print: boolean };
/** A walk-in registered while the server could not be reached; sent when it answers again. */
export type QueuedWalkIn = WalkInForm & { scannedAt: string };
/** An exit scan made while the server could not be reached. */
export type QueuedExit = { clientId: string; code?: string; registrationId?: string; scannedAt: string };
export type Meta = {
  cursor: string | null;
  publicKeys: string[];
  kioskName: string;
  eventName: string;
  timezone: string;
  /** The event's first and last moments (ISO): the kiosk warns about check-ins on other days. */
  startsAt?: string | null;
  endsAt?: string | null;
  /** Venue-local "HH:MM": a check-in outside these hours on an event day needs a tap too. */
  doorsOpen?: string | null;
  doorsClose?: string | null;
  categories: string[];
  printerId?: string | null;
};
