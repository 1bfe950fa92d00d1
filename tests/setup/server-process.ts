// The app server (`npm start`'s entry) as a child process, and waiting on / stopping children.
// No vitest here: the bench (bench/checkin-server.ts, bench/crm.ts) starts servers with it too.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../app/server/embedded-postgres";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type ServerProcess = { child: ChildProcess; url: string; output: () => string };

/**
 * Starts app/server/start.ts in production mode on a free loopback port against `databaseUrl`
 * and resolves once it says it is running. `env` goes last, so it may override any default.
 */
export async function spawnServer(opts: {
  databaseUrl: string;
  dataDir: (port: number) => string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  timeoutMs: number;
}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "--import", "tsx", "app/server/start.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      APP_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: opts.dataDir(port),
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  await waitForOutput(child, () => out, /is running at/, opts.timeoutMs);
  return { child, url: `http://127.0.0.1:${port}`, output: () => out };
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
