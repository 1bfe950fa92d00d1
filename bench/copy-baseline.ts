import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

// The import benches' baseline (bench/import.ts, bench/contact-import.ts): the same rows as CSV,
// loaded with a server-side COPY into a bare table. Returns how long the COPY took, in ms.
export async function copyBaselineMs(
  ctx: { databaseUrl: string; dataDir: string },
  table: { name: string; columns: string[] },
  csvText: string,
  expectedRows: number,
): Promise<number> {
  const dir = mkdtempSync(path.join(ctx.dataDir, "copy-"));
  chmodSync(dir, 0o755);
  const csv = path.join(dir, "rows.csv");
  writeFileSync(csv, csvText);
  chmodSync(csv, 0o644);
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  await client.query(`CREATE TABLE ${table.name} (${table.columns.map((c) => `${c} text`).join(", ")})`);
  const c0 = performance.now();
  await client.query(`COPY ${table.name} FROM '${csv}' WITH (FORMAT csv)`);
  const copyMs = performance.now() - c0;
  const n = await client.query(`SELECT count(*)::int AS n FROM ${table.name}`);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
  if (n.rows[0].n !== expectedRows) throw new Error(`COPY did not load ${expectedRows} rows`);
  return copyMs;
}
