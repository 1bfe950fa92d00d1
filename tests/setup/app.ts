import { spawn } from "node:child_process";
import path from "node:path";
import { createTestDatabase } from "./db";
import { perFile } from "./per-file";
import { root, spawnServer, stopChild } from "./server-process";

export type RunningApp = { url: string; databaseUrl: string; output: () => string; stop: () => Promise<void> };

/** Runs the real server (`npm start`'s entry) as a child process on a fresh database and a free port. */
export async function startApp(opts: { env?: Record<string, string>; databaseUrl?: string; seed?: boolean } = {}): Promise<RunningApp> {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase());
  const server = await spawnServer({
    databaseUrl,
    dataDir: (port) => path.join(root, "tests/.tmp", `app-${port}`),
    env: { SEED_DEMO: opts.seed === false ? "off" : "on", BUILD_ON_START: "off", ...opts.env },
    timeoutMs: 60_000,
  });
  return {
    url: server.url,
    databaseUrl,
    output: server.output,
    stop: () => stopChild(server.child),
  };
}

/** The file's server: started before the first test, stopped after the last. */
export const appPerFile = (opts: Parameters<typeof startApp>[0] = {}) => perFile(() => startApp(opts), (app) => app.stop());

/** A manager API token made with the admin CLI (`create-token`), as an operator makes one. */
export async function cliManagerToken(app: RunningApp): Promise<string> {
  const r = await runAdmin(["create-token", "--role", "manager", "--name", "test"], { DATABASE_URL: app.databaseUrl });
  if (r.code !== 0) throw new Error(`create-token failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** Runs the admin CLI and returns its exit code and output. */
export function runAdmin(args: string[], env: Record<string, string>, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "app/server/admin.ts", ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: "warn", ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.end(stdin ?? "");
    child.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
