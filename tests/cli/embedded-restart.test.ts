import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { stopChild, waitForOutput } from "../setup/server-process";
import { freePort } from "../../app/server/embedded-postgres";

mkdirSync("tests/.tmp", { recursive: true });
const dataDir = mkdtempSync(path.resolve("tests/.tmp/data-"));
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(opts: { ownGroup?: boolean; env?: Record<string, string | undefined> } = {}) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", BUILD_ON_START: "off", ...opts.env };
  delete env.DATABASE_URL;
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  // ownGroup: the server leads a process group, as `npm start` in a terminal does for Ctrl-C.
  const child = spawn(process.execPath, ["--import", "tsx", "app/server/start.ts"], { env, stdio: ["ignore", "pipe", "pipe"], detached: opts.ownGroup });
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

test("a newcomer's console: quiet requests, a favicon, 404s without stack traces, Ctrl-C to the whole group stops cleanly", async () => {
  const app = await start({ ownGroup: true, env: { LOG_LEVEL: undefined } });
  const icon = await fetch(app.url + "/favicon.ico");
  expect(icon.status).toBe(200);
  expect(icon.headers.get("content-type")).toMatch(/icon/);
  const missing = await fetch(app.url + "/no/such/page");
  expect(missing.status).toBe(404);
  expect(await missing.text()).toMatch(/не найдена|not found/i);
  expect((await fetch(app.url + "/login")).status).toBe(200);
  const lines = app.out().trim().split("\n");
  // The logins and the address are the last lines: nothing about requests after them.
  expect(lines.at(-1)).toMatch(/is running at/);
  expect(app.out()).toMatch(/Demo logins:/);
  expect(app.out()).not.toMatch(/request completed|No route matches|\n\s+at /);

  const exit = new Promise<number | null>((r) => app.child.once("exit", (code) => r(code)));
  process.kill(-app.child.pid!, "SIGINT"); // what a terminal's Ctrl-C does: the whole foreground group
  expect(await exit, app.out()).toBe(0);
  expect(app.out()).toContain("SIGINT: shutting down");
  expect(app.out()).not.toMatch(/connection lost|terminating connection|\n\s+at /);
  expect(existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);
});
