import { localDay } from "~/utils/event-days";
import { store } from "./store";
import type { CheckInAnswer, CheckOutAnswer, Meta, QueuedScan, ScanRequest, WalkInForm } from "./types";
import { verifyTicketCode } from "~/shared/ticket-code";
import { ALL_CATEGORIES, walkInErrors } from "./walk-in";

// What the kiosk decides alone while the server cannot be reached: against its synced copy of the
// registrations, with ticket signatures verified locally. What it admits is queued in IndexedDB
// and sent when the server answers again (kiosk/hooks/use-sync.ts).

/** The reason on a walk-in answer made by the kiosk itself while offline. */
export const QUEUED_OFFLINE = "queued_offline";
/** The rest of an exit answer the kiosk makes itself while offline. */
const OFFLINE_EXIT = { registration: null, checkedOutAt: null, inside: 0 } as const;

/**
 * Offline look-up: a scanned code verified with the event's public keys (`invalid` when it does
 * not), or a searched id, in the kiosk's copy of the registrations.
 */
async function lookUpLocally(input: ScanRequest) {
  let id = input.registrationId;
  if (input.code) {
    const m = await store.getMeta();
    const v = await verifyTicketCode(input.code, m?.publicKeys ?? []).catch((err) => (console.warn("offline verification failed", err), null));
    if (!v || !v.ok) return { invalid: true as const };
    id = v.registrationId;
  }
  return { invalid: false as const, reg: id ? await store.getRegistration(id) : undefined };
}

/** An offline check-in: the answer, and whether it was queued for the server (which merges: earliest scan wins). */
export async function checkInOffline(scan: QueuedScan): Promise<{ answer: CheckInAnswer; queued: boolean }> {
  const m = await store.getMeta();
  const found = await lookUpLocally(scan);
  const offline = { clientId: scan.clientId, reason: null, checkedInAt: null, kiosk: null };
  if (found.invalid) return { answer: { ...offline, result: "invalid_code", registration: null }, queued: false };
  if (!found.reg) return { answer: { ...offline, result: "not_found", registration: null }, queued: false };
  const reg = found.reg;
  if (reg.status !== "confirmed") return { answer: { ...offline, result: "cancelled", registration: reg }, queued: false };
  const key = `${reg.id}:${localDay(new Date(), m?.timezone ?? "UTC")}`;
  const before = await store.checkedAt(key);
  if (before) return { answer: { ...offline, result: "already_checked_in", registration: reg, checkedInAt: before }, queued: false };
  await store.markChecked(key, scan.scannedAt);
  await store.enqueue(scan);
  return { answer: { ...offline, result: "checked_in", registration: reg, checkedInAt: scan.scannedAt }, queued: true };
}

/** An offline exit: a genuine code is queued; the server decides when it answers. */
export async function checkOutOffline(scan: ScanRequest & { clientId: string; scannedAt: string }): Promise<{ answer: CheckOutAnswer; queued: boolean }> {
  const found = await lookUpLocally(scan);
  if (found.invalid) return { answer: { ...OFFLINE_EXIT, result: "invalid_code", clientId: scan.clientId }, queued: false };
  if (!found.reg) return { answer: { ...OFFLINE_EXIT, result: "not_found", clientId: scan.clientId }, queued: false };
  const reg = found.reg;
  await store.enqueueExit(scan);
  return { answer: { ...OFFLINE_EXIT, result: "checked_out", clientId: scan.clientId, registration: reg }, queued: true };
}

/**
 * An offline walk-in, checked by the kiosk's own rules (a 422 with field messages when they
 * refuse it) and queued; the server registers it (same clientId, at the time it happened) later.
 */
export async function walkInOffline(form: WalkInForm, meta: Meta | null): Promise<CheckInAnswer> {
  const allowed = meta?.categories.length ? meta.categories : ALL_CATEGORIES;
  const fields = walkInErrors(form, allowed);
  if (Object.keys(fields).length) throw Object.assign(new Error("invalid"), { status: 422, fields });
  const scannedAt = new Date().toISOString();
  await store.enqueueWalkIn({ ...form, scannedAt });
  const name = [form.lastName.trim(), form.firstName.trim()].join(" ");
  return {
    clientId: form.clientId,
    result: "checked_in",
    reason: QUEUED_OFFLINE,
    registration: { id: form.clientId, name, company: form.company.trim() || null, category: form.category, status: "confirmed" },
    checkedInAt: scannedAt,
    kiosk: null,
  };
}
