// Running one bench module by itself (`node --import tsx bench/crm.ts`): its own embedded
// PostgreSQL with the app's and the job queue's migrations, removed afterwards.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import type { BenchResult } from "./types";

const root = path.resolve(import.meta.dirname, "..");

export type BenchContext = { databaseUrl: string; dataDir: string };

export async function withOwnDatabase(name: string, run: (ctx: BenchContext) => Promise<BenchResult[]>): Promise<BenchResult[]> {
  mkdirSync(path.join(root, "tests/.tmp"), { recursive: true });
  const dir = mkdtempSync(path.join(root, `tests/.tmp/bench-${name}-`));
  chmodSync(dir, 0o755);
  const { startEmbeddedPostgres, ensureDatabase } = await import("../app/server/embedded-postgres");
  // BENCH_PG_STATEMENTS=1: load pg_stat_statements (bench/checkin.ts prints what its flat-out phase ran).
  const flags = process.env.BENCH_PG_STATEMENTS ? ["-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=all", "-c", "pg_stat_statements.track_planning=on"] : [];
  const pgServer = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), persistent: false, quiet: true, flags });
  try {
    const { migrate } = await import("../app/utils/migrate.server");
    const { migrateJobs } = await import("../app/utils/jobs.server");
    await ensureDatabase(pgServer.url("postgres"), `bench_${name}`);
    const url = pgServer.url(`bench_${name}`);
    await migrate(url);
    await migrateJobs(url);
    return await run({ databaseUrl: url, dataDir: path.join(dir, "data") });
  } finally {
    await pgServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** When `file` is the script node was started with: run it and print its results as JSON. */
export function runIfMain(file: string, run: () => Promise<BenchResult[]>): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== path.resolve(file)) return;
  run()
    .then((r) => {
      process.stdout.write(JSON.stringify(r, null, 2) + "\n");
      process.exit(0);
    })
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack ?? err}\n`);
      process.exit(1);
    });
}
