import { pool } from "~/utils/db.server";
import type { SqlTarget } from "~/utils/jobs.server";
import { logger } from "~/utils/logger.server";
import { singleton } from "~/utils/singleton.server";
import { crmSyncJobSpecSql } from "../outbox.server";

// A check-in tells the CRM through a marker row in "CheckInOutbox", committed with the check-in
// (decision 0016): graphile_worker.add_jobs costs ~3 ms inside PostgreSQL per call and capped
// check-ins near 300/s. The drainer moves markers into crm-sync jobs in batches: one statement
// deletes them and adds their jobs, so a marker becomes exactly one job, or stays (crash,
// restart) for the next drain. SKIP LOCKED lets several workers drain side by side.

const BATCH = 1000;
/** Markers of other processes (a web instance without the worker) and leftovers of a restart. */
const POLL_MS = 1000;
/**
 * After a local check-in: long enough to gather the door's burst into one batch. Every drain
 * wakes the job worker, and each crm-sync job it runs costs several statements: at 10 ms a
 * flat-out door made ~30 drains and ~30 jobs a second (docs/performance.md).
 */
const WAKE_MS = 250;

const DRAIN_SQL = `WITH m AS (
    DELETE FROM "CheckInOutbox"
    WHERE "id" IN (SELECT "id" FROM "CheckInOutbox" ORDER BY "id" LIMIT $1 FOR UPDATE SKIP LOCKED)
    RETURNING "registrationId"
  ), r AS (
    -- add_jobs refuses one job key twice in a call: a person checked in on two days is one job.
    SELECT DISTINCT "registrationId"::text AS "id" FROM m
  ), jobs AS (
    SELECT graphile_worker.add_jobs(ARRAY(SELECT ${crmSyncJobSpecSql("'registration'", 'r."id"')} FROM r)) AS j
    FROM (SELECT 1 FROM m LIMIT 1) x
  )
  SELECT (SELECT count(*) FROM m)::int AS "moved", (SELECT count(*) FROM jobs)::int AS "jobs"`;

/** Moves up to `limit` markers into crm-sync jobs; returns how many markers it took. */
export async function drainCheckInOutbox(db: SqlTarget = pool(), limit = BATCH): Promise<number> {
  const r = (await db.query(DRAIN_SQL, [limit])) as { rows: Array<{ moved: number }> };
  return r.rows[0].moved;
}

interface DrainerState {
  /** Set while a drainer runs in this process (the server entry and the Remix bundle share it). */
  wake: (() => void) | null;
}

const state = () => singleton("checkin:outbox-drainer", (): DrainerState => ({ wake: null }));

/** A check-in committed a marker: drain soon (a no-op where no drainer runs; the poll finds it). */
export function wakeCheckInOutboxDrainer(): void {
  state().wake?.();
}

/** Drains now, after each local check-in (batched) and every second; runs next to the job worker. */
export function startCheckInOutboxDrainer(): { stop: () => Promise<void> } {
  let timer: NodeJS.Timeout | null = null;
  let dueAt = 0;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer && dueAt <= Date.now() + ms) return;
    if (timer) clearTimeout(timer);
    dueAt = Date.now() + ms;
    timer = setTimeout(() => void run(), ms);
  };
  const run = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        while (!stopped && (await drainCheckInOutbox()) === BATCH);
      } catch (err) {
        if (!stopped) logger().warn({ err }, "check-in outbox: drain failed; retrying");
      }
    })();
    await running;
    running = null;
    if (again) {
      again = false;
      schedule(WAKE_MS);
    } else schedule(POLL_MS);
  };

  state().wake = () => {
    if (running) again = true;
    else schedule(WAKE_MS);
  };
  schedule(0);
  return {
    stop: async () => {
      stopped = true;
      state().wake = null;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
