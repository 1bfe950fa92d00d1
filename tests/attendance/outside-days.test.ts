// Issue #12 for the manager: badge pickup the day before and check-ins on other days show on the
// attendance page, which opens on today or the nearest event day; its no-show search forgives
// spelling like the kiosk's (one shared module). Also what the kiosk's sync says about the event.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startApp, type RunningApp } from "../setup/app";
import { createKiosk, register, type Ctx } from "../checkin/helpers";
import { createEvent, DEMO, login, makeCtx } from "./helpers";

let app: RunningApp;
let ctx: Ctx;
let cookie: string;
let kioskToken: string;
const day = 86_400_000;
const localDay = (at: number, tz = "Europe/Moscow") => new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(new Date(at));
let people: Array<{ id: string; name: string; code: string }> = [];

beforeAll(async () => {
  app = await startApp();
  const base = await makeCtx(app);
  cookie = await login(app.url, DEMO.manager);
  // Starts the day after tomorrow at 10:00 UTC (13:00 Moscow) and runs three days.
  const start = Math.ceil(Date.now() / day) * day + day + 10 * 3600_000;
  const eventId = await createEvent(base, { name: "Завтрашняя выставка", startsAt: new Date(start).toISOString(), endsAt: new Date(start + 2 * day).toISOString() });
  ctx = { ...base, eventId };
  people = [
    await register(ctx, { lastName: "Кузнецова", firstName: "Юлия", company: "ТехноПром" }),
    await register(ctx, { lastName: "Фёдоров", firstName: "Андрей" }),
    await register(ctx, { lastName: "Smith", firstName: "John" }),
  ];
  await ctx.db.prisma().person.updateMany({ where: { lastName: "Фёдоров" }, data: { phone: "+7 (916) 123-45-67" } });
  kioskToken = (await createKiosk(ctx)).token;
  // Badge pickup now (before the event) and yesterday (offline scans with their times).
  const r = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", kioskToken, {
    items: [
      { code: people[0].code, clientId: randomUUID(), scannedAt: new Date().toISOString() },
      { code: people[1].code, clientId: randomUUID(), scannedAt: new Date(Date.now() - day).toISOString() },
    ],
  });
  expect(r.body.results.map((x: { result: string }) => x.result)).toEqual(["checked_in", "checked_in"]);
});
afterAll(async () => {
  await app?.stop();
});

const page = async (q = "") => {
  const r = await fetch(`${app.url}/manage/events/${ctx.eventId}/attendance${q}`, { headers: { cookie: `${cookie}; lang=ru` } });
  expect(r.status).toBe(200);
  return r.text();
};

describe("check-ins outside the event days", () => {
  test("the figures count them by day; the page says how many and opens on the nearest event day", async () => {
    const { figures } = await import("../../app/services/attendance/attendance.server");
    const f = await figures(ctx.eventId, null);
    expect(f!.outsideDays).toEqual({
      count: 2,
      days: [
        { day: localDay(Date.now() - day), checkedIn: 1 },
        { day: localDay(Date.now()), checkedIn: 1 },
      ].sort((a, b) => a.day.localeCompare(b.day)),
    });
    const html = await page();
    expect(html).toMatch(/data-testid="att-outside-days" data-count="2">Отметок вне дней мероприятия: 2 \(/);
    const firstDay = localDay(Math.ceil(Date.now() / day) * day + day + 10 * 3600_000);
    expect(html).toMatch(new RegExp(`<option value="${firstDay}" selected=""`));
    // The day's own figures do not include them.
    expect(html).toMatch(/data-testid="att-checked-in">0</);
  });

  test("none: says so", async () => {
    const now = Date.now();
    const other = await createEvent(ctx, { name: "Идёт", startsAt: new Date(now - day).toISOString(), endsAt: new Date(now + day).toISOString() });
    const r = await fetch(`${app.url}/manage/events/${other}/attendance`, { headers: { cookie: `${cookie}; lang=en` } });
    expect(await r.text()).toContain('data-count="0">No check-ins outside the event days.');
  });
});

describe("the no-show search forgives spelling (the kiosk's normalisation)", () => {
  test("transliteration variants, ё/е, a typo, company and phone digits", async () => {
    const { noShows } = await import("../../app/services/attendance/attendance.server");
    const firstDay = localDay(Math.ceil(Date.now() / day) * day + day + 10 * 3600_000);
    const names = async (q: string) => (await noShows(ctx.eventId, firstDay, { q })).rows.map((r) => r.name);
    for (const q of ["kuznetsova", "kuznecova", "kuznetsowa", "Кузнецова", "кузнецвоа", "tehnoprom"]) expect(await names(q), q).toEqual(["Кузнецова Юлия"]);
    expect(await names("Федоров")).toEqual(["Фёдоров Андрей"]);
    expect(await names("fedorov andrei")).toEqual(["Фёдоров Андрей"]);
    expect(await names("1234567")).toEqual(["Фёдоров Андрей"]);
    expect(await names("Смит")).toEqual(["Smith John"]);
    expect(await names("example.com")).toHaveLength(3); // a plain substring still matches
    expect(await names("Петров")).toEqual([]);
    const html = await page(`?day=${firstDay}&q=kuznetsowa`);
    expect(html).toContain("Кузнецова Юлия");
    expect(html).not.toContain("Smith John");
  });
});

describe("the kiosk's sync", () => {
  test("carries the event's dates (for the kiosk's warning and Day N of M) and phone digits (for its search)", async () => {
    const r = await ctx.call("/api/v1/kiosk/registrations", "GET", kioskToken);
    expect(r.status).toBe(200);
    const ev = await ctx.db.prisma().event.findUniqueOrThrow({ where: { id: ctx.eventId } });
    expect(r.body.event).toMatchObject({ timezone: "Europe/Moscow", startsAt: ev.startsAt.toISOString(), endsAt: ev.endsAt.toISOString() });
    const fed = r.body.registrations.find((x: { id: string }) => x.id === people[1].id);
    expect(fed.phone).toBe("79161234567");
  });

  test("a kiosk synced before phone digits existed starts over once with a full sync", async () => {
    const old = Buffer.from(JSON.stringify({ t: "1", r: "ffffffff-ffff-ffff-ffff-ffffffffffff", c: "", i: 0 })).toString("base64url");
    const r = await ctx.call(`/api/v1/kiosk/registrations?since=${old}`, "GET", kioskToken);
    expect(r.status).toBe(200);
    expect(r.body.reset).toBe(true);
    expect(r.body.registrations.map((x: { id: string }) => x.id).sort()).toEqual(people.map((p) => p.id).sort());
    const next = await ctx.call(`/api/v1/kiosk/registrations?since=${r.body.cursor}`, "GET", kioskToken);
    expect(next.body.reset).toBe(false);
  });
});
