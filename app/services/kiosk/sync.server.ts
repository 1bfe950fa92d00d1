import { pool } from "~/utils/db.server";
import { isUuid } from "~/utils/ids";
import type { SyncPage, SyncRegistration } from "~/shared/kiosk-sync";
import { COMPANY_SQL, displayName } from "../print/badge.server";
import type { KioskContext } from "./context.server";
import { keysFor } from "./scan.server";

// Delta sync for the kiosk's offline copy.

interface Cursor {
  /** Keyset position: transaction id and registration id of the last row sent. */
  t: string;
  r: string;
  /** The kiosk's categories when the sync began (a change restarts it). */
  c: string;
  /** 1 while the first full pass is running (no removals to report then). */
  i: 0 | 1;
}

const MAX_UUID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");

export class CursorError extends Error {}

function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Cursor;
    if (
      typeof c.t === "string" &&
      /^-?\d{1,20}$/.test(c.t) &&
      BigInt(c.t) >= -(2n ** 63n) &&
      BigInt(c.t) < 2n ** 63n &&
      typeof c.r === "string" &&
      isUuid(c.r) &&
      typeof c.c === "string" &&
      (c.i === 0 || c.i === 1)
    )
      return c;
  } catch {
    // fall through
  }
  throw new CursorError("since is not a cursor this server gave out");
}

/**
 * What a synced row carries, as a version: a kiosk whose cursor was made for rows of another
 * shape starts over with a full sync (as after a change of its categories). "p": phone digits
 * were added to the rows (issue #12), so kiosks synced before get them for every person.
 */
const ROW_SHAPE = "p";
const categoriesKey = (k: KioskContext) => `${ROW_SHAPE}:${[...k.categories].sort().join(",")}`;

/**
 * The changes since `since` (absent: everything), at most `limit` rows, oldest first. Rows are
 * ordered by the id of the transaction that last changed them and only rows below the oldest
 * running transaction are sent, so a cursor never moves past a change that commits later.
 */
export async function syncRegistrations(kiosk: KioskContext, since: string | null, limit = 1000): Promise<SyncPage> {
  const cats = categoriesKey(kiosk);
  let cur: Cursor = { t: "-1", r: MAX_UUID, c: cats, i: 1 };
  let reset = false;
  if (since && since !== "0") {
    const c = decodeCursor(since);
    if (c.c === cats) cur = c;
    else reset = true;
  }
  const r = await pool().query<{
    id: string | null;
    txid: string | null;
    deleted: boolean | null;
    horizon: string;
    regId: string | null;
    status: string | null;
    category: string | null;
    lastName: string | null;
    firstName: string | null;
    middleName: string | null;
    locale: string | null;
    company: string | null;
    phone: string | null;
  }>(
    `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "xmin")
     SELECT s."registrationId" AS "id", s."txid"::text AS "txid", s."deleted", h."xmin"::text AS "horizon",
            r."id" AS "regId", r."status"::text AS "status", r."category"::text AS "category",
            p."lastName", p."firstName", p."middleName", p."locale", ${COMPANY_SQL} AS "company", p."phone"
     FROM h
     LEFT JOIN LATERAL (
       SELECT * FROM "RegistrationSync" s
       WHERE s."eventId" = $1 AND s."txid" < h."xmin" AND (s."txid", s."registrationId") > ($2::bigint, $3::uuid)
       ORDER BY s."txid", s."registrationId" LIMIT $4
     ) s ON true
     LEFT JOIN "Registration" r ON r."id" = s."registrationId" AND NOT s."deleted"
     LEFT JOIN "Person" p ON p."id" = r."personId"
     LEFT JOIN "Organization" po ON po."id" = p."organizationId"
     LEFT JOIN "Exhibitor" x ON x."id" = r."exhibitorId"
     LEFT JOIN "Organization" xo ON xo."id" = x."organizationId"
     ORDER BY s."txid", s."registrationId"`,
    [kiosk.eventId, cur.t, cur.r, limit],
  );
  const rows = r.rows.filter((x) => x.id !== null);
  const registrations: SyncRegistration[] = [];
  const removed: string[] = [];
  for (const x of rows) {
    const admitted = x.regId !== null && x.category !== null && (kiosk.categories.length === 0 || kiosk.categories.includes(x.category));
    if (admitted) {
      registrations.push({
        id: x.regId!,
        name: displayName({ lastName: x.lastName ?? "", firstName: x.firstName ?? "", middleName: x.middleName, locale: x.locale }),
        company: x.company,
        category: x.category!,
        status: x.status!,
        phone: x.phone ? x.phone.replace(/\D/g, "") || null : null,
      });
    } else if (cur.i === 0) removed.push(x.id!);
  }
  const hasMore = rows.length === limit;
  const last = rows[rows.length - 1];
  // Without more rows, everything below the horizon has been sent: next time start at the
  // horizon itself, i.e. after (horizon - 1, the largest uuid).
  const horizonLast = BigInt(r.rows[0].horizon) - 1n;
  const next: Cursor = hasMore
    ? { t: last.txid!, r: last.id!, c: cats, i: cur.i }
    : horizonLast >= BigInt(cur.t)
      ? { t: horizonLast.toString(), r: MAX_UUID, c: cats, i: 0 }
      : { ...cur, c: cats, i: 0 };
  return {
    registrations,
    removed,
    cursor: encodeCursor(next),
    hasMore,
    reset,
    publicKeys: await keysFor(kiosk.eventId),
    kiosk: { id: kiosk.id, name: kiosk.name, categories: kiosk.categories, printerId: kiosk.printer?.id ?? null },
    event: { id: kiosk.eventId, name: kiosk.eventName, timezone: kiosk.timezone, startsAt: kiosk.startsAt, endsAt: kiosk.endsAt, doorsOpen: kiosk.doorsOpen, doorsClose: kiosk.doorsClose },
    serverTime: new Date().toISOString(),
  };
}
