import type { LocalRegistration, QueuedScan } from "./store";

// The kiosk's calls to /api/v1/kiosk with its bearer token. Every call has a short timeout:
// at the door a hanging request is worse than going offline.

export type CheckInAnswer = {
  clientId: string;
  result: "checked_in" | "already_checked_in" | "invalid_code" | "not_found" | "cancelled" | "not_admitted";
  reason: string | null;
  registration: { id: string; name: string; company: string | null; category: string; status: string } | null;
  checkedInAt: string | null;
  kiosk: { id: string | null; name: string } | null;
};

export type SyncPage = {
  registrations: LocalRegistration[];
  removed: string[];
  cursor: string;
  hasMore: boolean;
  reset: boolean;
  publicKeys: string[];
  kiosk: { id: string; name: string; categories: string[] };
  event: { id: string; name: string; timezone: string };
};

export class OfflineError extends Error {}

export function createApi(token: string, timeoutMs = 3000) {
  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, { ...init, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      throw new OfflineError("unreachable");
    }
    if (res.status >= 500) throw new OfflineError(`HTTP ${res.status}`);
    const body = await res.json().catch(() => null);
    if (!res.ok) throw Object.assign(new Error(body?.error?.message ?? `HTTP ${res.status}`), { status: res.status, code: body?.error?.code });
    return body as T;
  }
  return {
    sync: (since: string | null) => call<SyncPage>(`/api/v1/kiosk/registrations${since ? `?since=${encodeURIComponent(since)}` : ""}`),
    checkIn: (scan: QueuedScan) => call<CheckInAnswer>("/api/v1/kiosk/checkins", { method: "POST", body: JSON.stringify(scan) }),
    batch: (items: QueuedScan[]) => call<unknown>("/api/v1/kiosk/checkins/batch", { method: "POST", body: JSON.stringify({ items }) }),
  };
}
