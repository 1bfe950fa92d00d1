import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { env } from "../utils/env.server";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "generated" || entry.name === "server") continue;
      newest = Math.max(newest, newestMtime(full));
    } else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** `npm start` on a fresh clone builds once; later starts reuse the build unless app/ changed. */
export function buildIfNeeded(log: (m: string) => void): void {
  const entry = path.resolve(env().BUILD_DIR, "server/index.js");
  const sources = Math.max(newestMtime(path.resolve("app")), existsSync("kiosk") ? newestMtime(path.resolve("kiosk")) : 0);
  if (existsSync(entry) && statSync(entry).mtimeMs >= sources) return;
  log("Building the web app (first start or changed sources)...");
  const started = Date.now();
  // Vite's warnings (empty chunks of resource routes, comments Rollup drops) mean nothing to
  // someone starting the app: its output is shown only when the build fails.
  const r = spawnSync(process.execPath, [path.resolve("node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? ""}`);
    throw new Error("The build failed (see above)");
  }
  log(`Built in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}
