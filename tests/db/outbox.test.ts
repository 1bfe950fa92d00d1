// The outbox module (app/services/outbox.server.ts): a job added by a function and the same job
// added by the SQL fragment inside a statement (the check-in's add_jobs) are the same row, and
// a job added through a Prisma interactive transaction commits or rolls back with it.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  crmSyncJob,
  crmSyncJobSpecSql,
  enqueueCrmSync,
  enqueueCrmSyncMany,
  enqueueJobs,
  enqueuePrintBadge,
  printBadgeJobSpecSql,
} from "../../app/services/outbox.server";
import { closeDb, prisma } from "../../app/utils/db.server";
import { migrateJobs } from "../../app/utils/jobs.server";
import { createTestDatabase } from "../setup/db";

let client: pg.Client;

beforeAll(async () => {
  const url = await createTestDatabase();
  await migrateJobs(url); // the graphile_worker schema (the app server adds it at start)
  process.env.DATABASE_URL = url; // prisma() of the app, for the transaction case
  client = new pg.Client({ connectionString: url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await closeDb();
});

type JobRow = { task_identifier: string; key: string | null; queue_name: string | null; max_attempts: number; priority: number; payload: unknown };

/** The job of a key, then removed so that the next way of adding it starts from nothing. */
async function takeJob(key: string): Promise<JobRow | undefined> {
  const r = await client.query<JobRow>(
    `SELECT v.task_identifier, v.key, v.queue_name, v.max_attempts, v.priority, p.payload
     FROM graphile_worker.jobs v JOIN graphile_worker._private_jobs p ON p.id = v.id WHERE v.key = $1`,
    [key],
  );
  await client.query(`SELECT graphile_worker.remove_job($1)`, [key]);
  expect(r.rows.length).toBeLessThanOrEqual(1);
  return r.rows[0];
}

describe("crm-sync", () => {
  const id = randomUUID();
  const key = `crm:registration:${id}`;
  const expected: JobRow = { task_identifier: "crm-sync", key, queue_name: key, max_attempts: 25, priority: 0, payload: { entity: "registration", id } };

  test("enqueueCrmSync, the SQL fragment, the bulk list and the many-refs statement add the same row", async () => {
    await enqueueCrmSync("registration", id, client);
    expect(await takeJob(key)).toEqual(expected);

    // As the check-in statement writes it: entity and id are SQL expressions.
    await client.query(`SELECT graphile_worker.add_jobs(ARRAY(SELECT ${crmSyncJobSpecSql("'registration'", "$1::text")}))`, [id]);
    expect(await takeJob(key)).toEqual(expected);

    await enqueueJobs([crmSyncJob("registration", id)], client);
    expect(await takeJob(key)).toEqual(expected);

    await enqueueCrmSyncMany([{ entity: "registration", id }], client);
    expect(await takeJob(key)).toEqual(expected);
  });

  test("through a Prisma interactive transaction the job commits with it, and rolls back with it", async () => {
    await prisma().$transaction(async (tx) => {
      await enqueueCrmSync("registration", id, tx);
    });
    expect(await takeJob(key)).toEqual(expected);

    await expect(
      prisma().$transaction(async (tx) => {
        await enqueueCrmSync("registration", id, tx);
        throw new Error("the change fails");
      }),
    ).rejects.toThrow("the change fails");
    expect(await takeJob(key)).toBeUndefined();
  });
});

describe("print-badge", () => {
  test("enqueuePrintBadge and the SQL fragment add the same row, run_at the delay ahead", async () => {
    const id = randomUUID();
    const key = `print:${id}`;
    const expected: JobRow = { task_identifier: "print-badge", key, queue_name: null, max_attempts: 5, priority: 0, payload: { printJobId: id } };
    const runAt = async () =>
      (await client.query<{ ms: number }>(`SELECT (extract(epoch FROM run_at - now()) * 1000)::float8 AS ms FROM graphile_worker.jobs WHERE key = $1`, [key])).rows[0].ms;

    await enqueuePrintBadge(id, client, 60_000);
    const ahead = await runAt();
    expect(ahead).toBeGreaterThan(50_000);
    expect(ahead).toBeLessThanOrEqual(60_000);
    expect(await takeJob(key)).toEqual(expected);

    // As the check-in writes it: the id is the uuid column of the inserted print job.
    await client.query(`SELECT graphile_worker.add_jobs(ARRAY(SELECT ${printBadgeJobSpecSql("$1::uuid", "$2")}))`, [id, 60_000]);
    const ahead2 = await runAt();
    expect(ahead2).toBeGreaterThan(50_000);
    expect(ahead2).toBeLessThanOrEqual(60_000);
    expect(await takeJob(key)).toEqual(expected);
  });
});
