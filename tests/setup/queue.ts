import { waitFor } from "./wait";

type Sql = { query: (sql: string) => Promise<{ rows: Array<Record<string, unknown>> }> };

/**
 * Waits until the durable queue has nothing due and nothing running: every job enqueued so far
 * (in the same transaction as the write that caused it) has been worked off. Jobs planned for
 * later (reminders, retries after a failure) do not count. The positive signal before checking
 * that a write did NOT send a mail or an SMS.
 */
export async function queueIdle(db: Sql, tasks?: string[], timeoutMs = 20_000): Promise<void> {
  const only = tasks ? `AND task_identifier IN (${tasks.map((t) => `'${t.replace(/'/g, "''")}'`).join(", ")})` : "";
  await waitFor(
    `the job queue to be idle${tasks ? ` (${tasks.join(", ")})` : ""}`,
    async () => {
      const r = await db.query(
        `SELECT count(*)::int AS n FROM graphile_worker.jobs
         WHERE (locked_at IS NOT NULL OR (run_at <= now() AND attempts < max_attempts)) ${only}`,
      );
      return r.rows[0].n === 0;
    },
    { timeoutMs, everyMs: 100 },
  );
}
