import { Logger, run, runMigrations, type Runner, type TaskList } from "graphile-worker";
import type pg from "pg";
import { pool } from "./db.server";
import { logger } from "./logger.server";

// Durable jobs in PostgreSQL with graphile-worker (docs/decisions/0003-job-queue.md).
// `enqueue` goes through SQL so that callers can add a job inside their own transaction
// (the outbox pattern): the job exists if and only if the change committed.

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;
/** Where a job is written: a pool, a client inside a transaction, or an adapter (app/services/outbox.server.ts). */
export type SqlTarget = { query(sql: string, params: unknown[]): Promise<unknown> };

export type JobSpec = { queue?: string; jobKey?: string; runAt?: Date; maxAttempts?: number; priority?: number };

export async function enqueue(task: string, payload: unknown, spec: JobSpec = {}, db: SqlTarget = pool()): Promise<void> {
  await db.query(
    `SELECT graphile_worker.add_job($1, $2::json, queue_name => $3, run_at => $4, max_attempts => $5, job_key => $6, priority => $7)`,
    [task, JSON.stringify(payload ?? {}), spec.queue ?? null, spec.runAt ?? null, spec.maxAttempts ?? 25, spec.jobKey ?? null, spec.priority ?? 0],
  );
}

export async function migrateJobs(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: quietLogger });
}

const quietLogger = new Logger(() => (level, message, meta) => {
  if (level === "error" || level === "warning") logger().warn({ meta }, `[jobs] ${message}`);
});

const tasks: TaskList = {};

/** Each feature registers its task handlers at import time. */
export function registerTask(name: string, handler: TaskList[string]): void {
  tasks[name] = handler;
}

export async function startWorker(opts: { concurrency?: number } = {}): Promise<Runner> {
  return run({
    pgPool: pool(),
    concurrency: opts.concurrency ?? 5,
    noHandleSignals: true,
    pollInterval: 2000,
    taskList: tasks,
    logger: quietLogger,
  });
}

export async function queueStatus(db: Queryable = pool()): Promise<{ pending: number; failed: number }> {
  const r = await db.query<{ pending: string; failed: string }>(
    `SELECT count(*) FILTER (WHERE attempts < max_attempts) AS pending,
            count(*) FILTER (WHERE attempts >= max_attempts) AS failed
     FROM graphile_worker.jobs`,
  );
  return { pending: Number(r.rows[0].pending), failed: Number(r.rows[0].failed) };
}

export type BulkJob = { task: string; payload: unknown; queue?: string; jobKey?: string; maxAttempts?: number };

/** Adds many jobs in one statement (graphile_worker.add_jobs), e.g. after a 20,000-row import. */
export async function enqueueMany(jobs: BulkJob[], db: SqlTarget = pool()): Promise<void> {
  for (let i = 0; i < jobs.length; i += 5000) {
    const chunk = jobs.slice(i, i + 5000).map((j) => ({ identifier: j.task, payload: j.payload ?? {}, queue_name: j.queue ?? null, max_attempts: j.maxAttempts ?? 25, job_key: j.jobKey ?? null }));
    await db.query(
      `SELECT graphile_worker.add_jobs(array(
         SELECT ROW(t.identifier, t.payload::json, t.queue_name, NULL::timestamptz, t.max_attempts, t.job_key, 0, NULL::text[])::graphile_worker.job_spec
         FROM jsonb_to_recordset($1::jsonb) AS t(identifier text, payload jsonb, queue_name text, max_attempts int, job_key text)))`,
      [JSON.stringify(chunk)],
    );
  }
}
