// Kiosk devices over real HTTP (issue #6): pairing codes, revocation, walk-ins, reprint by the
// kiosk's own token. The worker is off so the CRM and mail jobs stay in the queue to be seen.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import type { Actor } from "../../app/utils/permissions.server";
import { createKiosk, createPrinter, ctxPerFile, register, scan } from "./helpers";

const ctx = ctxPerFile({ env: { WORKER: "off" } });
let manager: Actor;
let svc: typeof import("../../app/services/kiosk/devices.server");

beforeAll(async () => {
  svc = await import("../../app/services/kiosk/devices.server");
  const row = await ctx.db.prisma().apiToken.findFirstOrThrow({ where: { role: "manager" } });
  manager = { type: "token", id: row.id, role: "manager", exhibitorId: null, eventId: null, kioskId: null };
});

const pair = (code: string) => ctx.call("/api/v1/kiosk/pair", "POST", undefined, { code });
const jobKeyed = async (key: string) =>
  (await ctx.db.pool().query(`SELECT payload FROM graphile_worker._private_jobs WHERE key = $1`, [key])).rows[0]?.payload ?? null;

describe("pairing a device", () => {
  test("a one-time code (8 unambiguous characters, stored hashed) gives a working kiosk token; the code works once", async () => {
    const kiosk = await ctx.db.prisma().kiosk.create({ data: { eventId: ctx.eventId, name: "Вход Б" } });
    const { code, expiresAt } = await svc.createPairingCode(manager, ctx.eventId, kiosk.id);
    expect(code).toMatch(/^[ACDEFGHJKMNPQRTUVWXY34679]{8}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    const stored = await ctx.db.prisma().kioskPairingCode.findMany({ where: { kioskId: kiosk.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0].codeHash).not.toContain(code);

    // Typed with a dash and in lower case, as people do.
    const r = await pair(`${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`);
    expect(r.status).toBe(201);
    expect(r.body.kiosk).toEqual({ id: kiosk.id, name: "Вход Б" });
    const sync = await ctx.call("/api/v1/kiosk/registrations", "GET", r.body.token);
    expect(sync.status).toBe(200);
    expect(sync.body.kiosk.id).toBe(kiosk.id);

    const again = await pair(code);
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe("pairing_code_used");
  });

  test("an expired code, an unknown code and a replaced code are refused with their own codes", async () => {
    const kiosk = await ctx.db.prisma().kiosk.create({ data: { eventId: ctx.eventId, name: "Вход В" } });
    const old = await svc.createPairingCode(manager, ctx.eventId, kiosk.id, new Date(Date.now() - 11 * 60_000));
    expect((await pair(old.code)).body.error.code).toBe("pairing_code_expired");
    expect((await pair("ZZZZZZZZ")).body.error.code).toBe("pairing_code_invalid");
    const first = await svc.createPairingCode(manager, ctx.eventId, kiosk.id);
    const second = await svc.createPairingCode(manager, ctx.eventId, kiosk.id);
    expect((await pair(first.code)).body.error.code).toBe("pairing_code_invalid");
    expect((await pair(second.code)).status).toBe(201);
  });

  test("revoking a kiosk's devices makes their tokens 401 at once; another kiosk keeps working", async () => {
    const a = await createKiosk(ctx, { name: "Киоск А" });
    const b = await createKiosk(ctx, { name: "Киоск Б" });
    expect((await ctx.call("/api/v1/kiosk/status?health=0", "GET", a.token)).status).toBe(200);
    expect(await svc.revokeKioskDevices(manager, ctx.eventId, a.id)).toBe(1);
    expect((await ctx.call("/api/v1/kiosk/status?health=0", "GET", a.token)).status).toBe(401);
    expect((await ctx.call("/api/v1/kiosk/status?health=0", "GET", b.token)).status).toBe(200);
    const rows = await svc.listKiosks(manager, ctx.eventId);
    expect(rows.find((k) => k.id === a.id)).toMatchObject({ devices: 0 });
    expect(rows.find((k) => k.id === b.id)).toMatchObject({ devices: 1, online: true });
    // A kiosk of the event cannot be reached through another event's id.
    await expect(svc.revokeKioskDevices(manager, randomUUID(), b.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe("DELETE /api/v1/kiosk/pair", () => {
  test("a device unpairs itself: its own token stops working; other callers cannot use it", async () => {
    const k = await createKiosk(ctx, { name: "Самоотключение" });
    expect((await ctx.call("/api/v1/kiosk/pair", "DELETE", ctx.managerToken)).status).toBe(403);
    expect((await ctx.call("/api/v1/kiosk/pair", "DELETE", k.token)).status).toBe(204);
    expect((await ctx.call("/api/v1/kiosk/status?health=0", "GET", k.token)).status).toBe(401);
  });
});

describe("POST /api/v1/kiosk/walk-ins", () => {
  test("registers like a public registration (CRM jobs queued), checks in and creates a print job; a replay is the same answer and no second person", async () => {
    const printer = await createPrinter(ctx, "raw_tcp", "127.0.0.1:9", "Zebra walk-in");
    const k = await createKiosk(ctx, { name: "Стойка", printerId: printer.id });
    const clientId = randomUUID();
    const body = { clientId, lastName: "петрова", firstName: "мария", company: "ООО «Вектор»", position: "Инженер", email: "", phone: "" };
    const r = await ctx.call("/api/v1/kiosk/walk-ins", "POST", k.token, body);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ result: "checked_in", registration: { name: "Петрова Мария", company: "ООО «Вектор»", category: "visitor", status: "confirmed" }, kiosk: { id: k.id } });
    expect(r.body.printJob).toMatchObject({ status: expect.any(String), printer: { id: printer.id } });
    const regId = r.body.registration.id;
    const reg = await ctx.db.prisma().registration.findUniqueOrThrow({ where: { id: regId }, include: { person: true } });
    expect(reg).toMatchObject({ eventId: ctx.eventId, source: "kiosk", status: "confirmed", category: "visitor" });
    expect(reg.person.position).toBe("Инженер");
    expect(await jobKeyed(`crm:registration:${regId}`)).toEqual({ entity: "registration", id: regId });
    expect(await jobKeyed(`crm:person:${reg.personId}`)).toEqual({ entity: "person", id: reg.personId });
    expect(await ctx.db.prisma().checkIn.count({ where: { registrationId: regId } })).toBe(1);
    expect(await ctx.db.prisma().printJob.count({ where: { registrationId: regId } })).toBe(1);

    const again = await ctx.call("/api/v1/kiosk/walk-ins", "POST", k.token, body);
    expect(again.body.result).toBe("checked_in");
    expect(again.body.registration.id).toBe(regId);
    expect(await ctx.db.prisma().person.count({ where: { lastName: "Петрова" } })).toBe(1);
    expect(await ctx.db.prisma().printJob.count({ where: { registrationId: regId } })).toBe(1);
  });

  test("the same clientId sent five times at once is one person", async () => {
    const k = await createKiosk(ctx, { name: "Стойка 2" });
    const body = { clientId: randomUUID(), lastName: "Гонкина", firstName: "Вера" };
    const all = await Promise.all([1, 2, 3, 4, 5].map(() => ctx.call("/api/v1/kiosk/walk-ins", "POST", k.token, body)));
    expect(all.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(all.map((a) => a.body.registration.id)).size).toBe(1);
    expect(await ctx.db.prisma().person.count({ where: { lastName: "Гонкина" } })).toBe(1);
  });

  test("an email registered already checks that registration in (invitation mailed only for new people); bad fields are 422 per field", async () => {
    const k = await createKiosk(ctx, { name: "Стойка 3", categories: ["visitor", "vip"] });
    const first = await ctx.call("/api/v1/kiosk/walk-ins", "POST", k.token, { clientId: randomUUID(), lastName: "Орлов", firstName: "Игорь", email: "Orlov@Example.com" });
    expect(first.body.result).toBe("checked_in");
    const mails = await ctx.db.pool().query(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'send-mail' AND j.payload->>'registrationId' = $1`, [first.body.registration.id]);
    expect(mails.rows[0].n).toBe(1);
    const second = await ctx.call("/api/v1/kiosk/walk-ins", "POST", k.token, { clientId: randomUUID(), lastName: "Орлов", firstName: "Игорь", email: "orlov@example.com" });
    expect(second.body).toMatchObject({ result: "already_checked_in", registration: { id: first.body.registration.id } });

    const bad = await ctx.call("/api/v1/kiosk/walk-ins", "POST", k.token, { clientId: randomUUID(), lastName: " ", firstName: "Игорь", email: "not-an-email", phone: "12", category: "media" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toMatchObject({ lastName: "Required", email: "Invalid email", phone: expect.stringMatching(/phone/) });
    const media = await ctx.call("/api/v1/kiosk/walk-ins", "POST", k.token, { clientId: randomUUID(), lastName: "Медийная", firstName: "Ольга", category: "media" });
    expect(media.status).toBe(422);
    expect(media.body.error.fields).toEqual({ category: "Not admitted at this kiosk" });
    expect(await ctx.db.prisma().person.count({ where: { lastName: "Медийная" } })).toBe(0);
    expect((await ctx.call("/api/v1/kiosk/walk-ins", "POST", ctx.managerToken, { clientId: randomUUID(), lastName: "А", firstName: "Б" })).status).toBe(403);
  });
});

describe("reprint from the yellow screen", () => {
  test("already_checked_in carries the check-in's print job; the kiosk's own token reprints it with a reason; another event's kiosk cannot", async () => {
    const printer = await createPrinter(ctx, "raw_tcp", "127.0.0.1:9", "Zebra reprint");
    const k = await createKiosk(ctx, { name: "Стойка 4", printerId: printer.id });
    const p = await register(ctx, { lastName: "Повторова" });
    const first = await scan(ctx, k.token, { code: p.code, print: true });
    const again = await scan(ctx, k.token, { code: p.code, print: true });
    expect(again.body.result).toBe("already_checked_in");
    expect(again.body.printJob.id).toBe(first.body.printJob.id);

    const noReason = await ctx.call(`/api/v1/print-jobs/${again.body.printJob.id}/reprint`, "POST", k.token, { reason: " " });
    expect(noReason.status).toBe(422);
    const ok = await ctx.call(`/api/v1/print-jobs/${again.body.printJob.id}/reprint`, "POST", k.token, { reason: "Бейдж потерян", printerId: printer.id });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ source: "reprint", reason: "Бейдж потерян", reprintOfId: first.body.printJob.id });

    const other = await ctx.call("/api/v1/events", "POST", ctx.managerToken, {
      name: "Другая выставка",
      venue: "Зал 2",
      timezone: "Europe/Moscow",
      startsAt: new Date(Date.now() - 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const stranger = await createKiosk(ctx, { name: "Чужой", eventId: other.body.id });
    const refused = await ctx.call(`/api/v1/print-jobs/${again.body.printJob.id}/reprint`, "POST", stranger.token, { reason: "x" });
    expect(refused.status).toBe(404);
  });
});

describe("exit scans (events that count exits)", () => {
  test("off by default: 409 and no inside in attendance; on: check-outs are idempotent, re-entry counts, inside follows", async () => {
    const door = await createKiosk(ctx, { name: "Вход" });
    const out = await createKiosk(ctx, { name: "Выход" });
    await ctx.db.prisma().kiosk.update({ where: { id: out.id }, data: { mode: "exit" } });
    const a = await register(ctx, { lastName: "Уходящий" });
    const b = await register(ctx, { lastName: "Непришедший" });
    const exitScan = (body: Record<string, unknown>) => ctx.call("/api/v1/kiosk/checkouts", "POST", out.token, { clientId: randomUUID(), ...body });
    const attendance = async () => (await ctx.call(`/api/v1/events/${ctx.eventId}/attendance`, "GET", ctx.managerToken)).body;

    expect((await exitScan({ code: a.code })).body.error.code).toBe("exits_not_counted");
    expect(await attendance()).not.toHaveProperty("inside");
    expect((await ctx.call("/api/v1/kiosk/checkouts", "GET", out.token)).body).toEqual({ mode: "entry", countsExits: false, inside: null });

    await svc.setCountsExits(manager, ctx.eventId, true);
    expect((await ctx.call("/api/v1/kiosk/checkouts", "GET", out.token)).body).toMatchObject({ mode: "exit", countsExits: true });
    const before = (await attendance()).inside as number;
    expect((await scan(ctx, door.token, { code: a.code })).body.result).toBe("checked_in");
    expect((await attendance()).inside).toBe(before + 1);

    const clientId = randomUUID();
    const first = await exitScan({ code: a.code, clientId });
    expect(first.body).toMatchObject({ result: "checked_out", registration: { id: a.id }, inside: before });
    const replay = await exitScan({ code: a.code, clientId });
    expect(replay.body).toEqual(first.body);
    expect((await exitScan({ code: a.code })).body).toMatchObject({ result: "already_out", checkedOutAt: first.body.checkedOutAt });
    expect(await ctx.db.prisma().checkOut.count({ where: { registrationId: a.id } })).toBe(1);
    expect((await attendance()).inside).toBe(before);

    // Back in: the entry kiosk answers already_checked_in, and the person counts as inside again.
    expect((await scan(ctx, door.token, { code: a.code })).body.result).toBe("already_checked_in");
    expect((await attendance()).inside).toBe(before + 1);
    expect((await exitScan({ registrationId: a.id })).body.result).toBe("checked_out");

    expect((await exitScan({ code: b.code })).body).toMatchObject({ result: "not_checked_in", registration: { id: b.id } });
    expect((await exitScan({ code: a.code.slice(0, -3) + "AAA" })).body.result).toBe("invalid_code");
    await svc.setCountsExits(manager, ctx.eventId, false);
  });
});

describe("API description and limits", () => {
  test("OpenAPI documents pairing and walk-ins", async () => {
    const doc = await ctx.call("/api/v1/openapi.json");
    expect(doc.body.paths["/api/v1/kiosk/pair"].post.security).toEqual([]);
    expect(doc.body.paths["/api/v1/kiosk/walk-ins"].post.requestBody).toBeTruthy();
    expect(doc.body.paths["/api/v1/kiosk/checkouts"].post.requestBody).toBeTruthy();
  });

  test("pairing attempts are limited per address (429 after 10 in 10 minutes)", async () => {
    await ctx.db.pool().query(`DELETE FROM "RateLimit" WHERE "key" LIKE 'kiosk-pair:%'`);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await pair("QQQQQQQQ")).status);
    expect(statuses.slice(0, 10).every((s) => s === 422)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});
