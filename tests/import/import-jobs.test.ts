// The import's jobs (docs/decisions/0023-import-job-fan-out.md): the commit adds one fan-out job
// per 2,000 rows in its own transaction; the worker turns each into the invitation and CRM jobs
// the import used to add itself, with the same formats as app/services/outbox.server.ts writes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { commitImport, storeUpload } from "../../app/services/exhibitors/staff-import.server";
import { crmJobKey, importJobsFanout, registerOutboxTasks, type ImportJobsPayload } from "../../app/services/outbox.server";
import { closeDb, prisma } from "../../app/utils/db.server";
import { migrateJobs, startWorker } from "../../app/utils/jobs.server";
import { createTestDatabase } from "../setup/db";
import { waitFor } from "../setup/wait";

let client: pg.Client;
let dataDir: string;
let worker: Runner | undefined;

beforeAll(async () => {
  const url = await createTestDatabase();
  await migrateJobs(url);
  dataDir = mkdtempSync(path.join(tmpdir(), "import-jobs-"));
  process.env.DATABASE_URL = url;
  process.env.DATA_DIR = dataDir;
  client = new pg.Client({ connectionString: url });
  await client.connect();
});
afterAll(async () => {
  await worker?.stop();
  await client?.end();
  await closeDb();
  rmSync(dataDir, { recursive: true, force: true });
});

type Job = { task_identifier: string; key: string | null; queue_name: string | null; max_attempts: number; payload: Record<string, unknown> };
const jobs = async (task: string) =>
  (
    await client.query<Job>(
      `SELECT v.task_identifier, v.key, v.queue_name, v.max_attempts, p.payload
       FROM graphile_worker.jobs v JOIN graphile_worker._private_jobs p ON p.id = v.id WHERE v.task_identifier = $1 ORDER BY v.id`,
      [task],
    )
  ).rows;

describe("import jobs", () => {
  test("fan-out jobs hold every created registration once, in chunks of 2,000", () => {
    const created = Array.from({ length: 4500 }, (_, i) => ({ id: `r${i}`, personId: `p${i}` }));
    const fanout = importJobsFanout(created, ["u1", "u2"]);
    const payloads = fanout.map((j) => j.payload as ImportJobsPayload);
    expect(fanout.map((j) => j.task)).toEqual(["staff-import-jobs", "staff-import-jobs", "staff-import-jobs"]);
    expect(payloads.map((p) => p.created.length)).toEqual([2000, 2000, 500]);
    expect(payloads.flatMap((p) => p.created)).toEqual(created.map((r) => [r.id, r.personId]));
    expect(payloads.flatMap((p) => p.updatedPeople)).toEqual(["u1", "u2"]);
    expect(importJobsFanout([], [])).toEqual([]);
  });

  test("the commit adds the fan-out job; the worker adds the invitation and CRM jobs of every new person", async () => {
    const db = prisma();
    const event = await db.event.create({
      data: { name: "Jobs", venue: "Hall", timezone: "Europe/Moscow", startsAt: new Date(Date.now() + 864e5 * 30), endsAt: new Date(Date.now() + 864e5 * 31) },
    });
    const org = await db.organization.create({ data: { name: "Jobs LLC" } });
    const ex = await db.exhibitor.create({ data: { eventId: event.id, organizationId: org.id, stand: "J1", staffQuota: 10 } });
    const actor = { type: "user" as const, id: "00000000-0000-4000-8000-000000000000", role: "manager" as const, exhibitorId: null };
    const csv = ["Фамилия;Имя;Email", "Первов;Иван;first@jobs.example", "Вторых;Анна;second@jobs.example", "Третьяк;Олег;third@jobs.example"].join("\r\n");
    const id = await storeUpload(actor, ex.id, Buffer.from(csv), "staff.csv");
    expect(await commitImport(actor, ex.id, id, undefined, {})).toMatchObject({ created: 3 });

    const regs = (
      await client.query<{ id: string; personId: string }>(`SELECT id::text, "personId"::text FROM "Registration" WHERE "exhibitorId" = $1 ORDER BY id`, [ex.id])
    ).rows;
    expect(regs).toHaveLength(3);
    const [fanout] = await jobs("staff-import-jobs");
    const payload = fanout.payload as ImportJobsPayload;
    expect([...payload.created].sort()).toEqual(regs.map((r) => [r.id, r.personId]).sort());
    expect(payload.updatedPeople).toEqual([]);
    expect(await jobs("send-mail")).toEqual([]);

    registerOutboxTasks();
    worker = await startWorker({ concurrency: 1 });
    const mails = await waitFor("the invitation jobs", async () => ((await jobs("send-mail")).length === 3 ? jobs("send-mail") : null));
    expect(mails.map((m) => m.payload).sort((a, b) => String(a.registrationId).localeCompare(String(b.registrationId)))).toEqual(
      regs.map((r) => ({ kind: "invitation", registrationId: r.id })),
    );
    expect(mails.every((m) => m.max_attempts === 10 && m.key === null && m.queue_name === null)).toBe(true);
    const crm = await jobs("crm-sync");
    const expectedKeys = regs.flatMap((r) => [crmJobKey("person", r.personId), crmJobKey("registration", r.id)]).sort();
    expect(crm.map((j) => j.key).sort()).toEqual(expectedKeys);
    expect(crm.every((j) => j.queue_name === j.key && j.max_attempts === 25)).toBe(true);
    await waitFor("the fan-out job to finish", async () => (await jobs("staff-import-jobs")).length === 0);
  });
});
