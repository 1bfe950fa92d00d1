import { chmodSync, mkdtempSync, rmSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, ensureDatabase } from "../../app/server/embedded-postgres";
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

async function prepare(adminUrl: string, project: TestProject) {
  const template = "expodesk_template";
  const templateUrl = adminUrl.replace(/\/[^/]*$/, `/${template}`);
  await ensureDatabase(adminUrl, template);
  await migrate(templateUrl);
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", template);
}
