import { spawn } from "node:child_process";
import net from "node:net";
import { describe, expect, test } from "vitest";
import { freePort } from "../../app/server/embedded-postgres";
import { createTestDatabase } from "../setup/db";
import { runAdmin } from "../setup/app";

function runStart(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "app/server/start.ts"], { env: { ...process.env, LOG_LEVEL: "silent", BUILD_ON_START: "off", SEED_DEMO: "off", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

describe("npm start refuses bad configuration clearly", () => {
  test("a malformed env var: exit 1 with one line naming it", async () => {
    const r = await runStart({ PORT: "eighty" });
    expect(r.code).toBe(1);
    expect(r.output.trim().split("\n")).toEqual([expect.stringMatching(/^Invalid environment variable PORT: /)]);
    const r2 = await runStart({ DATABASE_URL: "mysql://x" });
    expect(r2.code).toBe(1);
    expect(r2.output).toMatch(/Invalid environment variable DATABASE_URL/);
  });

  test("an unreachable database: a clear message after retrying, then a non-zero exit", async () => {
    const port = await freePort();
    const started = Date.now();
    const r = await runStart({ DATABASE_URL: `postgresql://u:secret@127.0.0.1:${port}/x`, DB_WAIT_SECONDS: "2" });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/Cannot reach the database at postgresql:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/x: .*gave up after 2 s/);
    expect(r.output).not.toContain("secret");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  test("a busy port: says which and exits", async () => {
    const blocker = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await runStart({ DATABASE_URL: await createTestDatabase(), PORT: String(port), HOST: "127.0.0.1" });
      expect(r.code).toBe(1);
      expect(r.output).toContain(`Port ${port} is busy`);
    } finally {
      blocker.close();
    }
  });
});

describe("admin CLI", () => {
  test("create-user prints a generated password once; duplicates and bad roles are refused with exit 2", async () => {
    const env = { DATABASE_URL: await createTestDatabase() };
    const ok = await runAdmin(["create-user", "--email", "Boss@Example.com", "--role", "manager", "--name", "Босс"], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const again = await runAdmin(["create-user", "--email", "boss@example.com", "--role", "manager"], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists already");
    const badRole = await runAdmin(["create-user", "--email", "x@example.com", "--role", "king"], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--role must be admin or manager/);
    const viaStdin = await runAdmin(["create-user", "--email", "pw@example.com", "--role", "admin", "--password-stdin"], env, "a-long-enough-password\n");
    expect(viaStdin.code, viaStdin.stderr).toBe(0);
    expect(viaStdin.stdout).toBe("");
  });

  test("create-token needs an exhibitor for exhibitor tokens and rejects unknown commands", async () => {
    const env = { DATABASE_URL: await createTestDatabase() };
    const r = await runAdmin(["create-token", "--role", "exhibitor"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--exhibitor ID is required");
    const unknown = await runAdmin(["frobnicate"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command: frobnicate");
    const token = await runAdmin(["create-token", "--role", "site"], env);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^exd_[A-Za-z0-9_-]{43}\n$/);
    // A bare kiosk token could never check anyone in: refused, pointing to create-kiosk.
    const kiosk = await runAdmin(["create-token", "--role", "kiosk"], env);
    expect(kiosk.code).toBe(2);
    expect(kiosk.stdout).toBe("");
    expect(kiosk.stderr).toContain("create-kiosk --event ID --name N");
  });

  test("list-events prints each event's id, dates in its own zone, zone and name", async () => {
    const env = { DATABASE_URL: await createTestDatabase() };
    const empty = await runAdmin(["list-events"], env);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toBe("");
    expect(empty.stderr).toContain("No events yet.");
    const seeded = await runAdmin(["seed"], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    const r = await runAdmin(["list-events"], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(line).toMatch(/^[0-9a-f-]{36}\t\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}\t[A-Za-z_/]+\t.+$/);
    // The id works where commands need one.
    const id = lines[0].split("\t")[0];
    const kiosk = await runAdmin(["create-kiosk", "--event", id, "--name", "Вход А"], env);
    expect(kiosk.code, kiosk.stderr).toBe(0);
  });
});
