// Check-in rules over real HTTP against the real server (issue #6, server side).
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createKiosk, forge, register, scan, setup, waitFor, type Ctx } from "./helpers";

let ctx: Ctx;
let k1: Awaited<ReturnType<typeof createKiosk>>;
let k2: Awaited<ReturnType<typeof createKiosk>>;
let visitorsOnly: Awaited<ReturnType<typeof createKiosk>>;

beforeAll(async () => {
  ctx = await setup();
  k1 = await createKiosk(ctx, { name: "Киоск 1" });
  k2 = await createKiosk(ctx, { name: "Киоск 2" });
  visitorsOnly = await createKiosk(ctx, { name: "Вход посетителей", categories: ["visitor", "vip"] });
});
afterAll(() => ctx?.app.stop());

const checkInsOf = async (registrationId: string) =>
  (
    await ctx.db
      .pool()
      .query(`SELECT "clientId", "kioskId", "scannedAt", "eventDay"::text AS day FROM "CheckIn" WHERE "registrationId" = $1`, [
        registrationId,
      ])
  ).rows;

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
    expect(await checkInsOf(p.id)).toHaveLength(1);
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
    expect(await checkInsOf(q.id)).toHaveLength(1);
    expect((await checkInsOf(p.id)).map((c) => c.clientId)).toEqual([clientId]);
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
      expect(await checkInsOf(people[i].id)).toHaveLength(1);
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
    expect(await checkInsOf(p.id)).toHaveLength(0);
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
    for (const x of [c, r, pending]) expect(await checkInsOf(x.id)).toHaveLength(0);
  });

  test("a category the kiosk does not admit is not_admitted; the same person checks in at a kiosk that admits it", async () => {
    const m = await register(ctx, { category: "media" });
    const refused = await scan(ctx, visitorsOnly.token, { code: m.code });
    expect(refused.body).toMatchObject({
      result: "not_admitted",
      reason: "category_not_admitted",
      registration: { id: m.id, category: "media" },
    });
    expect(await checkInsOf(m.id)).toHaveLength(0);
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
    expect(await checkInsOf(c.id)).toHaveLength(0);
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
    const rows = await checkInsOf(p.id);
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

describe("POST /api/v1/kiosk/checkins/batch (offline queue)", () => {
  test("20 offline scans in order reach the server exactly once, even when the batch is sent twice", async () => {
    const people = await Promise.all(Array.from({ length: 20 }, (_, i) => register(ctx, { lastName: `Офлайнов${i}` })));
    const t0 = Date.now() - 30 * 60_000;
    const items = people.map((p, i) => ({
      code: p.code,
      clientId: randomUUID(),
      scannedAt: new Date(t0 + i * 1000).toISOString(),
      print: false,
    }));
    const first = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k2.token, { items });
    expect(first.status).toBe(200);
    expect(first.body.results.map((r: { clientId: string }) => r.clientId)).toEqual(items.map((i) => i.clientId));
    expect(first.body.results.every((r: { result: string }) => r.result === "checked_in")).toBe(true);
    expect(first.body.results.map((r: { checkedInAt: string }) => r.checkedInAt)).toEqual(items.map((i) => i.scannedAt));
    const second = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k2.token, { items });
    expect(second.body).toEqual(first.body);
    const rows = await ctx.db.pool().query(`SELECT "clientId" FROM "CheckIn" WHERE "registrationId" = ANY($1)`, [people.map((p) => p.id)]);
    expect(rows.rows.map((r) => r.clientId).sort()).toEqual(items.map((i) => i.clientId).sort());
  });

  test("earliest scan wins: an older offline scan replaces a later online one, which is reported as a duplicate", async () => {
    const p = await register(ctx, {});
    const online = await scan(ctx, k1.token, { code: p.code });
    expect(online.body.result).toBe("checked_in");
    const earlier = new Date(Date.now() - 10 * 60_000).toISOString();
    const offlineId = randomUUID();
    const merged = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k2.token, {
      items: [{ code: p.code, clientId: offlineId, scannedAt: earlier }],
    });
    expect(merged.body.results[0]).toMatchObject({ result: "checked_in", checkedInAt: earlier, kiosk: { id: k2.id } });
    const rows = await checkInsOf(p.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ clientId: offlineId, kioskId: k2.id });
    // The superseded online scan, replayed, now answers with the earlier check-in.
    const replay = await scan(ctx, k1.token, { code: p.code, clientId: online.body.clientId });
    expect(replay.body).toMatchObject({ result: "already_checked_in", reason: "superseded", checkedInAt: earlier, kiosk: { id: k2.id } });
    // A later offline scan does not replace it: duplicate.
    const later = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k1.token, {
      items: [{ code: p.code, clientId: randomUUID(), scannedAt: new Date(Date.now() - 5 * 60_000).toISOString() }],
    });
    expect(later.body.results[0]).toMatchObject({ result: "already_checked_in", reason: "duplicate", checkedInAt: earlier });
    // Within one batch the same person twice: the second is a duplicate.
    const q = await register(ctx, {});
    const twice = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k2.token, {
      items: [
        { code: q.code, clientId: randomUUID(), scannedAt: new Date(Date.now() - 60_000).toISOString() },
        { registrationId: q.id, clientId: randomUUID(), scannedAt: new Date(Date.now() - 30_000).toISOString() },
      ],
    });
    expect(twice.body.results.map((r: { result: string }) => r.result)).toEqual(["checked_in", "already_checked_in"]);
  });

  test("validation: empty batches and bad items are 422 with the item's field named", async () => {
    expect((await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k1.token, { items: [] })).status).toBe(422);
    const bad = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k1.token, {
      items: [
        { code: "x", clientId: randomUUID() },
        { code: "y", clientId: "nope" },
      ],
    });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields)).toEqual(["items.1.clientId"]);
  });
});

describe("GET /api/v1/kiosk/registrations (delta sync)", () => {
  test("full sync in pages, then only changes; categories filter; removals; event keys", async () => {
    const other = await ctx.call("/api/v1/events", "POST", ctx.managerToken, {
      name: "Синк",
      venue: "Зал",
      timezone: "Europe/Moscow",
      startsAt: "2030-03-01T10:00:00+03:00",
      endsAt: "2030-03-03T18:00:00+03:00",
    });
    const eventId = other.body.id;
    const kiosk = await createKiosk(ctx, { eventId, categories: ["visitor", "speaker"], name: "Синк-киоск" });
    const visitors = await Promise.all(
      Array.from({ length: 5 }, (_, i) => register(ctx, { eventId, lastName: `Синков${i}`, company: "АО Синк" })),
    );
    const media = await register(ctx, { eventId, category: "media" });
    const cancelled = await register(ctx, { eventId, status: "cancelled" });

    const seen = new Map<string, { name: string; status: string; company: string | null }>();
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const r = await ctx.call(`/api/v1/kiosk/registrations?limit=2${cursor ? `&since=${cursor}` : ""}`, "GET", kiosk.token);
      expect(r.status).toBe(200);
      pages++;
      expect(r.body.removed).toEqual([]); // nothing to remove during the first pass
      for (const x of r.body.registrations) seen.set(x.id, x);
      cursor = r.body.cursor;
      if (!r.body.hasMore) {
        expect(r.body.publicKeys.length).toBeGreaterThan(0);
        expect(r.body.kiosk).toMatchObject({ id: kiosk.id, categories: ["visitor", "speaker"] });
        break;
      }
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect([...seen.keys()].sort()).toEqual([...visitors.map((v) => v.id), cancelled.id].sort());
    expect(seen.get(cancelled.id)!.status).toBe("cancelled");
    expect(seen.get(visitors[0].id)).toMatchObject({ name: visitors[0].name, company: "АО Синк", status: "confirmed" });
    expect(seen.has(media.id)).toBe(false);

    const none = await ctx.call(`/api/v1/kiosk/registrations?since=${cursor}`, "GET", kiosk.token);
    expect(none.body).toMatchObject({ registrations: [], removed: [], hasMore: false });

    // Changes: a name, a status, a category moved out, a deletion, a new registration, a company renamed.
    await ctx.db.prisma().person.update({ where: { id: visitors[0].personId }, data: { lastName: "Переименов" } });
    await ctx.db.prisma().registration.update({ where: { id: visitors[1].id }, data: { status: "cancelled" } });
    await ctx.db.prisma().registration.update({ where: { id: visitors[2].id }, data: { category: "media" } });
    await ctx.db.prisma().registration.delete({ where: { id: visitors[3].id } });
    const fresh = await register(ctx, { eventId, category: "speaker" });
    const person4 = await ctx.db.prisma().person.findUniqueOrThrow({ where: { id: visitors[4].personId } });
    await ctx.db.prisma().organization.update({ where: { id: person4.organizationId! }, data: { name: "АО Синк-2" } });
    await ctx.db.prisma().registration.update({ where: { id: media.id }, data: { inviteSentAt: new Date() } }); // not a kiosk field

    const delta = await ctx.call(`/api/v1/kiosk/registrations?since=${none.body.cursor}`, "GET", kiosk.token);
    const byId = new Map(delta.body.registrations.map((x: { id: string }) => [x.id, x]));
    expect([...byId.keys()].sort()).toEqual([visitors[0].id, visitors[1].id, visitors[4].id, fresh.id].sort());
    expect(byId.get(visitors[0].id)).toMatchObject({ name: expect.stringContaining("Переименов") });
    expect(byId.get(visitors[1].id)).toMatchObject({ status: "cancelled" });
    expect(byId.get(visitors[4].id)).toMatchObject({ company: "АО Синк-2" });
    expect(delta.body.removed.sort()).toEqual([visitors[2].id, visitors[3].id].sort());

    const after = await ctx.call(`/api/v1/kiosk/registrations?since=${delta.body.cursor}`, "GET", kiosk.token);
    expect(after.body).toMatchObject({ registrations: [], removed: [] });

    expect((await ctx.call(`/api/v1/kiosk/registrations?since=garbage`, "GET", kiosk.token)).status).toBe(400);
  });

  test("a change that commits after a later one is not skipped by the cursor", async () => {
    const a = await register(ctx, {});
    const b = await register(ctx, {});
    let cursor: string | null = null;
    for (;;) {
      const r: { body: { cursor: string; hasMore: boolean } } = await ctx.call(
        `/api/v1/kiosk/registrations${cursor ? `?since=${cursor}` : ""}`,
        "GET",
        k1.token,
      );
      cursor = r.body.cursor;
      if (!r.body.hasMore) break;
    }
    const slow = new pg.Client({ connectionString: ctx.app.databaseUrl });
    await slow.connect();
    const sent = new Map<string, string>();
    try {
      await slow.query("BEGIN");
      await slow.query(`UPDATE "Registration" SET "status" = 'cancelled' WHERE "id" = $1`, [a.id]); // starts first, commits last
      await ctx.db.prisma().registration.update({ where: { id: b.id }, data: { status: "cancelled" } });
      const during = await ctx.call(`/api/v1/kiosk/registrations?since=${cursor}`, "GET", k1.token);
      for (const x of during.body.registrations) sent.set(x.id, x.status);
      expect(sent.get(a.id)).toBeUndefined();
      cursor = during.body.cursor;
      await slow.query("COMMIT");
    } finally {
      await slow.end();
    }
    const later = await ctx.call(`/api/v1/kiosk/registrations?since=${cursor}`, "GET", k1.token);
    for (const x of later.body.registrations) sent.set(x.id, x.status);
    // Both changes arrive, whatever order they committed in.
    expect(sent.get(a.id)).toBe("cancelled");
    expect(sent.get(b.id)).toBe("cancelled");
  });

  test("a change of the kiosk's categories restarts the sync (reset)", async () => {
    const kiosk = await createKiosk(ctx, { categories: ["visitor"] });
    const first = await ctx.call(`/api/v1/kiosk/registrations?limit=5000`, "GET", kiosk.token);
    expect(first.body.reset).toBe(false);
    await ctx.db.prisma().kiosk.update({ where: { id: kiosk.id }, data: { categories: ["media"] } });
    // The kiosk record is cached for up to 2 s: the reset shows once the cache has the new categories.
    const next = await waitFor("the sync to reset", async () => {
      const r = await ctx.call(`/api/v1/kiosk/registrations?limit=5000&since=${first.body.cursor}`, "GET", kiosk.token);
      return r.body.reset === true && r;
    }, 10_000);
    expect(next.body.registrations.every((x: { category: string }) => x.category === "media")).toBe(true);
    expect(next.body.registrations.length).toBeGreaterThan(0);
  });
});

describe("GET /api/v1/events/{eventId}/attendance", () => {
  test("plan vs fact by category, exhibitor and hour; refused and duplicates; managers only", async () => {
    const ev = await ctx.call("/api/v1/events", "POST", ctx.managerToken, {
      name: "Счёт",
      venue: "Зал",
      timezone: "Asia/Yekaterinburg",
      startsAt: "2025-03-01T10:00:00+05:00",
      endsAt: "2025-03-03T18:00:00+05:00",
    });
    const eventId = ev.body.id;
    const ex = await ctx.call(`/api/v1/events/${eventId}/exhibitors`, "POST", ctx.managerToken, {
      company: { name: "Стенд-Мастер" },
      stand: "B12",
      staffQuota: 5,
    });
    expect(ex.status, JSON.stringify(ex.body)).toBe(201);
    const kiosk = await createKiosk(ctx, { eventId });
    const v = await Promise.all(Array.from({ length: 4 }, () => register(ctx, { eventId })));
    const staff = await Promise.all(
      Array.from({ length: 3 }, () => register(ctx, { eventId, category: "exhibitor_staff", exhibitorId: ex.body.id })),
    );
    const media = await register(ctx, { eventId, category: "media" });
    await register(ctx, { eventId, status: "cancelled" });
    await register(ctx, { eventId, status: "pending_approval", category: "media" });

    // 09:10 and 09:40 local (UTC+5) on 2 March 2025 (offline scans in the past), then 11:05.
    const at = (h: number, m: number) => new Date(Date.UTC(2025, 2, 2, h - 5, m)).toISOString();
    const items = [
      { code: v[0].code, clientId: randomUUID(), scannedAt: at(9, 10) },
      { code: v[1].code, clientId: randomUUID(), scannedAt: at(9, 40) },
      { code: staff[0].code, clientId: randomUUID(), scannedAt: at(11, 5) },
      { code: v[0].code, clientId: randomUUID(), scannedAt: at(11, 30) }, // duplicate
      { code: forge(media.code), clientId: randomUUID(), scannedAt: at(11, 31) }, // invalid
    ];
    const r = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", kiosk.token, { items });
    expect(r.body.results.map((x: { result: string }) => x.result)).toEqual([
      "checked_in",
      "checked_in",
      "checked_in",
      "already_checked_in",
      "invalid_code",
    ]);

    const a = await ctx.call(`/api/v1/events/${eventId}/attendance`, "GET", ctx.managerToken);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ eventId, timezone: "Asia/Yekaterinburg", day: null, registered: 8, checkedIn: 3, noShows: 5 });
    const cat = Object.fromEntries(
      a.body.byCategory.map((c: { category: string; registered: number; checkedIn: number }) => [c.category, [c.registered, c.checkedIn]]),
    );
    expect(cat).toEqual({ visitor: [4, 2], exhibitor_staff: [3, 1], media: [1, 0] });
    expect(a.body.byExhibitor).toEqual([{ exhibitorId: ex.body.id, name: "Стенд-Мастер", stand: "B12", registered: 3, checkedIn: 1 }]);
    expect(a.body.byHour).toEqual([
      { hour: "2025-03-02T09:00", at: new Date(Date.UTC(2025, 2, 2, 4)).toISOString(), checkedIn: 2 },
      { hour: "2025-03-02T11:00", at: new Date(Date.UTC(2025, 2, 2, 6)).toISOString(), checkedIn: 1 },
    ]);
    expect(a.body.refused).toEqual({ invalid_code: 1, not_found: 0, cancelled: 0, not_admitted: 0 });
    expect(a.body.duplicates.count).toBe(1);
    expect(a.body.duplicates.recent[0]).toMatchObject({ registrationId: v[0].id, name: v[0].name, reason: "duplicate", kiosk: "Киоск 1" });

    const dayBefore = await ctx.call(`/api/v1/events/${eventId}/attendance?day=2025-03-01`, "GET", ctx.managerToken);
    expect(dayBefore.body).toMatchObject({ day: "2025-03-01", registered: 8, checkedIn: 0, byHour: [] });

    expect((await ctx.call(`/api/v1/events/${eventId}/attendance`, "GET", kiosk.token)).status).toBe(403);
    expect((await ctx.call(`/api/v1/events/${eventId}/attendance?day=tomorrow`, "GET", ctx.managerToken)).status).toBe(422);
    expect((await ctx.call(`/api/v1/events/${randomUUID()}/attendance`, "GET", ctx.managerToken)).status).toBe(404);
  });
});

describe("OpenAPI", () => {
  test("documents the kiosk, attendance and print-job endpoints", async () => {
    const doc = await ctx.call("/api/v1/openapi.json");
    const paths = Object.keys(doc.body.paths);
    for (const p of [
      "/api/v1/kiosk/checkins",
      "/api/v1/kiosk/checkins/batch",
      "/api/v1/kiosk/registrations",
      "/api/v1/kiosk/status",
      "/api/v1/events/{eventId}/attendance",
      "/api/v1/print-jobs/{id}",
      "/api/v1/print-jobs/{id}/reprint",
      "/api/v1/print-jobs/{id}/png",
      "/api/v1/print-jobs/{id}/result",
    ]) {
      expect(paths).toContain(p);
    }
    const post = doc.body.paths["/api/v1/kiosk/checkins"].post;
    expect(Object.keys(post.requestBody.content["application/json"].schema.properties).sort()).toEqual([
      "clientId",
      "code",
      "print",
      "registrationId",
      "scannedAt",
    ]);
    expect(post.responses["200"].content["application/json"].schema.properties.result.enum).toContain("already_checked_in");
    expect(doc.body.paths["/api/v1/kiosk/registrations"].get.parameters.map((p: { name: string }) => p.name)).toContain("since");
  });
});
