import type pg from "pg";
import { pool } from "~/utils/db.server";
import { forbidden, HttpError } from "~/utils/errors.server";
import { isKioskToken, type Actor } from "~/utils/permissions.server";
import { singleton } from "~/utils/singleton.server";
import type { DbPrinterDriver } from "../print/printers.server";

// The kiosk a bearer token is paired with: its event, categories and printer (cached briefly,
// every scan needs it).

export interface KioskContext {
  id: string;
  name: string;
  eventId: string;
  eventName: string;
  timezone: string;
  /** The event's first and last moments: the kiosk warns about scans on other days. */
  startsAt: string;
  endsAt: string;
  /** Venue-local "HH:MM" opening hours of each day, if set. */
  doorsOpen: string | null;
  doorsClose: string | null;
  /** Empty: every category is admitted. */
  categories: string[];
  printer: { id: string; name: string; driver: DbPrinterDriver } | null;
}

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

const KIOSK_CACHE_MS = 2_000;

const kioskCache = () => singleton("checkin:kiosks", () => new Map<string, { at: number; kiosk: KioskContext }>());

export async function loadKiosk(kioskId: string, db: Queryable = pool()): Promise<KioskContext | null> {
  const r = await db.query<{
    id: string;
    name: string;
    eventId: string;
    eventName: string;
    timezone: string;
    startsAt: Date;
    endsAt: Date;
    doorsOpen: string | null;
    doorsClose: string | null;
    categories: string[];
    printerId: string | null;
    printerName: string | null;
    printerDriver: DbPrinterDriver | null;
  }>(
    `SELECT k."id", k."name", k."eventId", e."name" AS "eventName", e."timezone", e."startsAt", e."endsAt", e."doorsOpen", e."doorsClose", COALESCE(k."categories", '{}')::text[] AS "categories",
            pr."id" AS "printerId", pr."name" AS "printerName", pr."driver"::text AS "printerDriver"
     FROM "Kiosk" k JOIN "Event" e ON e."id" = k."eventId" LEFT JOIN "Printer" pr ON pr."id" = k."defaultPrinterId"
     WHERE k."id" = $1`,
    [kioskId],
  );
  const k = r.rows[0];
  if (!k) return null;
  return {
    id: k.id,
    name: k.name,
    eventId: k.eventId,
    eventName: k.eventName,
    timezone: k.timezone,
    startsAt: k.startsAt.toISOString(),
    endsAt: k.endsAt.toISOString(),
    doorsOpen: k.doorsOpen,
    doorsClose: k.doorsClose,
    categories: k.categories,
    printer: k.printerId && k.printerName && k.printerDriver ? { id: k.printerId, name: k.printerName, driver: k.printerDriver } : null,
  };
}

/** The kiosk a kiosk token is paired with (cached for 2 s); 403 for any other caller. */
export async function kioskForActor(actor: Actor | null): Promise<KioskContext> {
  if (!actor || !isKioskToken(actor)) throw forbidden();
  if (!actor.kioskId) throw new HttpError(403, "kiosk_not_paired", "This kiosk token is not paired with a kiosk.");
  const cache = kioskCache();
  const hit = cache.get(actor.kioskId);
  if (hit && Date.now() - hit.at < KIOSK_CACHE_MS) return hit.kiosk;
  const kiosk = await loadKiosk(actor.kioskId);
  if (!kiosk) throw forbidden();
  cache.set(actor.kioskId, { at: Date.now(), kiosk });
  return kiosk;
}
