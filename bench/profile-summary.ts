// Summarises a V8 .cpuprofile (from `node --cpu-prof`, see BENCH_CPU_PROF in bench/checkin.ts):
// top functions by self time, and self time grouped by package / app area.
//   npx tsx bench/profile-summary.ts file.cpuprofile [fromSec toSec [top=25]]
// fromSec/toSec: only samples in that window of the profile (e.g. the measured load, not startup).
import { readFileSync } from "node:fs";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

/** Where a frame's code lives: a package name, an app area, or node's own internals. */
export function area(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native/V8)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith("node:")) return url.replace(/^node:internal\//, "node:").split("/").slice(0, 2).join("/");
  const app = /\/(build\/server|app\/[^/]+|bench|kiosk|printing)\//.exec(url);
  return app ? app[1] : url;
}

const p0 = (s: string | undefined, d: number) => (s === undefined || s === "" ? d : Number(s));

function main() {
  const [file, fromArg, toArg, topArg] = process.argv.slice(2);
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const from = p0(fromArg, 0) * 1e6;
  const to = p0(toArg, Infinity) * 1e6;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t - p.startTime < from || t - p.startTime >= to) continue;
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const f = n.callFrame;
    const short = f.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(app|build|bench)\//, "$1/");
    const key = `${f.functionName || "(anonymous)"} ${short ? `${short}:${f.lineNumber + 1}` : ""}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const a = area(f.url, f.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
  }
  const pct = (us: number) => ((100 * us) / total).toFixed(1).padStart(5) + "%";
  const idle = (fns.get("(idle)") ?? 0);
  process.stdout.write(`profile ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s, window ${fromArg ?? 0}-${toArg ?? "end"} s, sampled ${(total / 1e6).toFixed(1)} s, idle ${pct(idle)}\n\n`);
  process.stdout.write("| self | area |\n|---:|---|\n");
  for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1]).slice(0, 20)) process.stdout.write(`| ${pct(us)} | ${a} |\n`);
  process.stdout.write("\n| self | function |\n|---:|---|\n");
  for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, Number(topArg ?? 25))) process.stdout.write(`| ${pct(us)} | \`${f}\` |\n`);
}

if (process.argv[1]?.endsWith("profile-summary.ts")) main();
