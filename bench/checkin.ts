// Kiosk check-in under load, over real HTTP against the real server (app/server/start.ts as a
// child process, started through tests/setup/server-process.ts as the tests start it), next to
// what pgbench measures on the same database in the same run: single-row UPDATEs from 50 clients.
//
//   checkin-throughput      check-ins/s, 50 simulated kiosks scanning concurrently (one keep-alive
//                           connection each, a new person per scan)
//   checkin-latency-p50/p99 ms per scan under that load
//   checkin-latency-p99-door  ms per scan at door load: 50 kiosks, one scan each per 2 s
//   checkin-scaleout        checkin-throughput with two app instances on the same database
//                           (the second without the job worker), against one instance
//   print-latency-p50/p99   ms from sending a scan with print: true to the last ZPL byte at a
//                           loopback raw-TCP "Zebra" (one kiosk scanning, one after another)
//
// Standalone: `npx tsx bench/checkin.ts` (starts its own embedded PostgreSQL); `npm run bench`
// passes a database. Everything goes through its own pg pool: the app's pool singleton may point
// at another bench's database by the time this runs.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import pg from "pg";
import { generateEventKeyPair, signTicketCode } from "../app/services/ticket-codes.server";
import { request, startServer, type Server } from "./checkin-server";
import { fakeZebra } from "./fake-zebra";
import { pgbenchSingleRowUpdates } from "./pgbench";
import { runIfMain, withOwnDatabase } from "./standalone";
import type { BenchResult } from "./types";

const KIOSKS = 50;
const PEOPLE = 40000;
const WARMUP_SCANS = 300;
const MEASURE_MS = 8000;
const DOOR_INTERVAL_MS = 2000;
const DOOR_MS = 16000;
const PRINT_SCANS = 120;
const PGBENCH_SECONDS = 5;

export async function run(ctx?: { databaseUrl: string; dataDir: string }): Promise<BenchResult[]> {
  if (!ctx) return withOwnDatabase("checkin", run);
  mkdirSync(ctx.dataDir, { recursive: true });
  const db = new pg.Pool({ connectionString: ctx.databaseUrl, max: 4 });
  db.on("error", (err) => process.stderr.write(`bench pool: ${err.message}\n`));
  const zebra = await fakeZebra();
  const servers: Server[] = [];
  const workers: Server[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 * KIOSKS + 5 });
  try {
    const setup = await seed(db, zebra.address);
    // CHECKIN_WORKER=separate: the measured instance runs without the job worker, and another
    // process (no kiosk traffic) runs it, as a web + worker deployment would.
    const separate = process.env.CHECKIN_WORKER === "separate";
    servers.push(await startServer(ctx.databaseUrl, ctx.dataDir, !separate));
    if (separate) workers.push(await startServer(ctx.databaseUrl, ctx.dataDir, true));
    const one = [servers[0].url];

    // Every scan is a new person and must be answered checked_in for that person; the total is
    // checked against the CheckIn table at the end.
    let next = 0;
    let answered = 0;
    const scan = async (base: string, token: string, extra: Record<string, unknown> = {}) => {
      if (next >= setup.codes.length) throw new Error("out of ticket codes: raise PEOPLE");
      const { code, registrationId } = setup.codes[next++];
      const r = (await request(base, agent, token, { code, clientId: randomUUID(), ...extra })) as {
        result: string;
        registration: { id: string } | null;
        printJob?: { format: string } | null;
      };
      if (r.result !== "checked_in" || r.registration?.id !== registrationId) throw new Error(`wrong answer: ${JSON.stringify(r)}`);
      answered++;
      return r;
    };

    // Warm-up: JIT, connection pools, the kiosk and key caches.
    await flatOut(one, setup.kioskTokens, scan, { scans: WARMUP_SCANS });

    // The door: 50 kiosks, one scan each per DOOR_INTERVAL_MS (staggered), answers' latency.
    const door = await doorLoad(servers[0].url, setup.kioskTokens, scan);

    // 50 kiosks, each scanning as fast as the server answers, for MEASURE_MS.
    const waits = process.env.CHECKIN_WAITS ? sampleWaits(db) : null;
    const statements = process.env.BENCH_PG_STATEMENTS ? await statementStats(db) : null;
    const cpu = await cpuDuring(db, [...servers, ...workers], () => flatOut(one, setup.kioskTokens, scan, { ms: MEASURE_MS }));
    if (waits) process.stderr.write(`flat out, PostgreSQL sessions by state (sampled every 20 ms):\n${await waits()}\n`);
    const single = cpu.result;
    const perScan = (ms: number) => ms / single.latencies.length;
    const share = (ms: number) => `${perScan(ms).toFixed(2)} ms/scan, ${((100 * ms) / cpu.wallMs).toFixed(0)}% of a core`;
    process.stderr.write(`flat out, CPU: app ${share(cpu.appMs)}; PostgreSQL ${share(cpu.dbMs)}; this bench client ${share(cpu.benchMs)}\n`);

    // Scan to bytes at the printer: one kiosk, one scan after another.
    const printLatencies: number[] = [];
    for (let i = 0; i < PRINT_SCANS; i++) {
      const before = zebra.jobs.length;
      const arrived = zebra.waitForJob(before + 1, 10_000);
      const s = performance.now();
      const r = await scan(servers[0].url, setup.printKioskToken, { print: true });
      if (r.printJob?.format !== "zpl") throw new Error(`print scan: ${JSON.stringify(r)}`);
      const at = await arrived;
      printLatencies.push(at - s);
    }

    if (statements) process.stderr.write(`flat out, statements by time in PostgreSQL (calls, exec ms, plan ms, rows, query):\n${await statements()}\n`);
    // Scale-out: a second instance (web only; the first runs the job worker) on the same
    // database, the kiosks split between the two.
    servers.push(await startServer(ctx.databaseUrl, ctx.dataDir, false));
    await flatOut([servers[1].url], setup.kioskTokens, scan, { scans: WARMUP_SCANS });
    const double = await flatOut(
      servers.map((x) => x.url),
      setup.kioskTokens,
      scan,
      { ms: MEASURE_MS },
    );
    agent.destroy();

    const stored = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "CheckIn"`);
    if (stored.rows[0].n !== answered) throw new Error(`${answered} check-ins answered, ${stored.rows[0].n} stored`);

    const baseline = await pgbenchSingleRowUpdates(ctx.databaseUrl, db, ctx.dataDir, KIOSKS, PGBENCH_SECONDS);
    const p = (xs: number[], q: number) => percentile(xs, q);
    const latencyBaseline = {
      what: `single-row UPDATE latency, pgbench 50 clients (${baseline.tool})`,
      value: baseline.latencyMs,
      unit: "ms",
    };
    return [
      {
        name: "checkin-throughput",
        value: single.throughput,
        unit: "check-ins/s",
        baseline: {
          what: `single-row UPDATEs/s, 50 clients on the same database (${baseline.tool})`,
          value: baseline.tps,
          unit: "updates/s",
        },
        ratio: single.throughput / baseline.tps,
      },
      {
        name: "checkin-latency-p50",
        value: p(single.latencies, 0.5),
        unit: "ms",
        baseline: latencyBaseline,
        ratio: p(single.latencies, 0.5) / baseline.latencyMs,
      },
      {
        name: "checkin-latency-p99",
        value: p(single.latencies, 0.99),
        unit: "ms",
        baseline: latencyBaseline,
        ratio: p(single.latencies, 0.99) / baseline.latencyMs,
      },
      {
        // Load-independent: the app's and the database's CPU per check-in under the flat-out run.
        name: "checkin-cpu-app",
        value: perScan(cpu.appMs),
        unit: "ms CPU of the app process per check-in",
        baseline: { what: "PostgreSQL's CPU per check-in (all its processes), same run", value: perScan(cpu.dbMs), unit: "ms" },
        ratio: cpu.appMs / cpu.dbMs,
      },
      {
        name: "checkin-latency-p99-door",
        value: p(door, 0.99),
        unit: `ms (${door.length} scans: ${KIOSKS} kiosks, one scan each per ${DOOR_INTERVAL_MS / 1000} s)`,
      },
      {
        name: "checkin-scaleout",
        value: double.throughput,
        unit: "check-ins/s, 2 instances",
        baseline: { what: "checkin-throughput of 1 instance, same run", value: single.throughput, unit: "check-ins/s" },
        ratio: double.throughput / single.throughput,
      },
      { name: "print-latency-p50", value: p(printLatencies, 0.5), unit: "ms" },
      { name: "print-latency-p99", value: p(printLatencies, 0.99), unit: "ms" },
    ];
  } finally {
    agent.destroy();
    for (const x of [...servers, ...workers]) await x.stop();
    await zebra.close();
    await db.end();
  }
}

type Scan = (base: string, token: string) => Promise<unknown>;

/** CHECKIN_WAITS=1: what the other sessions are doing (pg_stat_activity), counted per sample. */
function sampleWaits(db: pg.Pool): () => Promise<string> {
  const counts = new Map<string, number>();
  let samples = 0;
  let on = true;
  const loop = (async () => {
    while (on) {
      const r = await db.query<{ k: string; n: number }>(
        `SELECT coalesce(state, '?') || ' ' || coalesce(wait_event_type || ':' || wait_event, '-') || ' ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS k, count(*)::int AS n
         FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' GROUP BY 1`,
      );
      samples++;
      for (const row of r.rows) counts.set(row.k, (counts.get(row.k) ?? 0) + row.n);
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  return async () => {
    on = false;
    await loop;
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, n]) => `  ${(n / samples).toFixed(2).padStart(6)}  ${k}`)
      .join("\n");
  };
}

/** BENCH_PG_STATEMENTS=1 (standalone): resets pg_stat_statements; the function returns the top 15 since. */
async function statementStats(db: pg.Pool): Promise<() => Promise<string>> {
  await db.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
  await db.query(`SELECT pg_stat_statements_reset()`);
  return async () => {
    const r = await db.query<{ calls: string; exec: string; plan: string; rows: string; q: string }>(
      `SELECT calls, round(total_exec_time::numeric, 1) AS exec, round(total_plan_time::numeric, 1) AS plan, rows,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS q
       FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 15`,
    );
    return r.rows.map((x) => `  ${x.calls}\t${x.exec}\t${x.plan}\t${x.rows}\t${x.q}`).join("\n");
  };
}

// CPU time from /proc (Linux), in ms: on a machine shared with other work the wall-clock rates
// swing with the load, CPU time per check-in much less.
const TICK_MS = 1000 / 100; // USER_HZ

function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime, stime
  } catch {
    return 0;
  }
}

function systemCpu(): number[] {
  return readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
}

/** The PostgreSQL server's processes: the postmaster and its children (backends come and go). */
function postgresPids(postmaster: number): number[] {
  const pids = [postmaster];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === postmaster) pids.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function postmasterPid(db: pg.Pool): Promise<number> {
  const dir = (await db.query<{ d: string }>(`SELECT current_setting('data_directory') AS d`)).rows[0].d;
  return Number(readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
}

/** CPU ms used by the app instances and by PostgreSQL while `fn` runs. */
async function cpuDuring<T>(db: pg.Pool, servers: Server[], fn: () => Promise<T>): Promise<{ result: T; appMs: number; dbMs: number; benchMs: number; wallMs: number }> {
  // The app's pool opens and closes backends during the phase: count the ones born in it too
  // (from zero); a backend that exits inside the phase takes its CPU time with it.
  const postmaster = await postmasterPid(db);
  const db0 = new Map(postgresPids(postmaster).map((p) => [p, cpuMs(p)]));
  const bench0 = process.cpuUsage();
  const wall0 = performance.now();
  const sys0 = systemCpu();
  const sum = (pids: number[]) => pids.reduce((a, p) => a + cpuMs(p), 0);
  const app0 = sum(servers.map((x) => x.pid));
  const result = await fn();
  const bench = process.cpuUsage(bench0);
  const sys1 = systemCpu();
  const d = sys1.map((x, i) => x - sys0[i]);
  const total = d.reduce((a, b) => a + b, 0);
  process.stderr.write(`whole machine during it: ${["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"].map((n, i) => `${n} ${((100 * d[i]) / total).toFixed(0)}%`).join(", ")}\n`);
  return {
    result,
    appMs: sum(servers.map((x) => x.pid)) - app0,
    dbMs: postgresPids(postmaster).reduce((a, p) => a + cpuMs(p) - (db0.get(p) ?? 0), 0),
    benchMs: (bench.user + bench.system) / 1000,
    wallMs: performance.now() - wall0,
  };
}

/** Every kiosk scans as fast as it is answered, for `ms` or until `scans` scans in all; kiosk k talks to bases[k % n]. */
async function flatOut(bases: string[], tokens: string[], scan: Scan, until: { ms?: number; scans?: number }) {
  const latencies: number[] = [];
  let started = 0;
  const t0 = performance.now();
  const end = t0 + (until.ms ?? Infinity);
  await Promise.all(
    tokens.map(async (token, k) => {
      while (performance.now() < end && started < (until.scans ?? Infinity)) {
        started++;
        const s = performance.now();
        await scan(bases[k % bases.length], token);
        latencies.push(performance.now() - s);
      }
    }),
  );
  return { throughput: latencies.length / ((performance.now() - t0) / 1000), latencies };
}

/** Door load: each kiosk scans at its own fixed times (offset k * interval / n), as people walk up. */
async function doorLoad(base: string, tokens: string[], scan: Scan): Promise<number[]> {
  const latencies: number[] = [];
  const t0 = performance.now() + 100;
  const rounds = Math.round(DOOR_MS / DOOR_INTERVAL_MS);
  await Promise.all(
    tokens.map(async (token, k) => {
      for (let i = 0; i < rounds; i++) {
        const at = t0 + (k * DOOR_INTERVAL_MS) / tokens.length + i * DOOR_INTERVAL_MS;
        // The load's schedule, not a wait for a condition: the next person walks up at `at`.
        await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
        const s = performance.now();
        await scan(base, token);
        latencies.push(performance.now() - s);
      }
    }),
  );
  return latencies;
}

function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

// ---------------------------------------------------------------------------------------------
// Data: one event with its signing key, PEOPLE confirmed visitors, 50 kiosks, one printing kiosk

async function seed(db: pg.Pool, zebraAddress: string) {
  const ev = await db.query<{ id: string }>(
    `INSERT INTO "Event" ("name", "venue", "timezone", "startsAt", "endsAt") VALUES ('Bench Expo', 'Hall', 'Europe/Moscow', now() - interval '1 day', now() + interval '2 days') RETURNING "id"`,
  );
  const eventId = ev.rows[0].id;
  const key = generateEventKeyPair();
  await db.query(`INSERT INTO "EventKey" ("eventId", "keyId", "publicKey", "privateKey") VALUES ($1, $2, $3, $4)`, [
    eventId,
    key.keyId,
    key.publicKey,
    key.privateKey,
  ]);
  const regs = await db.query<{ id: string }>(
    `WITH org AS (INSERT INTO "Organization" ("name") VALUES ('ООО «Бенчмарк»') RETURNING "id"),
          p AS (INSERT INTO "Person" ("lastName", "firstName", "organizationId")
                SELECT 'Фамилия' || i, 'Имя', (SELECT "id" FROM org) FROM generate_series(1, $2::int) i RETURNING "id")
     INSERT INTO "Registration" ("eventId", "personId", "category", "status", "codeSecret")
     SELECT $1, p."id", 'visitor', 'confirmed', md5(random()::text) FROM p RETURNING "id"`,
    [eventId, PEOPLE],
  );
  const codes = regs.rows.map((r) => ({ code: signTicketCode(r.id, key), registrationId: r.id }));
  const printer = await db.query<{ id: string }>(
    `INSERT INTO "Printer" ("eventId", "name", "driver", "address") VALUES ($1, 'Bench Zebra', 'raw_tcp', $2) RETURNING "id"`,
    [eventId, zebraAddress],
  );
  const token = async (kioskId: string) => {
    const t = `exd_${randomBytes(32).toString("base64url")}`;
    await db.query(
      `INSERT INTO "ApiToken" ("name", "role", "tokenHash", "prefix", "eventId", "kioskId") VALUES ('bench kiosk', 'kiosk', $1, $2, $3, $4)`,
      [createHash("sha256").update(t).digest("hex"), t.slice(0, 10), eventId, kioskId],
    );
    return t;
  };
  const kioskTokens: string[] = [];
  for (let i = 0; i < KIOSKS; i++) {
    const k = await db.query<{ id: string }>(`INSERT INTO "Kiosk" ("eventId", "name") VALUES ($1, $2) RETURNING "id"`, [
      eventId,
      `Киоск ${i + 1}`,
    ]);
    kioskTokens.push(await token(k.rows[0].id));
  }
  const pk = await db.query<{ id: string }>(
    `INSERT INTO "Kiosk" ("eventId", "name", "defaultPrinterId") VALUES ($1, 'Киоск с принтером', $2) RETURNING "id"`,
    [eventId, printer.rows[0].id],
  );
  return { eventId, codes, kioskTokens, printKioskToken: await token(pk.rows[0].id) };
}

runIfMain(import.meta.filename, run);
