import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "~/generated/prisma/client";
import { databaseUrl } from "./env.server";
import { singleton } from "./singleton.server";

function requiredDatabaseUrl(): string {
  const url = databaseUrl();
  if (!url) throw new Error("DATABASE_URL is not set (the start script sets it for the embedded PostgreSQL)");
  return url;
}

/** One pg pool per process, shared by Prisma, Lucia and raw queries. */
export const pool = (): pg.Pool =>
  singleton("pool", () => {
    const p = new pg.Pool({ connectionString: requiredDatabaseUrl(), max: 20 });
    // An idle connection dropped by the server (restart, shutdown) must not crash the process.
    p.on("error", (err) => process.stderr.write(`database connection lost: ${err.message}\n`));
    p.on("connect", (client) => {
      openClients().add(client);
      client.once("end", () => openClients().delete(client));
    });
    return p;
  });

export const prisma = (): PrismaClient => singleton("prisma", () => new PrismaClient({ adapter: new PrismaPg(pool()) }));

/**
 * Loads Prisma's query compiler and runs one model query now: the first query of a process
 * otherwise waits ~0.5 s for them (measured: $connect 0.32 s, the first findUnique 0.15 s more),
 * and a freshly started worker's first jobs all wait behind it (docs/performance.md, CRM sync).
 */
export async function warmPrisma(): Promise<void> {
  await prisma().$connect();
  await prisma().crmSettings.findUnique({ where: { id: 1 }, select: { id: true } });
}

// pg-pool's end() resolves once it has asked each client to end, not when the sockets are
// closed: stopping PostgreSQL right after would cut them (noisy "connection lost" at Ctrl-C).
// The set is a singleton too: the Remix build's copy of this module may be the one that made the pool.
const openClients = (): Set<pg.PoolClient> => singleton("openClients", () => new Set<pg.PoolClient>());

export async function closeDb(): Promise<void> {
  const g = globalThis as unknown as { __expodesk?: Map<string, unknown> };
  const client = g.__expodesk?.get("prisma") as PrismaClient | undefined;
  const p = g.__expodesk?.get("pool") as pg.Pool | undefined;
  g.__expodesk?.delete("prisma");
  g.__expodesk?.delete("pool");
  await client?.$disconnect();
  await p?.end();
  const closing = [...openClients()].map((c) => new Promise((resolve) => c.once("end", resolve)));
  await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
}

/** Runs `fn` on one pooled connection inside BEGIN/COMMIT; any throw rolls back. */
export async function inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
