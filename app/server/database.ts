import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { env } from "../utils/env.server";
import { ensureDatabase, startEmbeddedPostgres } from "./embedded-postgres";

export type Database = { url: string; embedded: boolean; stop: () => Promise<void> };

const DB_NAME = "expodesk";

/** The live embedded cluster's port, if another process of ours (npm start) is running it. */
function runningEmbeddedPort(dir: string): number | null {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const [pid, , , port] = readFileSync(pidFile, "utf8").split("\n");
  try {
    process.kill(Number(pid), 0);
    return Number(port);
  } catch {
    return null;
  }
}

/** DATABASE_URL if set; otherwise the embedded PostgreSQL under DATA_DIR/pg (started or reused). */
export async function openDatabase(log: (msg: string) => void): Promise<Database> {
  const e = env();
  if (e.DATABASE_URL) {
    await waitForDatabase(e.DATABASE_URL, e.DB_WAIT_SECONDS, log);
    return { url: e.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const dir = path.resolve(e.DATA_DIR, "pg");
  const reused = runningEmbeddedPort(dir);
  if (reused) {
    const url = `postgresql://postgres:postgres@127.0.0.1:${reused}/${DB_NAME}`;
    await waitForDatabase(url, e.DB_WAIT_SECONDS, log);
    return { url, embedded: true, stop: async () => {} };
  }
  log(`Starting the embedded PostgreSQL in ${dir}`);
  const server = await startEmbeddedPostgres({ dir, port: e.PGPORT_EMBEDDED, quiet: true });
  await ensureDatabase(server.url("postgres"), DB_NAME);
  return { url: server.url(DB_NAME), embedded: true, stop: server.stop };
}

/** Retries with backoff for up to `seconds`, then fails with a clear message. */
export async function waitForDatabase(url: string, seconds: number, log: (msg: string) => void): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      const reason = (err as Error).message || String((err as { code?: string }).code);
      if (Date.now() + delay > deadline) {
        throw new Error(`Cannot reach the database at ${redact(url)}: ${reason} (gave up after ${seconds} s)`);
      }
      if (attempt === 1) log(`Waiting for the database at ${redact(url)}: ${reason}`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 4000);
    }
  }
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
