// Check-in rules over real HTTP against the real server (issue #6, server side): one scan at a time.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { checkInsOf, createKiosk, ctxPerFile, forge, register, scan, twoKiosks } from "./helpers";

const ctx = ctxPerFile();
let k1: Awaited<ReturnType<typeof createKiosk>>;
let k2: Awaited<ReturnType<typeof createKiosk>>;
let visitorsOnly: Awaited<ReturnType<typeof createKiosk>>;

beforeAll(async () => {
  [k1, k2] = await twoKiosks(ctx);
  visitorsOnly = await createKiosk(ctx, { name: "Вход посетителей", categories: ["visitor", "vip"] });
});

describe("POST /api/v1/kiosk/checkins", () => {
  test("a valid code checks in once; the same person again is already_checked_in with when and where", async () => {
    const p = await register(ctx, { lastName: "Смирнова", firstName: "Анна", middleName: "Сергеевна", company: "ООО «Ромашка»" });
    const first = await scan(ctx, k1.token, { code: p.code });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      result: "checked_in",
      reason: null,
      registration: { id: p.id, name: "Смирнова Анна Сергеевна", company: "ООО «Ромашка»", category: "visitor" },
      kiosk: { id: k1.id, name: "Киоск 1" },
    });
    expect(Date.parse(first.body.checkedInAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(first.body).not.toHaveProperty("printJob");

    const again = await scan(ctx, k2.token, { code: p.code });
    expect(again.body).toMatchObject({
      result: "already_checked_in",
      reason: "duplicate",
      checkedInAt: first.body.checkedInAt,
      kiosk: { id: k1.id, name: "Киоск 1" },
    });
    expect(await checkInsOf(ctx, p.id)).toHaveLength(1);
  });

  test("the same clientId twice (and five times at once) is one check-in with the same answer", async () => {
    const p = await register(ctx, {});
    const clientId = randomUUID();
    const a = await scan(ctx, k1.token, { code: p.code, clientId });
    const b = await scan(ctx, k1.token, { code: p.code, clientId });
    expect(a.body.result).toBe("checked_in");
    expect(b.body).toEqual(a.body);

    const q = await register(ctx, {});
    const same = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => scan(ctx, k1.token, { code: q.code, clientId: same })));
    expect(answers.map((r) => r.body.result)).toEqual(Array(5).fill("checked_in"));
    expect(new Set(answers.map((r) => r.body.checkedInAt)).size).toBe(1);
    expect(await checkInsOf(ctx, q.id)).toHaveLength(1);
    expect((await checkInsOf(ctx, p.id)).map((c) => c.clientId)).toEqual([clientId]);
  });

  test("two kiosks scanning the same person at the same moment: exactly one checked_in and one already_checked_in", async () => {
    const people = await Promise.all(Array.from({ length: 12 }, () => register(ctx, {})));
    const pairs = await Promise.all(
      people.map((p) => Promise.all([scan(ctx, k1.token, { code: p.code }), scan(ctx, k2.token, { code: p.code })])),
    );
    for (const [i, pair] of pairs.entries()) {
      expect(pair.map((r) => r.body.result).sort()).toEqual(["already_checked_in", "checked_in"]);
      const winner = pair.find((r) => r.body.result === "checked_in")!;
      const loser = pair.find((r) => r.body.result === "already_checked_in")!;
      expect(loser.body.kiosk).toEqual(winner.body.kiosk);
      expect(loser.body.checkedInAt).toBe(winner.body.checkedInAt);
      expect(await checkInsOf(ctx, people[i].id)).toHaveLength(1);
    }
    const logged = await ctx.db
      .pool()
      .query(`SELECT count(*)::int AS n FROM "ScanLog" WHERE "registrationId" = ANY($1) AND "result" = 'already_checked_in'`, [
        people.map((p) => p.id),
      ]);
    expect(logged.rows[0].n).toBe(12);
  });

  test("a code with one character changed is invalid_code, anywhere in it", async () => {
    const p = await register(ctx, {});
    for (const at of [0, 1, 3, 20, p.code.length - 40, p.code.length - 1]) {
      const r = await scan(ctx, k1.token, { code: forge(p.code, at) });
      expect(r.status).toBe(200);
      expect(r.body, `changed at ${at}`).toMatchObject({ result: "invalid_code", registration: null, checkedInAt: null });
      expect(["malformed", "unknown-key", "bad-signature"]).toContain(r.body.reason);
    }
    expect(await checkInsOf(ctx, p.id)).toHaveLength(0);
    const ok = await scan(ctx, k1.token, { code: p.code });
    expect(ok.body.result).toBe("checked_in");
  });

  test("a code typed through the Russian keyboard layout (USB scanner) still verifies", async () => {
    const p = await register(ctx, {});
    const us = "qwertyuiopasdfghjklzxcvbnm";
    const ru = "йцукенгшщзфывапролдячсмить";
    const typed = Array.from(p.code, (ch) => {
      const i = us.indexOf(ch.toLowerCase());
      if (i < 0) return ch;
      return ch === ch.toLowerCase() ? ru[i] : ru[i].toUpperCase();
    }).join("");
    expect(typed).not.toBe(p.code);
    expect((await scan(ctx, k1.token, { code: typed })).body.result).toBe("checked_in");
  });

  test("cancelled and rejected registrations are cancelled; pending approval is not admitted", async () => {
    const c = await register(ctx, { status: "cancelled" });
    const r = await register(ctx, { status: "rejected", category: "media" });
    const pending = await register(ctx, { status: "pending_approval", category: "media" });
    expect((await scan(ctx, k1.token, { code: c.code })).body).toMatchObject({
      result: "cancelled",
      reason: "cancelled",
      registration: { id: c.id },
    });
    expect((await scan(ctx, k1.token, { code: r.code })).body).toMatchObject({ result: "cancelled", reason: "rejected" });
    expect((await scan(ctx, k1.token, { code: pending.code })).body).toMatchObject({ result: "not_admitted", reason: "pending_approval" });
    for (const x of [c, r, pending]) expect(await checkInsOf(ctx, x.id)).toHaveLength(0);
  });

  test("a category the kiosk does not admit is not_admitted; the same person checks in at a kiosk that admits it", async () => {
    const m = await register(ctx, { category: "media" });
    const refused = await scan(ctx, visitorsOnly.token, { code: m.code });
    expect(refused.body).toMatchObject({
      result: "not_admitted",
      reason: "category_not_admitted",
      registration: { id: m.id, category: "media" },
    });
    expect(await checkInsOf(ctx, m.id)).toHaveLength(0);
    expect((await scan(ctx, k1.token, { code: m.code })).body.result).toBe("checked_in");
    const v = await register(ctx, { category: "vip" });
    expect((await scan(ctx, visitorsOnly.token, { code: v.code })).body.result).toBe("checked_in");
  });

  test("a refused scan replayed gets its first answer even after the registration changed", async () => {
    const c = await register(ctx, { status: "cancelled" });
    const clientId = randomUUID();
    expect((await scan(ctx, k1.token, { code: c.code, clientId })).body.result).toBe("cancelled");
    await ctx.db.prisma().registration.update({ where: { id: c.id }, data: { status: "confirmed" } });
    expect((await scan(ctx, k1.token, { code: c.code, clientId })).body.result).toBe("cancelled");
    expect(await checkInsOf(ctx, c.id)).toHaveLength(0);
    expect((await scan(ctx, k1.token, { code: c.code })).body.result).toBe("checked_in");
  });

  test("registrationId (manual search) checks in; unknown or another event's registration is not_found", async () => {
    const p = await register(ctx, {});
    expect((await scan(ctx, k1.token, { registrationId: p.id })).body).toMatchObject({ result: "checked_in", registration: { id: p.id } });
    expect((await scan(ctx, k1.token, { registrationId: randomUUID() })).body).toMatchObject({ result: "not_found", registration: null });
    const other = await ctx.call("/api/v1/events", "POST", ctx.managerToken, {
      name: "Другая",
      venue: "Там",
      timezone: "Asia/Yekaterinburg",
      startsAt: "2030-01-01T10:00:00+05:00",
      endsAt: "2030-01-02T10:00:00+05:00",
    });
    const stranger = await register(ctx, { eventId: other.body.id });
    expect((await scan(ctx, k1.token, { registrationId: stranger.id })).body.result).toBe("not_found");
    // Its code is signed with the other event's key: not a ticket for this event at all.
    expect((await scan(ctx, k1.token, { code: stranger.code })).body).toMatchObject({ result: "invalid_code", reason: "unknown-key" });
  });

  test("one check-in per event-local day: yesterday's check-in does not block today", async () => {
    const p = await register(ctx, {});
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const y = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k1.token, {
      items: [{ code: p.code, clientId: randomUUID(), scannedAt: yesterday }],
    });
    expect(y.body.results[0].result).toBe("checked_in");
    expect((await scan(ctx, k1.token, { code: p.code })).body.result).toBe("checked_in");
    expect((await scan(ctx, k2.token, { code: p.code })).body.result).toBe("already_checked_in");
    const rows = await checkInsOf(ctx, p.id);
    expect(rows).toHaveLength(2);
    const moscowDay = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow" }).format(d);
    expect(rows.map((r) => r.day).sort()).toEqual([moscowDay(new Date(yesterday)), moscowDay(new Date())].sort());
  });

  test("auth and validation: no token 401, a manager token 403, bad bodies 422, a clientId of another registration 409", async () => {
    const p = await register(ctx, {});
    expect((await ctx.call("/api/v1/kiosk/checkins", "POST", undefined, { code: p.code, clientId: randomUUID() })).status).toBe(401);
    expect((await ctx.call("/api/v1/kiosk/checkins", "POST", ctx.managerToken, { code: p.code, clientId: randomUUID() })).status).toBe(403);
    const unpaired = (await ctx.db.createApiToken({ role: "kiosk", name: "unpaired" })).token;
    const r403 = await ctx.call("/api/v1/kiosk/checkins", "POST", unpaired, { code: p.code, clientId: randomUUID() });
    expect(r403.body.error.code).toBe("kiosk_not_paired");
    const bad = await ctx.call("/api/v1/kiosk/checkins", "POST", k1.token, { code: p.code, clientId: "not-a-uuid" });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields)).toEqual(["clientId"]);
    const both = await ctx.call("/api/v1/kiosk/checkins", "POST", k1.token, { code: p.code, registrationId: p.id, clientId: randomUUID() });
    expect(both.status).toBe(422);
    expect((await ctx.call("/api/v1/kiosk/checkins", "POST", k1.token, { clientId: randomUUID() })).status).toBe(422);
    const clientId = randomUUID();
    expect((await scan(ctx, k1.token, { code: p.code, clientId })).body.result).toBe("checked_in");
    const q = await register(ctx, {});
    const reused = await scan(ctx, k1.token, { code: q.code, clientId });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("client_id_reused");
  });
});
