// Issue #15 item 3: every manager page goes through requireManagerPage / requireEventParam.
// Through the real server: anonymous visitors are sent to the login page (and back), an
// exhibitor gets 403, a manager gets the page; a bad or unknown event id is a 404 page.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { startApp, type RunningApp } from "../setup/app";
import { queryDb } from "../setup/db";
import { sessionCookie } from "../setup/http";

let app: RunningApp;
let managerCookie: string;
let exhibitorCookie: string;
let eventId: string;
let exhibitorId: string;
const manager = DEMO_USERS.find((u) => u.role === "manager")!;
const exhibitor = DEMO_USERS.find((u) => u.email.startsWith("exhibitor@"))!;

// Event pages that render HTML for a manager; export and stream URLs are checked for refusals only.
const EVENT_PAGES = ["", "attendance", "badges", "budget", "changes", "funnel", "invitations", "kiosks", "media", "printers", "reminders", "stand-bookings"];
const EVENT_URLS = [...EVENT_PAGES, "attendance/export?format=csv", "attendance/stream", "funnel/export?format=csv", "badges/preview"];
const PLAIN_PAGES = ["/manage", "/manage/audience", "/manage/calendar", "/manage/crm", "/manage/outbox"];
const eventUrl = (id: string, p: string) => `/manage/events/${id}${p && !p.startsWith("?") ? "/" : ""}${p}`;

beforeAll(async () => {
  app = await startApp();
  managerCookie = await sessionCookie(app.url, manager.email, manager.password);
  exhibitorCookie = await sessionCookie(app.url, exhibitor.email, exhibitor.password);
  const [ex] = await queryDb<{ id: string; eventId: string }>(app.databaseUrl, `SELECT "id", "eventId" FROM "Exhibitor" ORDER BY "createdAt" LIMIT 1`);
  eventId = ex.eventId;
  exhibitorId = ex.id;
}, 120_000);
afterAll(() => app?.stop());

const get = (url: string, cookie?: string) => fetch(app.url + url, { redirect: "manual", headers: cookie ? { cookie } : {} });

describe("manager page guard", () => {
  test("anonymous visitors are redirected to the login page with the way back", async () => {
    const urls = [...PLAIN_PAGES, ...EVENT_URLS.map((p) => eventUrl(eventId, p)), `/manage/exhibitors/${exhibitorId}`];
    for (const u of urls) {
      const res = await get(u);
      expect(res.status, u).toBe(302);
      expect(res.headers.get("location"), u).toBe(`/login?redirectTo=${encodeURIComponent(u)}`);
    }
  });

  test("an exhibitor gets 403 on every manager page, for reading and for posting", async () => {
    const urls = [...PLAIN_PAGES, ...EVENT_URLS.map((p) => eventUrl(eventId, p)), `/manage/exhibitors/${exhibitorId}`];
    for (const u of urls) expect((await get(u, exhibitorCookie)).status, u).toBe(403);
    const before = await queryDb<{ n: number }>(app.databaseUrl, `SELECT count(*)::int AS n FROM "Event"`);
    const post = await fetch(app.url + "/manage", {
      method: "POST",
      redirect: "manual",
      headers: { cookie: exhibitorCookie, origin: app.url, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ name: "Not mine", venue: "X", timezone: "Europe/Moscow", startsAt: "2027-01-01T10:00", endsAt: "2027-01-02T18:00" }),
    });
    expect(post.status).toBe(403);
    expect(await queryDb<{ n: number }>(app.databaseUrl, `SELECT count(*)::int AS n FROM "Event"`)).toEqual(before);
  });

  test("a manager gets every page", async () => {
    const urls = [...PLAIN_PAGES, ...EVENT_PAGES.map((p) => eventUrl(eventId, p)), `/manage/exhibitors/${exhibitorId}`];
    for (const u of urls) {
      const res = await get(u, managerCookie);
      expect(res.status, u).toBe(200);
      expect(res.headers.get("content-type"), u).toContain("text/html");
    }
  });
});

describe("event id of a manager page", () => {
  test("a malformed or unknown event id is a 404 page, never a 500", async () => {
    for (const id of ["not-a-uuid", "1", randomUUID()]) {
      for (const p of EVENT_URLS) {
        const u = eventUrl(id, p);
        expect((await get(u, managerCookie)).status, u).toBe(404);
      }
      expect((await get(`/manage/exhibitors/${id}`, managerCookie)).status, id).toBe(404);
    }
  });
});
