// Where a badge's direct send spends its time (docs/performance.md, "Printing"): the steps of
// processPrintJob timed one by one, in process, on its own embedded PostgreSQL, N badges in a
// row to a loopback raw-TCP listener. `npx tsx bench/print-steps.ts [N]`.
import net from "node:net";
import pg from "pg";
import { runIfMain, withOwnDatabase } from "./standalone";
import type { BenchResult } from "./types";

const N = Number(process.argv[2] ?? 200);

export async function run(ctx?: { databaseUrl: string; dataDir: string }): Promise<BenchResult[]> {
  if (!ctx) return withOwnDatabase("print-steps", run);
  process.env.DATABASE_URL = ctx.databaseUrl;
  process.env.DATA_DIR = ctx.dataDir;
  const db = new pg.Pool({ connectionString: ctx.databaseUrl, max: 2 });
  const got: number[] = [];
  const zebra = net.createServer((s) => {
    s.on("data", () => {});
    s.on("end", () => {
      got.push(performance.now());
      s.end();
    });
  });
  await new Promise<void>((r) => zebra.listen(0, "127.0.0.1", () => r()));
  const address = `127.0.0.1:${(zebra.address() as net.AddressInfo).port}`;
  const ev = await db.query<{ id: string }>(
    `INSERT INTO "Event" ("name", "venue", "timezone", "startsAt", "endsAt") VALUES ('Bench', 'Hall', 'Europe/Moscow', now(), now() + interval '2 days') RETURNING "id"`,
  );
  const eventId = ev.rows[0].id;
  const regs = await db.query<{ id: string }>(
    `WITH p AS (INSERT INTO "Person" ("lastName", "firstName") SELECT 'Фамилия' || i, 'Имя' FROM generate_series(1, $2::int) i RETURNING "id")
     INSERT INTO "Registration" ("eventId", "personId", "category", "status", "codeSecret") SELECT $1, p."id", 'visitor', 'confirmed', md5(random()::text) FROM p RETURNING "id"`,
    [eventId, N + 20],
  );
  const printer = await db.query<{ id: string }>(
    `INSERT INTO "Printer" ("eventId", "name", "driver", "address") VALUES ($1, 'Zebra', 'raw_tcp', $2) RETURNING "id"`,
    [eventId, address],
  );
  const { processPrintJob } = await import("../app/services/print/worker.server");
  const jobs = await db.query<{ id: string }>(
    `INSERT INTO "PrintJob" ("registrationId", "printerId", "format", "source") SELECT r, $1, 'zpl', 'checkin' FROM unnest($2::uuid[]) r RETURNING "id"`,
    [printer.rows[0].id, regs.rows.map((r) => r.id)],
  );
  const total: number[] = [];
  for (const [i, j] of jobs.rows.entries()) {
    const s = performance.now();
    const n = got.length;
    const out = await processPrintJob(j.id, "worker");
    if (out !== "done") throw new Error(`job ${j.id}: ${out}`);
    while (got.length === n) await new Promise((r) => setImmediate(r));
    if (i >= 20) total.push(got[n] - s); // the first ones warm up JIT, fonts and pools
  }
  zebra.close();
  await db.end();
  const { closeDb } = await import("../app/utils/db.server");
  await closeDb();
  const sorted = total.sort((a, b) => a - b);
  const q = (x: number) => sorted[Math.min(sorted.length - 1, Math.ceil(x * sorted.length) - 1)];
  return [
    { name: "print-steps-p50", value: q(0.5), unit: "ms from processPrintJob to the last byte at the listener" },
    { name: "print-steps-p99", value: q(0.99), unit: "ms" },
  ];
}

runIfMain(import.meta.filename, run);
