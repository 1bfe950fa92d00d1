// The kiosk scan endpoints served ahead of Remix (app/server/kiosk-checkin-routes.ts, issue #16):
// the same refusals in the same envelope as the Remix API routes, a revoked token refused on its
// very next scan (no token cache; also right after a scan, where a cache would answer), and
// lastUsedAt still kept for the kiosk list.
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { createKiosk, ctxPerFile, register, scan, waitFor } from "./helpers";

const ctx = ctxPerFile({ env: { WORKER: "off" } });

const post = (path: string, token: string | undefined, body: string, headers: Record<string, string> = {}) =>
  fetch(ctx.app.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body,
  });

describe("POST /api/v1/kiosk/checkins outside Remix", () => {
  test("a revoked kiosk token is refused on its next scan and batch, at once", async () => {
    const k = await createKiosk(ctx, { name: "Отзыв" });
    const a = await register(ctx, {});
    expect((await scan(ctx, k.token, { code: a.code })).body.result).toBe("checked_in");
    await ctx.db.prisma().apiToken.updateMany({ where: { kioskId: k.id }, data: { revokedAt: new Date() } });
    const b = await register(ctx, {});
    const r = await scan(ctx, k.token, { code: b.code });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    const batch = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k.token, { items: [{ code: b.code, clientId: randomUUID() }] });
    expect(batch.status).toBe(401);
    expect(await ctx.db.prisma().checkIn.count({ where: { registrationId: b.id } })).toBe(0);
    expect(await ctx.db.prisma().scanLog.count({ where: { registrationId: b.id } })).toBe(0);
  });

  test("a token seen a moment ago and revoked since: 401 before any other refusal, and again on the next scan", async () => {
    const k = await createKiosk(ctx, { name: "Отзыв 2" });
    const a = await register(ctx, {});
    expect((await scan(ctx, k.token, { code: a.code })).body.result).toBe("checked_in");
    await ctx.db.prisma().apiToken.updateMany({ where: { kioskId: k.id }, data: { revokedAt: new Date() } });
    const invalid = await post("/api/v1/kiosk/checkins", k.token, JSON.stringify({ code: "x", clientId: "nope" }));
    expect(invalid.status).toBe(401);
    const b = await register(ctx, {});
    for (let i = 0; i < 2; i++) expect((await scan(ctx, k.token, { code: b.code })).status).toBe(401);
    expect(await ctx.db.prisma().checkIn.count({ where: { registrationId: b.id } })).toBe(0);
  });

  test("refusals keep the API envelope: no token, another role, bad JSON, invalid fields, a body over 1 MB", async () => {
    const k = await createKiosk(ctx, { name: "Конверт" });
    const noToken = await post("/api/v1/kiosk/checkins", undefined, JSON.stringify({ code: "x", clientId: randomUUID() }));
    expect(noToken.status).toBe(401);
    expect((await noToken.json()).error.code).toBe("unauthorized");

    const manager = await post("/api/v1/kiosk/checkins", ctx.managerToken, JSON.stringify({ code: "x", clientId: randomUUID() }));
    expect(manager.status).toBe(403);
    expect((await manager.json()).error.code).toBe("forbidden");

    const badJson = await post("/api/v1/kiosk/checkins", k.token, "{not json");
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error.code).toBe("invalid_json");

    const invalid = await post("/api/v1/kiosk/checkins", k.token, JSON.stringify({ code: "x", clientId: "nope", extra: 1 }));
    expect(invalid.status).toBe(422);
    const body = (await invalid.json()) as { error: { code: string; fields: Record<string, string> } };
    expect(body.error.code).toBe("validation_failed");
    expect(Object.keys(body.error.fields)).toContain("clientId");

    const big = await post("/api/v1/kiosk/checkins/batch", k.token, "x".repeat(1024 * 1024 + 1));
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe("payload_too_large");

    // Other methods still reach the Remix route.
    const get = await fetch(ctx.app.url + "/api/v1/kiosk/checkins", { headers: { authorization: `Bearer ${k.token}` } });
    expect(get.status).toBe(405);
  });

  test("scans keep the kiosk's lastUsedAt (the kiosk list's online state)", async () => {
    const k = await createKiosk(ctx, { name: "Онлайн" });
    const token = await ctx.db.prisma().apiToken.findFirstOrThrow({ where: { kioskId: k.id } });
    expect(token.lastUsedAt).toBeNull();
    const a = await register(ctx, {});
    expect((await scan(ctx, k.token, { code: a.code })).status).toBe(200);
    // Written after the answer (best effort): wait for it.
    const seen = await waitFor("lastUsedAt", async () => (await ctx.db.prisma().apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt);
    expect(Date.now() - seen.getTime()).toBeLessThan(60_000);
  });
});
