import { localDay } from "~/utils/event-days";
import { singleton } from "~/utils/singleton.server";
import { undoRussianLayout } from "~/shared/ticket-code";
import { eventPublicKeys } from "../codes.server";
import { verifyTicketCode, type TicketVerifyResult } from "../ticket-codes.server";

// What a scan means: its code checked against the event's keys (cached; a miss refetches once,
// so a new key works at once), and the venue day it falls on.

const KEYS_CACHE_MS = 30_000;

const keysCache = () => singleton("checkin:keys", () => new Map<string, { at: number; keys: string[] }>());

export async function keysFor(eventId: string, fresh = false): Promise<string[]> {
  const cache = keysCache();
  const hit = cache.get(eventId);
  if (!fresh && hit && Date.now() - hit.at < KEYS_CACHE_MS) return hit.keys;
  const keys = await eventPublicKeys(eventId);
  cache.set(eventId, { at: Date.now(), keys });
  return keys;
}

export async function verifyScannedCode(code: string, eventId: string): Promise<TicketVerifyResult> {
  const attempt = async (fresh: boolean) => {
    const keys = await keysFor(eventId, fresh);
    let r = verifyTicketCode(code, keys);
    // A keyboard-wedge scanner typing through the Russian layout turns letters into Cyrillic.
    if (!r.ok && /[А-Яа-яЁё]/.test(code)) r = verifyTicketCode(undoRussianLayout(code), keys);
    return r;
  };
  const first = await attempt(false);
  if (first.ok || first.reason === "malformed") return first;
  return attempt(true);
}

/** The calendar day at the venue (YYYY-MM-DD) of an instant: one check-in per person per day. */
export const eventDayOf = (at: Date, timeZone: string): string => localDay(at, timeZone);
