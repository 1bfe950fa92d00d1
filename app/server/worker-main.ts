import { closeDb, warmPrisma } from "../utils/db.server";
import { env, EnvError, setDatabaseUrl } from "../utils/env.server";
import { migrateJobs, startWorker } from "../utils/jobs.server";
import { migrate } from "../utils/migrate.server";
import { startCheckInOutboxDrainer } from "../services/kiosk/crm-outbox.server";
import { registerAllTasks } from "./tasks";

// `npm run worker`: the job worker alone, so web instances and workers can scale apart.
// It needs the database the web app uses: DATABASE_URL, or the embedded one `npm start` runs.
async function main() {
  try {
    env();
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { openDatabase } = await import("./database");
  const db = await openDatabase((m) => process.stdout.write(`${m}\n`));
  setDatabaseUrl(db.url);
  await migrate(db.url);
  await migrateJobs(db.url);
  registerAllTasks();
  await warmPrisma();
  const worker = await startWorker();
  const drainer = startCheckInOutboxDrainer();
  process.stdout.write("Worker running.\n");
  const stop = async () => {
    await drainer.stop().catch(() => {});
    await worker.stop().catch(() => {});
    await closeDb().catch(() => {});
    await db.stop().catch(() => {});
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((err) => {
  process.stderr.write(`Worker failed: ${(err as Error).message}\n`);
  process.exit(1);
});
