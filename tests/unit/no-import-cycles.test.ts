// Issue #15: no import cycle in the application code (app/, kiosk/, printing/; the generated
// Prisma client excluded). Same graph as the CLI check:
//   madge --circular --extensions ts,tsx --ts-config tsconfig.json --exclude generated app kiosk printing
// A cycle makes module load order matter (a value read before its module finished loading is
// undefined) and ties modules that should be layered; the failure lists every cycle found.
import path from "node:path";
import madge from "madge";
import { describe, expect, test } from "vitest";

const root = path.resolve(__dirname, "../..");

describe("import graph", () => {
  test("app/, kiosk/ and printing/ have no import cycle", { timeout: 180_000 }, async () => {
    const graph = await madge(["app", "kiosk", "printing"].map((d) => path.join(root, d)), {
      baseDir: root,
      fileExtensions: ["ts", "tsx"],
      tsConfig: path.join(root, "tsconfig.json"),
      excludeRegExp: [/generated/],
    });
    // The graph really was built (a wrong path or config would find no files and no cycle).
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    const cycles = graph.circular();
    const report = cycles.map((c, i) => `${i + 1}) ${[...c, c[0]].join(" -> ")}`).join("\n");
    expect(cycles.length, `${cycles.length} import cycle(s):\n${report}`).toBe(0);
  });
});
