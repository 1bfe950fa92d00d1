import { mkdirSync } from "node:fs";
import { makeStaffXlsx } from "../tests/import/fixtures";
import type { ImportJobsPayload } from "../app/services/outbox.server";
import { copyBaselineMs } from "./copy-baseline";
import type { BenchResult } from "./types";

// import-20k: a 20,000-row XLSX through the real import (parse, map, duplicate check against
// the event, insert, the fan-out jobs) next to a plain COPY of the same rows into a bare table.
// import-20k-jobs: what the worker does after it, turning the fan-out jobs into the 60,000
// invitation and CRM jobs (docs/decisions/0023-import-job-fan-out.md), against the same COPY.

export async function run(ctx: { databaseUrl: string; dataDir: string }): Promise<BenchResult[]> {
  process.env.DATABASE_URL = ctx.databaseUrl;
  process.env.DATA_DIR = ctx.dataDir;
  mkdirSync(ctx.dataDir, { recursive: true });
  const { prisma } = await import("../app/utils/db.server");
  const { storeUpload, commitImport } = await import("../app/services/exhibitors/staff-import.server");
  const db = prisma();
  const event = await db.event.create({ data: { name: "Bench", venue: "Hall", timezone: "Europe/Moscow", startsAt: new Date(Date.now() + 864e5 * 30), endsAt: new Date(Date.now() + 864e5 * 32) } });
  const org = await db.organization.create({ data: { name: "Bench LLC" } });
  const ex = await db.exhibitor.create({ data: { eventId: event.id, organizationId: org.id, stand: "X", staffQuota: 20000 } });
  const actor = { type: "user" as const, id: "00000000-0000-4000-8000-000000000000", role: "manager" as const, exhibitorId: null };

  const rows: string[][] = [];
  for (let i = 0; i < 20000; i++) rows.push([`Фамилия${i}`, "Имя", "Отчество", "Менеджер", `person${i}@bench.example`, `+7916${String(i).padStart(7, "0")}`]);
  const xlsx = await makeStaffXlsx(rows);

  const t0 = performance.now();
  const id = await storeUpload(actor, ex.id, xlsx, "staff.xlsx");
  const result = await commitImport(actor, ex.id, id, undefined, {});
  const importMs = performance.now() - t0;
  if (result.created !== 20000) throw new Error(`import created ${result.created} rows, expected 20000`);

  const { pool } = await import("../app/utils/db.server");
  const { runImportJobs } = await import("../app/services/outbox.server");
  const fanout = await pool().query<{ payload: ImportJobsPayload }>(
    `SELECT payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'staff-import-jobs'`,
  );
  const j0 = performance.now();
  for (const { payload } of fanout.rows) await runImportJobs(payload);
  const jobsMs = performance.now() - j0;
  const added = await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`);
  if (added.rows[0].n !== 60000 + fanout.rows.length) throw new Error(`the fan-out added ${added.rows[0].n - fanout.rows.length} jobs, expected 60000`);

  // Baseline: COPY of the same rows (as CSV) into a bare table, server-side.
  const copyMs = await copyBaselineMs(
    ctx,
    { name: "bench_copy", columns: ["last_name", "first_name", "middle_name", "position", "email", "phone"] },
    rows.map((r) => r.join(",")).join("\n"),
    20000,
  );

  const baseline = { what: "plain COPY of the same 20,000 rows into a bare table", value: Math.round(copyMs * 10) / 10, unit: "ms" };
  return [
    { name: "import-20k", value: Math.round(importMs), unit: "ms", baseline, ratio: Math.round((importMs / copyMs) * 10) / 10 },
    { name: "import-20k-jobs", value: Math.round(jobsMs), unit: "ms", baseline, ratio: Math.round((jobsMs / copyMs) * 10) / 10 },
  ];
}
