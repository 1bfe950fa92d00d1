// The crm-sync jobs a sweep takes over from graphile-worker: taking due ones out of the way,
// putting them back later, completing them. Public graphile-worker functions, plus one
// revision-checked delete.
import { inTransaction, pool } from "~/utils/db.server";
import { refFromJobKey, type RecordRef } from "./sync-mapping.server";

/** How far ahead taken jobs are moved: a sweep that crashes gives them back after that. */
const TAKE_AHEAD_SECONDS = 900;

export type TakenJob = { jobId: string; revision: number; ref: RecordRef };

export async function takeDueJobs(limit: number, exclude: string): Promise<TakenJob[]> {
  if (limit <= 0) return [];
  const r = await inTransaction(async (client) => {
    // One take at a time, so concurrent sweeps do not grab the same jobs.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('expodesk:crm-sync:take'))`);
    return client.query<{ id: string; key: string; revision: number }>(
      `SELECT id::text, key, revision FROM graphile_worker.reschedule_jobs(ARRAY(
         SELECT id FROM graphile_worker.jobs
         WHERE task_identifier = 'crm-sync' AND locked_at IS NULL AND run_at <= now() AND attempts < max_attempts
           AND key LIKE 'crm:%' AND key <> $2
         ORDER BY priority, run_at, id LIMIT $1), run_at => now() + make_interval(secs => $3))`,
      [limit, exclude, TAKE_AHEAD_SECONDS],
    );
  });
  return r.rows.flatMap((row) => {
    const ref = refFromJobKey(row.key);
    return ref ? [{ jobId: row.id, revision: Number(row.revision), ref }] : [];
  });
}

export async function rescheduleJobs(jobs: TakenJob[], delayMs: number): Promise<void> {
  if (!jobs.length) return;
  await pool().query(`SELECT count(*) FROM graphile_worker.reschedule_jobs($1::bigint[], run_at => now() + make_interval(secs => $2))`, [
    jobs.map((j) => j.jobId),
    delayMs / 1000,
  ]);
}

/**
 * Completes swept jobs whose record is done. Only a job still at the revision we took is
 * deleted: one replaced by a newer change since (add_job bumps the revision) stays and runs.
 * graphile-worker 0.16 has no public "complete if unchanged", hence its private table here.
 */
export async function completeJobs(jobs: TakenJob[]): Promise<void> {
  if (!jobs.length) return;
  await pool().query(
    `DELETE FROM graphile_worker._private_jobs j USING unnest($1::bigint[], $2::int[]) AS t(id, rev)
     WHERE j.id = t.id AND j.revision = t.rev AND j.locked_at IS NULL`,
    [jobs.map((j) => j.jobId), jobs.map((j) => j.revision)],
  );
}

export function backoffMs(attempts: number): number {
  const base = Math.min(600_000, 5_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
