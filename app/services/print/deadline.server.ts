import type pg from "pg";
import { pool } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { KIOSK_NO_REPORT } from "../../../printing/reasons";

// A browser printer's job is `sent` once the kiosk fetched the badge, until the kiosk reports it
// printed or failed (issue #12). A kiosk that dies mid-print never reports: the job would stay
// `sent` for ever and nobody would reprint it. Fetching adds a durable graphile-worker job due
// BROWSER_PRINT_REPORT_MS later (browser.server.ts, printJobDocument); it fails what is still sent.

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

/** How long the kiosk has to report a badge its browser printed. */
export const BROWSER_PRINT_REPORT_MS = 120_000;
export const BROWSER_DEADLINE_TASK = "print-browser-deadline";

/**
 * Fails every browser job still `sent` BROWSER_PRINT_REPORT_MS after it was fetched, with the
 * KIOSK_NO_REPORT code (translated where shown); all of them, so one deadline also catches
 * jobs whose own deadline was lost. Returns the ids failed.
 */
export async function failUnreportedBrowserPrints(db: Queryable = pool()): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `UPDATE "PrintJob" SET "status" = 'failed', "finishedAt" = now(), "error" = $1
     WHERE "status" = 'sent' AND "startedAt" <= now() - $2 * interval '1 millisecond' RETURNING "id"`,
    [KIOSK_NO_REPORT, BROWSER_PRINT_REPORT_MS],
  );
  const ids = r.rows.map((x) => x.id);
  if (ids.length) logger().warn({ printJobIds: ids }, "browser print not reported by the kiosk: failed");
  return ids;
}
