import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

/** A new database on the test cluster (a copy of `template` if given); returns its URL. */
async function createDatabase(name: string, template?: string): Promise<string> {
  const admin = inject("pgAdminUrl");
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
  } finally {
    await client.end();
  }
  return admin.replace(/\/[^/]*$/, `/${name}`);
}

/** A fresh, migrated database for one test file. */
export const createTestDatabase = (): Promise<string> => createDatabase(`t_${randomBytes(6).toString("hex")}`, inject("pgTemplate"));

/** An empty database (no migrations yet), named `<prefix>_<time>`, for the migration tests. */
export const createEmptyDatabase = (prefix: string): Promise<string> => createDatabase(`${prefix}_${Date.now()}`);

/** One query on a short-lived connection: tests read what the server wrote. */
export async function queryDb<T extends pg.QueryResultRow>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}
