// The bench's app server, as `npm start` runs it, and the kiosk's HTTP call (bench/checkin.ts).
import { existsSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { root, spawnServer, stopChild } from "../tests/setup/server-process";

export type Server = { url: string; pid: number; stop: () => Promise<void> };

export async function startServer(databaseUrl: string, dataDir: string, worker: boolean): Promise<Server> {
  // BENCH_CPU_PROF=dir: the server writes a V8 CPU profile there when it stops (docs/performance.md).
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(process.env.BENCH_CPU_PROF)] : [];
  const server = await spawnServer({
    databaseUrl,
    dataDir: () => dataDir,
    nodeArgs: prof,
    env: {
      SEED_DEMO: "off",
      WORKER: worker ? "on" : "off",
      BUILD_ON_START: existsSync(path.join(root, "build/server/index.js")) ? "off" : "auto",
    },
    timeoutMs: 120_000,
  });
  return { url: server.url, pid: server.child.pid!, stop: () => stopChild(server.child) };
}

export function request(base: string, agent: http.Agent, token: string, body: unknown): Promise<unknown> {
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
