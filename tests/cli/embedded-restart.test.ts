import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { stopChild, waitForOutput } from "../setup/app";
import { freePort } from "../../app/server/embedded-postgres";

mkdirSync("tests/.tmp", { recursive: true });
const dataDir = mkdtempSync(path.resolve("tests/.tmp/data-"));
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start() {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", BUILD_ON_START: "off" };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "app/server/start.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  await waitForOutput(child, () => out, /is running at/, 90_000);
  return { child, out: () => out, url: `http://127.0.0.1:${port}` };
}

test("without DATABASE_URL the embedded PostgreSQL keeps data across a clean restart", async () => {
  const first = await start();
  expect(first.out()).toContain("Demo data created.");
  expect(first.out()).toContain("embedded");
  const login = await fetch(first.url + "/login");
  expect(login.status).toBe(200);
  const exit = new Promise<number | null>((r) => first.child.once("exit", (code) => r(code)));
  await stopChild(first.child);
  expect(await exit, first.out()).toBe(0);
  expect(existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);

  const second = await start();
  expect(second.out()).not.toContain("Demo data created.");
  expect(second.out()).not.toContain("Applied migrations");
  const health = await (await fetch(second.url + "/healthz")).json();
  expect(health.database.ok).toBe(true);
  await stopChild(second.child);
});
