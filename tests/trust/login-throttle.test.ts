// Issue #11 item 8: parallel login attempts are counted before the password is verified, so
// 30 wrong guesses at once verify at most the limit; the rest are refused as locked.
// Item 9 (part): a resent set-password link revokes the earlier ones.
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createTestDatabase, queryDb } from "../setup/db";

// Every password verification is counted: the throttle must stop guesses before this point.
const verified = vi.hoisted(() => ({ count: 0 }));
vi.mock("@node-rs/argon2", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@node-rs/argon2")>();
  return {
    ...actual,
    verify: (...args: Parameters<typeof actual.verify>) => {
      verified.count++;
      return actual.verify(...args);
    },
  };
});

let url: string;
let auth: typeof import("../../app/utils/auth.server");
const EMAIL = "throttle@expo.example";
const PASSWORD = "right-password-2026";

beforeAll(async () => {
  url = await createTestDatabase();
  process.env.DATABASE_URL = url;
  auth = await import("../../app/utils/auth.server");
  const passwordHash = await auth.hashPassword(PASSWORD);
  await queryDb(url, `INSERT INTO "User" (email, name, role, "passwordHash") VALUES ($1, 'Пробный', 'manager', $2)`, [EMAIL, passwordHash]);
  for (const who of [...Array.from({ length: 30 }, (_, i) => `other${i}`), "seq", "lock", "link1", "link2"])
    await queryDb(url, `INSERT INTO "User" (email, name, role, "passwordHash") VALUES ($1, 'Другой', 'manager', $2)`, [
      `${who}@expo.example`,
      passwordHash,
    ]);
});
afterAll(async () => {
  const { closeDb } = await import("../../app/utils/db.server");
  await closeDb();
});

describe("login throttling under parallel attempts", () => {
  test("30 parallel wrong passwords for one account: at most 5 are verified, the rest are refused as locked", async () => {
    verified.count = 0;
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => auth.attemptLogin(EMAIL, `wrong-${i}`, "198.51.100.1")));
    expect(verified.count).toBeLessThanOrEqual(auth.THROTTLE.accountFailures);
    expect(verified.count).toBeGreaterThan(0);
    const locked = results.filter((r) => !r.ok && r.reason === "locked");
    const invalid = results.filter((r) => !r.ok && r.reason === "invalid");
    expect(locked.length + invalid.length).toBe(30);
    expect(invalid.length).toBeLessThan(auth.THROTTLE.accountFailures);
    expect(locked.length).toBeGreaterThanOrEqual(30 - auth.THROTTLE.accountFailures);
    // Locked means locked: the right password is not even verified now.
    verified.count = 0;
    const right = await auth.attemptLogin(EMAIL, PASSWORD, "198.51.100.2");
    expect(right).toMatchObject({ ok: false, reason: "locked" });
    expect(verified.count).toBe(0);
  });

  test("30 parallel guesses from one address at 30 accounts: at most 20 are verified", async () => {
    verified.count = 0;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => auth.attemptLogin(`other${i}@expo.example`, "wrong", "203.0.113.9")),
    );
    expect(verified.count).toBeLessThanOrEqual(auth.THROTTLE.ipFailures);
    expect(results.filter((r) => !r.ok && r.reason === "locked").length).toBeGreaterThanOrEqual(30 - auth.THROTTLE.ipFailures);
    // Other addresses are not affected.
    expect(await auth.attemptLogin("other0@expo.example", PASSWORD, "203.0.113.10")).toMatchObject({ ok: true });
  });

  test("sequential: four wrong, then the right password works and clears the account's count", async () => {
    const email = "seq@expo.example";
    const ip = "192.0.2.50";
    for (let i = 0; i < 4; i++) expect(await auth.attemptLogin(email, `bad-${i}`, ip)).toMatchObject({ ok: false, reason: "invalid" });
    expect(await auth.attemptLogin(email, PASSWORD, ip)).toMatchObject({ ok: true });
    const rows = await queryDb<{ key: string; failures: number }>(url, `SELECT key, failures FROM "LoginThrottle" WHERE key IN ($1, $2)`, [
      `account:${email}`,
      `ip:${ip}`,
    ]);
    expect(rows).toEqual([{ key: `ip:${ip}`, failures: 4 }]);
  });

  test("the fifth wrong password locks; an expired lock opens a fresh window", async () => {
    const email = "lock@expo.example";
    const ip = "192.0.2.60";
    for (let i = 0; i < 4; i++) await auth.attemptLogin(email, `bad-${i}`, ip);
    expect(await auth.attemptLogin(email, "bad-5", ip)).toMatchObject({ ok: false, reason: "locked" });
    await queryDb(url, `UPDATE "LoginThrottle" SET "lockedUntil" = now() - interval '1 second' WHERE key = $1`, [`account:${email}`]);
    expect(await auth.attemptLogin(email, PASSWORD, ip)).toMatchObject({ ok: true });
  });
});

describe("set-password links", () => {
  test("a new link revokes the earlier unused ones; setting the password revokes any left", async () => {
    const [{ id: userId }] = await queryDb<{ id: string }>(url, `SELECT id FROM "User" WHERE email = 'link1@expo.example'`);
    const first = await auth.createPasswordToken(userId);
    const second = await auth.createPasswordToken(userId);
    expect(await auth.findPasswordToken(first)).toBeNull();
    expect(await auth.findPasswordToken(second)).not.toBeNull();
    expect(await auth.consumePasswordToken(first, "new-password-2026")).toBe(false);
    expect(await auth.consumePasswordToken(second, "new-password-2026")).toBe(true);
    expect(await auth.consumePasswordToken(second, "again-password-2026")).toBe(false);
  });

  test("resendPasswordLink (the manager's button) makes the first mailed link stop working", async () => {
    const { sendPasswordLink } = await import("../../app/services/accounts.server");
    const { migrateJobs } = await import("../../app/utils/jobs.server");
    await migrateJobs(url);
    const [{ id: userId }] = await queryDb<{ id: string }>(url, `SELECT id FROM "User" WHERE email = 'link2@expo.example'`);
    await sendPasswordLink(userId);
    await sendPasswordLink(userId);
    const links = await queryDb<{ link: string }>(
      url,
      `SELECT j.payload->>'link' AS link FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       WHERE t.identifier = 'send-mail' AND j.payload->>'userId' = $1 ORDER BY j.id`,
      [userId],
    );
    expect(links).toHaveLength(2);
    const token = (l: string) => l.replace(/^.*\/set-password\//, "");
    expect(await auth.findPasswordToken(token(links[0].link))).toBeNull();
    expect(await auth.findPasswordToken(token(links[1].link))).not.toBeNull();
  });
});
