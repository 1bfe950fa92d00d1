import { chmodSync, mkdtempSync, rmSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import type * as EmbeddedModule from "../../app/server/embedded-postgres";
import { migrate } from "../../app/utils/migrate.server";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

// One PostgreSQL for the whole run; each test file clones a migrated template database.
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_ADMIN_URL) {
    await prepare(process.env.TEST_DATABASE_ADMIN_URL, project);
    return;
  }
  const { startEmbeddedPostgres } = await importEmbedded();
  mkdirSync("tests/.tmp", { recursive: true });
  const dir = mkdtempSync(path.resolve("tests/.tmp/pg-"));
  chmodSync(dir, 0o755); // the cluster runs as the postgres user, which must reach it
  const pgServer = await startEmbeddedPostgres({ dir: path.join(dir, "data"), persistent: false, quiet: true });
  await prepare(pgServer.url("postgres"), project);
  return async () => {
    await pgServer.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * embedded-postgres installs async-exit-hook, whose beforeExit handler calls process.exit(0)
 * and so turns a failed Vitest run green. Import it, then drop the listeners it added: the
 * teardown below stops PostgreSQL itself.
 */
async function importEmbedded(): Promise<typeof EmbeddedModule> {
  const events = ["beforeExit", "exit", "SIGINT", "SIGTERM", "uncaughtException", "unhandledRejection", "message"] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as "exit"))]));
  const mod = await import("../../app/server/embedded-postgres");
  for (const e of events) for (const l of process.listeners(e as "exit")) if (!before.get(e)!.has(l)) process.off(e as "exit", l);
  return mod;
}

async function prepare(adminUrl: string, project: TestProject) {
  const { ensureDatabase } = await importEmbedded();
  const template = "expodesk_template";
  const templateUrl = adminUrl.replace(/\/[^/]*$/, `/${template}`);
  await ensureDatabase(adminUrl, template);
  await migrate(templateUrl);
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", template);
}
