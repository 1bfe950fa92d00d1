// The live dashboard across app instances: two real servers on ONE database; a check-in made
// through instance A's API reaches an SSE client of instance B (trigger -> pg_notify -> B's
// LISTEN connection -> its streams). Bursts are coalesced, heartbeats flow, a dropped LISTEN
// connection comes back, and a server with open streams still stops at once.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startApp, type RunningApp } from "../setup/app";
import { quietPeriod, waitFor } from "../setup/wait";
import { createKiosk, register, scan, type Ctx } from "../checkin/helpers";
import { createEvent, DEMO, figuresOf, login, makeCtx, sse, type SseClient } from "./helpers";

let a: RunningApp;
let b: RunningApp;
let ctx: Ctx;
let cookieB: string;
let kioskToken: string;
const people: Array<{ id: string; code: string }> = [];
const streams: SseClient[] = [];

beforeAll(async () => {
  a = await startApp();
  b = await startApp({ databaseUrl: a.databaseUrl, seed: false, env: { ATTENDANCE_HEARTBEAT_MS: "300" } });
  const base = await makeCtx(a);
  const now = Date.now();
  const eventId = await createEvent(base, { name: "Живая выставка", startsAt: new Date(now - 86_400_000).toISOString(), endsAt: new Date(now + 2 * 86_400_000).toISOString() });
  ctx = { ...base, eventId };
  kioskToken = (await createKiosk(ctx)).token;
  for (let i = 0; i < 24; i++) people.push(await register(ctx, {}));
  cookieB = await login(b.url, DEMO.manager); // sessions live in the shared database
});
afterAll(async () => {
  for (const s of streams) s.close();
  await Promise.all([a?.stop(), b?.stop()]);
});

const open = async (app: RunningApp, cookie: string, day = "") => {
  const s = await sse(`${app.url}/manage/events/${ctx.eventId}/attendance/stream${day ? `?day=${day}` : ""}`, cookie);
  streams.push(s);
  return s;
};
const figures = (s: SseClient) => s.events.filter((e) => e.event === "figures").map(figuresOf);

describe("attendance over server-sent events, two app instances", () => {
  test("an SSE client on B sees the figure change after a check-in through A's API; heartbeats flow", async () => {
    const s = await open(b, cookieB);
    expect(s.status).toBe(200);
    expect(s.contentType).toContain("text/event-stream");
    const first = figuresOf(await s.next((e) => e.event === "figures"));
    expect(first).toMatchObject({ registered: 24, checkedIn: 0, noShows: 24 });

    const from = s.events.length;
    const t0 = performance.now();
    const r = await scan(ctx, kioskToken, { code: people[0].code });
    expect(r.body.result).toBe("checked_in");
    const after = await s.next((e) => e.event === "figures" && figuresOf(e).checkedIn === 1, 5_000, from);
    const latency = after.at - t0;
    console.log(`[attendance] check-in on A -> figures on B: ${Math.round(latency)} ms`);
    expect(figuresOf(after)).toMatchObject({ registered: 24, checkedIn: 1, noShows: 23 });
    expect(latency).toBeLessThan(2_000);

    const comments = s.comments;
    await waitFor("a heartbeat", () => s.comments > comments, { timeoutMs: 2_000 }); // every 300 ms here (15 s by default)
  });

  test("a burst of 20 check-ins is coalesced: at most one recompute per ~500 ms, and the last shows all", async () => {
    const s = await open(b, cookieB);
    await s.next((e) => e.event === "figures");
    const from = s.events.length;
    const t0 = performance.now();
    const burst = people.slice(1, 21);
    const results = await Promise.all(burst.map((p) => scan(ctx, kioskToken, { code: p.code })));
    expect(results.every((r) => r.body.result === "checked_in")).toBe(true);
    const sent = performance.now() - t0;
    await s.next((e) => e.event === "figures" && figuresOf(e).checkedIn === 21, 5_000, from);
    // All 20 check-ins are counted, so every notification was sent; what can still come is at most
    // one run of the hub's coalescing window (500 ms after the last run): hold that long.
    await quietPeriod(700);
    const pushed = s.events.slice(from).filter((e) => e.event === "figures");
    const gaps = pushed.slice(1).map((e, i) => e.at - pushed[i].at);
    console.log(`[attendance] 20 check-ins sent in ${Math.round(sent)} ms -> ${pushed.length} pushes, gaps ${gaps.map(Math.round).join(", ")} ms`);
    expect(pushed.length).toBeLessThanOrEqual(Math.ceil(sent / 500) + 2);
    expect(pushed.length).toBeLessThan(20);
    for (const g of gaps) expect(g).toBeGreaterThan(250); // runs start >= 500 ms apart; their durations differ
    expect(figuresOf(pushed[pushed.length - 1]).checkedIn).toBe(21);
  });

  test("a dashboard for another day is not changed by today's check-ins; a bad day is refused", async () => {
    const ev = await ctx.db.prisma().event.findUniqueOrThrow({ where: { id: ctx.eventId } });
    const { eventDays } = await import("../../app/services/attendance/attendance.server");
    const days = eventDays(ev.startsAt, ev.endsAt, ev.timezone);
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: ev.timezone }).format(new Date());
    const other = days.find((d) => d !== today)!;
    const s = await open(b, cookieB, other);
    expect(figuresOf(await s.next((e) => e.event === "figures"))).toMatchObject({ day: other, checkedIn: 0 });
    const all = await open(b, cookieB, "all");
    expect(figuresOf(await all.next((e) => e.event === "figures"))).toMatchObject({ day: null, checkedIn: 21 });
    const from = all.events.length;
    await scan(ctx, kioskToken, { code: people[21].code });
    await all.next((e) => e.event === "figures" && figuresOf(e).checkedIn === 22, 5_000, from);
    expect(figures(s).every((f) => f.checkedIn === 0)).toBe(true);

    const bad = await sse(`${b.url}/manage/events/${ctx.eventId}/attendance/stream?day=1999-01-01`, cookieB + "; lang=en");
    expect(bad.status).toBe(400);
    expect((await fetch(`${b.url}/manage/events/${ctx.eventId}/attendance/stream?day=1999-01-01`, { headers: { cookie: cookieB + "; lang=en" } }).then((r) => r.text()))).toBe(
      "Pick one of the event's days.",
    );
  });

  test("when the LISTEN connection is killed, B says so, reconnects, and live figures resume", async () => {
    const s = await open(b, cookieB);
    await s.next((e) => e.event === "figures");
    const from = s.events.length;
    const admin = new pg.Client({ connectionString: a.databaseUrl });
    await admin.connect();
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'expodesk-attendance-listen' AND datname = current_database()`,
      );
      expect(killed.rowCount).toBeGreaterThanOrEqual(1); // A's and B's
      await s.next((e) => e.event === "status" && JSON.parse(e.data).listening === false, 5_000, from);
      await s.next((e) => e.event === "status" && JSON.parse(e.data).listening === true, 10_000, from);
      const listeners = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'expodesk-attendance-listen' AND datname = current_database()`);
      expect(listeners.rows[0].n).toBeLessThanOrEqual(2); // one per instance, not one per stream
    } finally {
      await admin.end();
    }
    const before = figures(s).at(-1)!.checkedIn;
    const mark = s.events.length;
    await scan(ctx, kioskToken, { code: people[22].code });
    await s.next((e) => e.event === "figures" && figuresOf(e).checkedIn === before + 1, 5_000, mark);
  });

  test("a deleted check-in and a cancelled registration (the plan) also update the figures", async () => {
    const s = await open(b, cookieB);
    const start = figuresOf(await s.next((e) => e.event === "figures"));
    const from = s.events.length;
    await ctx.db.pool().query(`DELETE FROM "CheckIn" WHERE "registrationId" = $1`, [people[0].id]);
    await s.next((e) => e.event === "figures" && figuresOf(e).checkedIn === start.checkedIn - 1, 5_000, from);
    const mark = s.events.length;
    await ctx.db.pool().query(`UPDATE "Registration" SET "status" = 'cancelled' WHERE "id" = $1`, [people[23].id]);
    await s.next((e) => e.event === "figures" && figuresOf(e).registered === start.registered - 1, 5_000, mark);
  });

  test("non-managers get no stream: anonymous is sent to the login page, an exhibitor gets 403", async () => {
    const url = `${b.url}/manage/events/${ctx.eventId}/attendance/stream`;
    const anon = await fetch(url, { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    const exhibitor = await login(b.url, DEMO.exhibitor);
    const s = await sse(url, exhibitor);
    expect(s.status).toBe(403);
    expect(s.events).toHaveLength(0);
    const other = await fetch(`${b.url}/manage/events/${randomUUID()}/attendance/stream`, { headers: { cookie: cookieB } });
    expect(other.status).toBe(404);
  });

  test("B stops promptly with open streams, which end cleanly", async () => {
    const s = await open(b, cookieB);
    await s.next((e) => e.event === "figures");
    const openStreams = streams.filter((x) => !x.ended).length;
    const t0 = performance.now();
    await b.stop();
    const took = performance.now() - t0;
    console.log(`[attendance] B stopped with ${openStreams} open streams in ${Math.round(took)} ms`);
    expect(took).toBeLessThan(5_000);
    expect(b.output()).not.toContain("SIGKILL");
    await expect.poll(() => s.ended, { timeout: 2_000 }).toBe(true);
  });
});
