// The kiosk's offline queue over real HTTP: order, exactly-once, earliest scan wins.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { checkInsOf, ctxPerFile, register, scan, twoKiosks } from "./helpers";

const ctx = ctxPerFile();
let k1: Awaited<ReturnType<typeof twoKiosks>>[0];
let k2: Awaited<ReturnType<typeof twoKiosks>>[1];

beforeAll(async () => {
  [k1, k2] = await twoKiosks(ctx);
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
    // Offsets back from now, scaled down just after midnight at the venue (Moscow: UTC+3 all
    // year), so that every scan here falls on the same event day (one check-in per day).
    const sinceMidnight = (Date.now() + 3 * 3_600_000) % 86_400_000;
    const scale = Math.min(1, sinceMidnight / (11 * 60_000));
    const ago = (ms: number) => new Date(Date.now() - ms * scale).toISOString();
    const p = await register(ctx, {});
    const online = await scan(ctx, k1.token, { code: p.code });
    expect(online.body.result).toBe("checked_in");
    const earlier = ago(10 * 60_000);
    const offlineId = randomUUID();
    const merged = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k2.token, {
      items: [{ code: p.code, clientId: offlineId, scannedAt: earlier }],
    });
    expect(merged.body.results[0]).toMatchObject({ result: "checked_in", checkedInAt: earlier, kiosk: { id: k2.id } });
    const rows = await checkInsOf(ctx, p.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ clientId: offlineId, kioskId: k2.id });
    // The superseded online scan, replayed, now answers with the earlier check-in.
    const replay = await scan(ctx, k1.token, { code: p.code, clientId: online.body.clientId });
    expect(replay.body).toMatchObject({ result: "already_checked_in", reason: "superseded", checkedInAt: earlier, kiosk: { id: k2.id } });
    // A later offline scan does not replace it: duplicate.
    const later = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k1.token, {
      items: [{ code: p.code, clientId: randomUUID(), scannedAt: ago(5 * 60_000) }],
    });
    expect(later.body.results[0]).toMatchObject({ result: "already_checked_in", reason: "duplicate", checkedInAt: earlier });
    // Within one batch the same person twice: the second is a duplicate.
    const q = await register(ctx, {});
    const twice = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", k2.token, {
      items: [
        { code: q.code, clientId: randomUUID(), scannedAt: ago(60_000) },
        { registrationId: q.id, clientId: randomUUID(), scannedAt: ago(30_000) },
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
