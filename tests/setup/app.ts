import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort } from "../../app/server/embedded-postgres";
import { createTestDatabase } from "./db";

export type RunningApp = { url: string; databaseUrl: string; output: () => string; stop: () => Promise<void> };

const root = path.resolve(__dirname, "../..");

/** Runs the real server (`npm start`'s entry) as a child process on a fresh database and a free port. */
export async function startApp(opts: { env?: Record<string, string>; databaseUrl?: string; seed?: boolean } = {}): Promise<RunningApp> {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase());
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "app/server/start.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      SEED_DEMO: opts.seed === false ? "off" : "on",
      BUILD_ON_START: "off",
      APP_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: path.join(root, "tests/.tmp", `app-${port}`),
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  await waitForOutput(child, () => out, /is running at/, 60_000);
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    output: () => out,
    stop: () => stopChild(child),
  };
}

export function waitForOutput(child: ChildProcess, read: () => string, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`Timed out waiting for ${pattern}; output:\n${read()}`)), timeoutMs);
    const check = () => pattern.test(read()) && done();
    const onExit = (code: number | null) => done(new Error(`Process exited (${code}) before ${pattern}; output:\n${read()}`));
    const done = (err?: Error) => {
      clearTimeout(timer);
      clearInterval(poll);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve();
    };
    const poll = setInterval(check, 50);
    child.on("exit", onExit);
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  });
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
