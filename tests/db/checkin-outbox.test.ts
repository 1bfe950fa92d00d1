// The check-in's CRM marker and its drainer (app/services/kiosk/crm-outbox.server.ts) on a real
// database: markers become crm-sync jobs of the outbox's one format, each exactly once, also
// with several drainers at once; a failed drain leaves its markers for the next one.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { drainCheckInOutbox } from "../../app/services/kiosk/crm-outbox.server";
import { crmSyncJob, enqueueJobs } from "../../app/services/outbox.server";
import { migrateJobs } from "../../app/utils/jobs.server";
import { createTestDatabase } from "../setup/db";

let db: pg.Pool;

beforeAll(async () => {
  const url = await createTestDatabase();
  await migrateJobs(url);
  db = new pg.Pool({ connectionString: url, max: 6 });
});
afterAll(() => db?.end());
beforeEach(async () => {
  await db.query(`DELETE FROM "CheckInOutbox"`);
  await db.query(`DELETE FROM graphile_worker._private_jobs`);
});

const mark = (ids: string[]) => db.query(`INSERT INTO "CheckInOutbox" ("registrationId") SELECT unnest($1::uuid[])`, [ids]);
const markers = async () => (await db.query(`SELECT count(*)::int AS n FROM "CheckInOutbox"`)).rows[0].n as number;

type JobRow = { task_identifier: string; key: string | null; queue_name: string | null; max_attempts: number; payload: unknown };
const jobs = async () =>
  (
    await db.query<JobRow>(
      `SELECT v.task_identifier, v.key, v.queue_name, v.max_attempts, p.payload
       FROM graphile_worker.jobs v JOIN graphile_worker._private_jobs p ON p.id = v.id ORDER BY v.key`,
    )
  ).rows;

test("a marker becomes the same crm-sync job that enqueueJobs(crmSyncJob(...)) adds, and the marker is gone", async () => {
  const id = randomUUID();
  await enqueueJobs([crmSyncJob("registration", id)], db);
  const expected = await jobs();
  expect(expected).toHaveLength(1);
  await db.query(`DELETE FROM graphile_worker._private_jobs`);

  await mark([id]);
  expect(await drainCheckInOutbox(db)).toBe(1);
  expect(await jobs()).toEqual(expected);
  expect(await markers()).toBe(0);
  // Nothing left: a drain is a no-op (and adds no job).
  expect(await drainCheckInOutbox(db)).toBe(0);
  expect(await jobs()).toHaveLength(1);
});

test("one person marked twice (two days) is one job; batches respect the limit", async () => {
  const a = randomUUID();
  const b = randomUUID();
  await mark([a, a, b]);
  expect(await drainCheckInOutbox(db, 2)).toBe(2);
  expect(await markers()).toBe(1);
  expect(await drainCheckInOutbox(db, 2)).toBe(1);
  expect((await jobs()).map((j) => j.key).sort()).toEqual([`crm:registration:${a}`, `crm:registration:${b}`].sort());
});

test("four drainers at once move 2,000 markers: every registration one job, no marker twice or left", async () => {
  const ids = Array.from({ length: 2000 }, () => randomUUID());
  await mark(ids);
  let moved = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let n; (n = await drainCheckInOutbox(db, 100)) > 0; ) moved += n;
    }),
  );
  expect(moved).toBe(2000);
  expect(await markers()).toBe(0);
  const keys = (await jobs()).map((j) => j.key);
  expect(keys).toHaveLength(2000);
  expect(new Set(keys)).toEqual(new Set(ids.map((id) => `crm:registration:${id}`)));
});

test("a drain that fails leaves its markers: they are not lost and not turned into jobs", async () => {
  const id = randomUUID();
  await mark([id]);
  // The job table refuses writes for a moment (as when the queue's schema is locked or broken).
  await db.query(`ALTER TABLE graphile_worker._private_jobs ADD CONSTRAINT no_jobs CHECK (false) NOT VALID`);
  try {
    await expect(drainCheckInOutbox(db)).rejects.toThrow(/no_jobs/);
  } finally {
    await db.query(`ALTER TABLE graphile_worker._private_jobs DROP CONSTRAINT no_jobs`);
  }
  expect(await markers()).toBe(1);
  expect(await jobs()).toHaveLength(0);
  expect(await drainCheckInOutbox(db)).toBe(1);
  expect((await jobs()).map((j) => j.key)).toEqual([`crm:registration:${id}`]);
});
