import { expect, test } from "vitest";
import pg from "pg";
import { createTestDatabase } from "../setup/db";
test("db", async () => {
  const url = await createTestDatabase();
  const c = new pg.Client({ connectionString: url }); await c.connect();
  const r = await c.query("select version()"); await c.end();
  expect(r.rows[0].version).toMatch(/PostgreSQL/);
});
