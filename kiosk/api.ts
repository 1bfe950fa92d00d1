import { printJobInBrowser } from "./browser-print";
import type { SyncPage } from "~/shared/kiosk-sync";

// The kiosk's calls to /api/v1/kiosk with its bearer token. Every call has a short timeout:
// at the door a hanging request is worse than going offline.

/** A scan as the kiosk sends it (and keeps it queued while offline). */
export type QueuedScan = { clientId: string; code?: string; registrationId?: string; scannedAt: string; print: boolean };

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

export class OfflineError extends Error {}

export function createApi(token: string, timeoutMs = 3000) {
  async function call<T>(path: string, init: RequestInit = {}, ms = timeoutMs): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, { ...init, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(ms) });
    } catch {
      throw new OfflineError("unreachable");
    }
    if (res.status >= 500) throw new OfflineError(`HTTP ${res.status}`);
    const body = await res.json().catch(() => null);
    if (!res.ok)
      throw Object.assign(new Error(body?.error?.message ?? `HTTP ${res.status}`), { status: res.status, code: body?.error?.code, fields: body?.error?.fields });
    return body as T;
  }
  const report = (jobId: string, result: { status: "printed" | "failed"; error?: string }) =>
    call<PrintJob>(`/api/v1/print-jobs/${jobId}/result`, { method: "POST", body: JSON.stringify(result) }, 8000);
  // A badge for a `browser` printer is printed here, once: on a new check-in, walk-in or reprint,
  // and the outcome is reported back (browser-print.ts).
  const printJob = (job: PrintJob | null | undefined) => {
    if (job?.imageUrl && job.printer?.driver === "browser" && job.status === "queued")
      void printJobInBrowser({ id: job.id, imageUrl: job.imageUrl }, token, report).catch((err: unknown) => console.warn("browser printing failed", err));
  };
  const printed = (a: CheckInAnswer) => {
    if (a.result === "checked_in") printJob(a.printJob);
    return a;
  };
  return {
    sync: (since: string | null) => call<SyncPage>(`/api/v1/kiosk/registrations${since ? `?since=${encodeURIComponent(since)}` : ""}`),
    checkIn: async (scan: QueuedScan) => printed(await call<CheckInAnswer>("/api/v1/kiosk/checkins", { method: "POST", body: JSON.stringify(scan) })),
    batch: (items: QueuedScan[]) => call<unknown>("/api/v1/kiosk/checkins/batch", { method: "POST", body: JSON.stringify({ items }) }),
    /** Revokes this device's own token (best effort: offline, the manager can still revoke it). */
    unpair: () => call<unknown>("/api/v1/kiosk/pair", { method: "DELETE" }).catch(() => null),
    exitInfo: () => call<ExitInfo>("/api/v1/kiosk/checkouts"),
    status: (health: boolean) => call<KioskStatusView>(`/api/v1/kiosk/status${health ? "" : "?health=0"}`, {}, health ? 8000 : 3000),
    checkOut: (scan: { clientId: string; scannedAt: string; code?: string; registrationId?: string }) =>
      call<CheckOutAnswer>("/api/v1/kiosk/checkouts", { method: "POST", body: JSON.stringify(scan) }),
    walkIn: async (form: WalkInForm) =>
      printed(await call<CheckInAnswer>("/api/v1/kiosk/walk-ins", { method: "POST", body: JSON.stringify({ ...form, print: true }) }, 10_000)),
    /** The recent jobs of a printer (the kiosk bar's failed badges). */
    printJobs: (printerId: string) => call<{ printJobs: PrintJob[] }>(`/api/v1/print-jobs?printerId=${encodeURIComponent(printerId)}&limit=50`),
    /** A queued or failed job starts over on another printer of the event. */
    move: async (jobId: string, printerId: string) => {
      const job = await call<PrintJob>(`/api/v1/print-jobs/${jobId}/move`, { method: "POST", body: JSON.stringify({ printerId }) }, 10_000);
      printJob(job);
      return job;
    },
    reprint: async (jobId: string, reason: string, printerId?: string | null) => {
      const job = await call<PrintJob>(`/api/v1/print-jobs/${jobId}/reprint`, { method: "POST", body: JSON.stringify({ reason, ...(printerId ? { printerId } : {}) }) }, 10_000);
      printJob(job);
      return job;
    },
  };
}

/** Exchanges a one-time pairing code for the device's kiosk token. */
export async function pairWithCode(code: string): Promise<{ token: string; kiosk: { id: string; name: string } }> {
  let res: Response;
  try {
    res = await fetch("/api/v1/kiosk/pair", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }), signal: AbortSignal.timeout(8000) });
  } catch {
    throw new OfflineError("unreachable");
  }
  const body = await res.json().catch(() => null);
  if (res.status >= 500) throw new OfflineError(`HTTP ${res.status}`);
  if (!res.ok) throw Object.assign(new Error(body?.error?.message ?? `HTTP ${res.status}`), { status: res.status, code: body?.error?.code }) as ApiError;
  return body;
}
