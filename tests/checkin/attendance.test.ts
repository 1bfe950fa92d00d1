// Plan vs fact for managers over real HTTP: what the kiosks' scans add up to.
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { createEvent, createKiosk, ctxPerFile, forge, register } from "./helpers";

const ctx = ctxPerFile();

describe("GET /api/v1/events/{eventId}/attendance", () => {
  test("plan vs fact by category, exhibitor and hour; refused and duplicates; managers only", async () => {
    const eventId = await createEvent(ctx, {
      name: "Счёт",
      timezone: "Asia/Yekaterinburg",
      startsAt: "2025-03-01T10:00:00+05:00",
      endsAt: "2025-03-03T18:00:00+05:00",
    });
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
