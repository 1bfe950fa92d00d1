// CRM sync throughput against the Bitrix24 emulator, through the real job worker
// (app/server/worker-main.ts as a child process), next to the bound the portal's rate limit
// sets in the same run: requests/s allowed x 50 commands per batch.
//
//   crm-sync-commands      REST commands run by the portal per second, vs. the rate-limit bound
//                          (BITRIX24_RATE_LIMIT x 50). 1.0 would be every request a full batch.
//   crm-sync-registrations registrations synced per second (company, contact, deal, visit note),
//                          vs. what single calls at the same rate limit could do (no batching).
//
// The emulator drains 10 requests/s here (the cloud default is 2) and the client's burst is 1,
// so the bucket limits from the first request and the run takes well under 30 s.
// Standalone: `npx tsx bench/crm.ts` (starts its own embedded PostgreSQL); `npm run bench`
// passes a database. Everything here uses its own pg pool.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { startBitrix24Emulator } from "../tests/emulators/bitrix24";
import { stopChild } from "../tests/setup/server-process";
import { runIfMain, withOwnDatabase } from "./standalone";
import type { BenchResult } from "./types";

const RATE = 10;
const ORGS = 60;
const PER_ORG = 25;
const N = ORGS * PER_ORG;
const COMMANDS_PER_BATCH = 50;

const root = path.resolve(import.meta.dirname, "..");

export async function run(ctx?: { databaseUrl: string; dataDir: string }): Promise<BenchResult[]> {
  if (!ctx) return withOwnDatabase("crm", run);
  mkdirSync(ctx.dataDir, { recursive: true });
  const db = new pg.Pool({ connectionString: ctx.databaseUrl, max: 4 });
  db.on("error", (err) => process.stderr.write(`bench pool: ${err.message}\n`));
  const emu = await startBitrix24Emulator({ drainPerSecond: RATE, bucketLimit: 50, seed: 1 });
  let worker: ChildProcess | undefined;
  try {
    await seed(db);
    worker = await startWorker(ctx, emu.baseUrl);
    const xacts = () => db.query(`SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()`);
    const xactsBefore = Number((await xacts()).rows[0].n);
    const started = performance.now();
    const startedAt = Date.now();
    await db.query(
      `SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
         SELECT ROW('crm-sync', json_build_object('entity', e, 'id', id), 'crm:' || e || ':' || id, NULL, 25, 'crm:' || e || ':' || id, 0, NULL)::graphile_worker.job_spec
         FROM (SELECT 'organization' AS e, id::text FROM "Organization" UNION ALL SELECT 'person', id::text FROM "Person"
               UNION ALL SELECT 'registration', id::text FROM "Registration") t))`,
    );
    const deadline = Date.now() + 120_000;
    for (;;) {
      const r = await db.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'crm-sync'`);
      if (r.rows[0].n === 0) break;
      if (Date.now() > deadline) throw new Error(`crm bench: ${r.rows[0].n} jobs left after 120 s`);
      await new Promise((res) => setTimeout(res, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    const synced = await db.query(`SELECT count(*)::int AS n FROM "Registration" WHERE "crmDealId" IS NOT NULL`);
    if (synced.rows[0].n !== N || emu.state.count("contact") !== N || emu.state.count("deal") !== N) {
      throw new Error(`crm bench: expected ${N} deals and contacts, got ${emu.state.count("deal")} / ${emu.state.count("contact")}`);
    }
    const calls = emu.state.calls();
    const requests = calls.filter((c) => !c.batchKey).length;
    const commands = calls.filter((c) => c.batchKey || c.method !== "batch").length;
    const bound = RATE * COMMANDS_PER_BATCH;
    const perRecord = commands / N;
    const commandsPerSecond = commands / seconds;
    const recordsPerSecond = N / seconds;
    const unbatched = RATE / perRecord;
    process.stderr.write(
      `crm: ${N} registrations in ${seconds.toFixed(1)} s, ${requests} requests, ${commands} commands (${(commands / requests).toFixed(1)} per request, ${perRecord.toFixed(2)} per registration)\n`,
    );
    process.stderr.write(`crm: ${whereTimeWent(calls, startedAt, startedAt + seconds * 1000)}\n`);
    // Database transactions (each statement outside BEGIN is one), the worker's and ours; the
    // statistics lag a little behind, so this is approximate.
    await new Promise((res) => setTimeout(res, 1500));
    const xactsRun = Number((await xacts()).rows[0].n) - xactsBefore;
    process.stderr.write(`crm: ~${xactsRun} database transactions (${(xactsRun / N).toFixed(1)} per registration)\n`);
    return [
      {
        name: "crm-sync",
        value: commandsPerSecond,
        unit: "commands/s",
        baseline: { what: `rate-limit bound: ${RATE} req/s x ${COMMANDS_PER_BATCH} commands per batch`, value: bound, unit: "commands/s" },
        ratio: commandsPerSecond / bound,
      },
      {
        name: "crm-sync-registrations",
        value: recordsPerSecond,
        unit: "registrations/s",
        baseline: {
          what: `single calls at ${RATE} req/s (${perRecord.toFixed(2)} commands per registration)`,
          value: unbatched,
          unit: "registrations/s",
        },
        ratio: recordsPerSecond / unbatched,
      },
    ];
  } finally {
    if (worker) await stopChild(worker);
    await emu.close();
    await db.end();
  }
}

/**
 * Where the run's time went, from the emulator's request log: before the first request, after
 * the last, idle gaps between requests beyond the rate's spacing, and how full batches were.
 */
function whereTimeWent(calls: { at: number; batchKey?: string }[], start: number, end: number): string {
  const reqs = calls.filter((c) => !c.batchKey).map((c) => c.at);
  if (!reqs.length) return "no requests";
  const spacing = 1000 / RATE;
  let idle = 0;
  const gaps: string[] = [];
  for (let i = 1; i < reqs.length; i++) {
    idle += Math.max(0, reqs[i] - reqs[i - 1] - spacing);
    if (reqs[i] - reqs[i - 1] > 3 * spacing) gaps.push(`${((reqs[i - 1] - start) / 1000).toFixed(1)}+${reqs[i] - reqs[i - 1]}`);
  }
  if (process.env.CRM_TRACE) process.stderr.write(`gaps (s+ms): ${gaps.join(" ")}\n`);
  const sizes: number[] = [];
  let n = 0;
  for (const c of calls) {
    if (c.batchKey) n++;
    else {
      sizes.push(n || 1);
      n = 0;
    }
  }
  const under = sizes.filter((x) => x < COMMANDS_PER_BATCH).length;
  const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;
  return `first request after ${ms(reqs[0] - start)}, idle between requests ${ms(idle)}, after the last ${ms(end - reqs[reqs.length - 1])}; ${under} of ${sizes.length} requests under ${COMMANDS_PER_BATCH} commands`;
}

/** N registrations: ORGS companies with PER_ORG people each; every fourth one checked in. */
async function seed(db: pg.Pool): Promise<void> {
  const ev = await db.query<{ id: string }>(
    `INSERT INTO "Event" (name, venue, timezone, "startsAt", "endsAt") VALUES ('Bench Expo', 'Hall 1', 'Europe/Moscow', now(), now() + interval '2 days') RETURNING id`,
  );
  const eventId = ev.rows[0].id;
  const kiosk = await db.query<{ id: string }>(`INSERT INTO "Kiosk" ("eventId", name) VALUES ($1, 'Gate 1') RETURNING id`, [eventId]);
  const orgs = await db.query<{ id: string }>(
    `INSERT INTO "Organization" (name, phones, emails) SELECT 'Bench Co ' || n, ARRAY['+7495' || lpad(n::text, 7, '0')], ARRAY['office' || n || '@bench.example']
     FROM generate_series(1, $1::int) n ORDER BY n RETURNING id`,
    [ORGS],
  );
  await db.query(
    `INSERT INTO "Person" ("lastName", "firstName", email, phone, position, "organizationId")
     SELECT 'Last' || n, 'First' || n, 'p' || n || '@bench.example', '+7916' || lpad(n::text, 7, '0'), 'Engineer', ($1::uuid[])[1 + (n - 1) / $2::int]
     FROM generate_series(1, $3::int) n`,
    [orgs.rows.map((o) => o.id), PER_ORG, N],
  );
  await db.query(
    `INSERT INTO "Registration" ("eventId", "personId", category, status, "codeSecret", source)
     SELECT $1, id, 'visitor', 'confirmed', md5(id::text), 'bench' FROM "Person"`,
    [eventId],
  );
  await db.query(
    `INSERT INTO "CheckIn" ("eventId", "registrationId", "kioskId", "clientId", "eventDay", "scannedAt")
     SELECT $1, id, $2, gen_random_uuid(), current_date, now() FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM "Registration") r WHERE n % 4 = 0`,
    [eventId, kiosk.rows[0].id],
  );
}

function startWorker(ctx: { databaseUrl: string; dataDir: string }, webhookUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...(process.env.CRM_PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/crm/prof"] : []), "--import", "tsx", "app/server/worker-main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: ctx.databaseUrl,
      DATA_DIR: ctx.dataDir,
      LOG_LEVEL: "warn",
      BITRIX24_WEBHOOK_URL: webhookUrl,
      BITRIX24_RATE_LIMIT: String(RATE),
      BITRIX24_RATE_BURST: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += String(d);
      if (out.includes("Worker running.")) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d: Buffer) => (out += String(d)));
    child.once("exit", (code) => reject(new Error(`worker exited (${code}):\n${out}`)));
  });
}

runIfMain(import.meta.filename, run);
