// Issue #11 item 4: a state change and its audit entry commit together, or neither does.
// A trigger makes every AuditLog insert fail; each audited change must then leave nothing behind.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, queryDb } from "../setup/db";
import type { Actor } from "../../app/utils/permissions.server";

let url: string;
const manager: Actor = { type: "user", id: randomUUID(), role: "manager", exhibitorId: null };
const ids: Record<string, string> = {};

type Services = {
  events: typeof import("../../app/services/events/events.server");
  exhibitors: typeof import("../../app/services/exhibitors/exhibitors.server");
  cabinet: typeof import("../../app/services/exhibitors/cabinet.server");
  accounts: typeof import("../../app/services/accounts.server");
  kiosk: typeof import("../../app/services/kiosk/devices.server");
};
let s: Services;

const breakAudit = () =>
  queryDb(
    url,
    `CREATE OR REPLACE FUNCTION test_audit_down() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit log is down'; END $$ LANGUAGE plpgsql;
     CREATE TRIGGER test_audit_down BEFORE INSERT ON "AuditLog" FOR EACH ROW EXECUTE FUNCTION test_audit_down();`,
  );
const mendAudit = () => queryDb(url, `DROP TRIGGER IF EXISTS test_audit_down ON "AuditLog"`);
const DOWN = /audit log is down/;
const one = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => (await queryDb<T>(url, sql, params))[0];

beforeAll(async () => {
  url = await createTestDatabase();
  process.env.DATABASE_URL = url;
  process.env.DATA_DIR ??= "tests/.tmp/audit-atomic";
  const { migrateJobs } = await import("../../app/utils/jobs.server");
  await migrateJobs(url);
  await queryDb(url, `INSERT INTO "User" (id, email, name, role) VALUES ($1, 'manager@audit.example', 'Менеджер', 'manager')`, [
    manager.id,
  ]);
  s = {
    events: await import("../../app/services/events/events.server"),
    exhibitors: await import("../../app/services/exhibitors/exhibitors.server"),
    cabinet: await import("../../app/services/exhibitors/cabinet.server"),
    accounts: await import("../../app/services/accounts.server"),
    kiosk: await import("../../app/services/kiosk/devices.server"),
  };
  const ev = await s.events.createEvent(manager, {
    name: "Иннопром",
    venue: "Екатеринбург-ЭКСПО",
    timezone: "Asia/Yekaterinburg",
    startsAt: "2030-07-07T10:00:00+05:00",
    endsAt: "2030-07-10T17:00:00+05:00",
  });
  ids.event = ev.id;
  const company = (name: string) => ({
    name,
    city: "Екатеринбург",
    phones: ["+73432000000"],
    emails: [`info@${name.toLowerCase()}.example`],
  });
  ids.a = (await s.exhibitors.createExhibitor(manager, ev.id, { company: company("Alpha"), stand: "A1", staffQuota: 5 })).id;
  ids.b = (await s.exhibitors.createExhibitor(manager, ev.id, { company: company("Beta"), stand: "B1", staffQuota: 5 })).id;
});
afterAll(async () => {
  const { closeDb } = await import("../../app/utils/db.server");
  await closeDb();
});

describe("audited changes with the audit log failing", () => {
  test("lock: the write fails and the cabinet stays unlocked, with no audit row", async () => {
    const auditBefore = Number((await one<{ n: string }>(`SELECT count(*) AS n FROM "AuditLog"`)).n);
    await breakAudit();
    try {
      await expect(s.cabinet.lockExhibitor(manager, ids.a, "Проверка")).rejects.toThrow(DOWN);
    } finally {
      await mendAudit();
    }
    const ex = await one<{ lockedAt: Date | null; lockReason: string | null }>(
      `SELECT "lockedAt", "lockReason" FROM "Exhibitor" WHERE id = $1`,
      [ids.a],
    );
    expect(ex).toEqual({ lockedAt: null, lockReason: null });
    expect(Number((await one<{ n: string }>(`SELECT count(*) AS n FROM "AuditLog"`)).n)).toBe(auditBefore);
  });

  test("unlock: the cabinet stays locked", async () => {
    await s.cabinet.lockExhibitor(manager, ids.a, "Проверка");
    await breakAudit();
    try {
      await expect(s.cabinet.unlockExhibitor(manager, ids.a)).rejects.toThrow(DOWN);
    } finally {
      await mendAudit();
    }
    expect((await one<{ lockReason: string }>(`SELECT "lockReason" FROM "Exhibitor" WHERE id = $1`, [ids.a])).lockReason).toBe("Проверка");
    await s.cabinet.unlockExhibitor(manager, ids.a);
  });

  test("lock-all: no cabinet of the event is locked, not even the first ones", async () => {
    await breakAudit();
    try {
      await expect(s.cabinet.lockAllOfEvent(manager, ids.event, true, "Монтаж")).rejects.toThrow(DOWN);
    } finally {
      await mendAudit();
    }
    const locked = await queryDb(url, `SELECT id FROM "Exhibitor" WHERE "eventId" = $1 AND "lockedAt" IS NOT NULL`, [ids.event]);
    expect(locked).toEqual([]);
    // And with the log working, all of them lock, each with its entry.
    expect(await s.cabinet.lockAllOfEvent(manager, ids.event, true, "Монтаж")).toBe(2);
    const entries = await queryDb(url, `SELECT "entityId" FROM "AuditLog" WHERE action = 'cabinet.lock' AND "eventId" = $1`, [ids.event]);
    expect(entries.length).toBeGreaterThanOrEqual(2);
    await s.cabinet.lockAllOfEvent(manager, ids.event, false, null);
  });

  test("deadline extension: the old deadline stays", async () => {
    await breakAudit();
    try {
      await expect(s.cabinet.setDeadlineOverride(manager, ids.b, new Date("2030-07-05T00:00:00Z"))).rejects.toThrow(DOWN);
    } finally {
      await mendAudit();
    }
    expect(
      (await one<{ deadlineOverride: Date | null }>(`SELECT "deadlineOverride" FROM "Exhibitor" WHERE id = $1`, [ids.b])).deadlineOverride,
    ).toBeNull();
  });

  test("staff add, exhibitor and event edits, a new login, a kiosk: nothing is written", async () => {
    const counts = async () =>
      one<{ regs: string; jobs: string; users: string; kiosks: string; events: string }>(
        `SELECT (SELECT count(*) FROM "Registration") AS regs, (SELECT count(*) FROM graphile_worker.jobs) AS jobs,
                (SELECT count(*) FROM "User") AS users, (SELECT count(*) FROM "Kiosk") AS kiosks, (SELECT count(*) FROM "Event") AS events`,
      );
    const before = await counts();
    await breakAudit();
    try {
      await expect(
        s.cabinet.addStaff(manager, ids.a, { lastName: "Иванов", firstName: "Иван", email: "ivanov@alpha.example" }),
      ).rejects.toThrow(DOWN);
      await expect(s.exhibitors.updateExhibitor(manager, ids.a, { stand: "Z9" })).rejects.toThrow(DOWN);
      await expect(s.events.updateEvent(manager, ids.event, { name: "Другое" })).rejects.toThrow(DOWN);
      await expect(
        s.events.createEvent(manager, {
          name: "Новое",
          venue: "Москва",
          timezone: "Europe/Moscow",
          startsAt: "2031-01-01T10:00:00+03:00",
          endsAt: "2031-01-02T10:00:00+03:00",
        }),
      ).rejects.toThrow(DOWN);
      await expect(s.accounts.createCabinetAccount(manager, ids.a, { email: "boss@alpha.example", name: "Босс" })).rejects.toThrow(DOWN);
      await expect(
        s.kiosk.saveKiosk(manager, ids.event, null, { name: "Вход 1", location: null, printerId: null, categories: [] }),
      ).rejects.toThrow(DOWN);
    } finally {
      await mendAudit();
    }
    expect(await counts()).toEqual(before);
    expect((await one<{ stand: string }>(`SELECT stand FROM "Exhibitor" WHERE id = $1`, [ids.a])).stand).toBe("A1");
    expect((await one<{ name: string }>(`SELECT name FROM "Event" WHERE id = $1`, [ids.event])).name).toBe("Иннопром");
  });
});
