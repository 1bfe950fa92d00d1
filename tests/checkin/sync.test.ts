// The kiosk's offline copy: delta sync with cursors over real HTTP, and the documented kiosk API.
import pg from "pg";
import { beforeAll, describe, expect, test } from "vitest";
import { createEvent, createKiosk, ctxPerFile, register, waitFor } from "./helpers";

const ctx = ctxPerFile();
let k1: Awaited<ReturnType<typeof createKiosk>>;

beforeAll(async () => {
  k1 = await createKiosk(ctx, { name: "Киоск 1" });
});

describe("GET /api/v1/kiosk/registrations (delta sync)", () => {
  test("full sync in pages, then only changes; categories filter; removals; event keys", async () => {
    const eventId = await createEvent(ctx, {
      name: "Синк",
      timezone: "Europe/Moscow",
      startsAt: "2030-03-01T10:00:00+03:00",
      endsAt: "2030-03-03T18:00:00+03:00",
    });
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
    await register(ctx, { category: "media" });
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
