import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { migrate, readMigrations } from "../../app/utils/migrate.server";
import { createEmptyDatabase, createTestDatabase } from "../setup/db";
import { readPrismaSchema } from "./prisma-schema";

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: await createTestDatabase() });
  await client.connect();
});
afterAll(() => client?.end());

const schema = readPrismaSchema();

describe("the migrated database matches prisma/schema.prisma", () => {
  test("same tables", async () => {
    const r = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
    expect(r.rows.map((x) => x.table_name).sort()).toEqual([...schema.tables.keys()].sort());
  });

  test("same columns with the same types and nullability", async () => {
    const r = await client.query(`
      SELECT c.table_name, c.column_name, c.is_nullable = 'YES' AS nullable, c.data_type, c.udt_name,
             format_type(a.atttypid, a.atttypmod) AS pg_type
      FROM information_schema.columns c
      JOIN pg_attribute a ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
      WHERE c.table_schema = 'public' AND c.table_name <> '_prisma_migrations'`);
    const actual = r.rows.map((x) => `${x.table_name}.${x.column_name} ${String(x.pg_type).replace(/"/g, "")} ${x.nullable ? "NULL" : "NOT NULL"}`).sort();
    const expected = [...schema.tables.values()].flat().map((c) => `${c.table}.${c.column} ${c.type}${c.list ? "[]" : ""} ${c.nullable ? "NULL" : "NOT NULL"}`).sort();
    expect(actual).toEqual(expected);
  });

  test("same enums and values", async () => {
    const r = await client.query(`SELECT t.typname::text AS typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`);
    expect(Object.fromEntries(r.rows.map((x) => [x.typname, x.labels]))).toEqual(Object.fromEntries(schema.enums));
  });

  test("every @@unique, @unique and @@index exists", async () => {
    const r = await client.query(`
      SELECT t.relname AS table, i.indisunique AS unique, array_agg(a.attname::text ORDER BY k.ord) AS columns
      FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND NOT i.indisprimary GROUP BY t.relname, i.indexrelid, i.indisunique`);
    const have = new Set(r.rows.map((x) => `${x.table}(${x.columns.join(",")})${x.unique ? " unique" : ""}`));
    const want = [...schema.uniques.map((u) => `${u.table}(${u.columns.join(",")}) unique`), ...schema.indexes.map((u) => `${u.table}(${u.columns.join(",")})`)];
    expect(want.length).toBeGreaterThan(10);
    for (const w of want) expect(have, w).toContain(w);
    expect(have.size).toBe(want.length);
  });

  test("every migration is recorded in Prisma's table with its checksum", async () => {
    const r = await client.query(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(r.rows.map((x) => [x.migration_name, x.checksum])).toEqual(readMigrations().map((m) => [m.name, m.checksum]));
    expect(r.rows.every((x) => x.finished_at)).toBe(true);
  });
});

describe("the migration runner", () => {
  test("two instances migrating an empty database at once apply each migration once", async () => {
    const url = await createEmptyDatabase("empty");
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 0, readMigrations().length]);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const rows = await c.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    await c.end();
    expect(rows.rows[0].n).toBe(readMigrations().length);
  });

  test("a migration changed after it was applied is refused", async () => {
    const url = await createTestDatabase();
    const { mkdtempSync, cpSync, appendFileSync, readdirSync } = await import("node:fs");
    const dir = mkdtempSync("tests/.tmp/migrations-");
    cpSync("prisma/migrations", dir, { recursive: true });
    const first = readdirSync(dir).sort()[0];
    appendFileSync(`${dir}/${first}/migration.sql`, "\n-- edited\n");
    await expect(migrate(url, dir)).rejects.toThrow(/was changed after it was applied/);
  });
});
