// Issue #11 "hostile input never reaches a 500": one regression test per reproduction
// (NUL and lone surrogates, ids that are not UUIDs, unbounded and chunked bodies).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createKiosk, register, stopCtx, type Ctx } from "../checkin/helpers";
import { createEvent, DEMO, login, makeCtx } from "../attendance/helpers";
import { startApp } from "../setup/app";

let ctx: Ctx;
let kioskToken: string;
let manager: string;
let exhibitor: string;

beforeAll(async () => {
  const app = await startApp();
  const base = await makeCtx(app);
  const now = Date.now();
  const eventId = await createEvent(base, {
    name: "Враждебный ввод",
    startsAt: new Date(now - 86_400_000).toISOString(),
    endsAt: new Date(now + 86_400_000).toISOString(),
  });
  ctx = { ...base, eventId };
  kioskToken = (await createKiosk(ctx)).token;
  manager = await login(app.url, DEMO.manager);
  exhibitor = await login(app.url, DEMO.exhibitor);
}, 180_000);

afterAll(() => stopCtx(ctx));

const raw = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(ctx.app.url + path, {
    ...init,
    redirect: "manual",
    headers: {
      "content-type": "application/json",
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.headers as Record<string, string>),
    },
  });

const page = (path: string, cookie: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(ctx.app.url + path, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: ctx.app.url, cookie, ...headers },
    body: new URLSearchParams(fields),
  });

const BAD_CHARS_RU = "Недопустимые символы";

describe("NUL and lone surrogates (item 2)", () => {
  test("a kiosk scan with NUL or a lone surrogate is a 200 invalid_code", async () => {
    const good = await register(ctx, {});
    for (const code of [`${good.code}\u0000`, "\u0000", "abc\ud800", "\udfff"]) {
      const clientId = randomUUID();
      // JSON.stringify writes lone surrogates as \ud800 escapes: what a hostile client sends.
      const r = await ctx.call("/api/v1/kiosk/checkins", "POST", kioskToken, { clientId, code });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ clientId, result: "invalid_code" });
    }
  });

  test("in a batch only the bad item is invalid_code", async () => {
    const good = await register(ctx, {});
    const items = [
      { clientId: randomUUID(), code: good.code },
      { clientId: randomUUID(), code: "x\u0000y" },
      { clientId: randomUUID(), code: "\ud83d" },
    ];
    const r = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", kioskToken, { items });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.results.map((x: { result: string }) => x.result)).toEqual(["checked_in", "invalid_code", "invalid_code"]);
  });

  test("an exit scan with NUL is invalid_code or exits_not_counted, never a 500", async () => {
    const r = await ctx.call("/api/v1/kiosk/checkouts", "POST", kioskToken, { clientId: randomUUID(), code: "\u0000" });
    expect(r.status).toBeLessThan(500);
  });

  test("other text with NUL or a lone surrogate is refused with 422 naming the field", async () => {
    const r = await ctx.call("/api/v1/events", "POST", ctx.managerToken, {
      name: "A\u0000B",
      venue: "\udc00",
      timezone: "Europe/Moscow",
      startsAt: "2027-01-01T10:00:00+03:00",
      endsAt: "2027-01-02T10:00:00+03:00",
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("validation_failed");
    expect(Object.keys(r.body.error.fields).sort()).toEqual(["name", "venue"]);
    const walkIn = await ctx.call("/api/v1/kiosk/walk-ins", "POST", kioskToken, {
      clientId: randomUUID(),
      lastName: "Иванов\u0000",
      firstName: "Пётр",
    });
    expect(walkIn.status).toBe(422);
    expect(walkIn.body.error.fields.lastName).toBeTruthy();
    const key = await ctx.call(`/api/v1/events/${ctx.eventId}/registrations`, "POST", ctx.managerToken, { "a\u0000": 1 });
    expect(key.status).toBe(422);
  });

  test("login with NUL: the form again with a translated message next to the field", async () => {
    const r = await page("/login", "", { email: "a\u0000@example.com", password: "x\u0000" });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain(BAD_CHARS_RU);
    const en = await page("/login", "lang=en", { email: "boss@example.com", password: "x", redirectTo: "/\u0000" });
    expect(en.status).toBe(200);
    expect(await en.text()).toContain("Characters that are not allowed");
  });

  test("public registration and stand booking forms with NUL: a message next to the field", async () => {
    const fields = { category: "visitor", lastName: "Петров\u0000", firstName: "Иван", email: "nul@example.com", consent: "on" };
    for (const path of [`/e/${ctx.eventId}/register`, `/e/${ctx.eventId}/stand`]) {
      const r = await page(path, "", { ...fields, companyName: "ООО\u0000", areaM2: "10" });
      expect(r.status, path).toBe(200);
      expect(await r.text(), path).toContain(BAD_CHARS_RU);
    }
  });

  test("cabinet forms with NUL: a message next to the field", async () => {
    const r = await page("/cabinet", exhibitor, { intent: "card", name: "Строймаш\u0000" });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain(BAD_CHARS_RU);
    const staff = await page("/cabinet", exhibitor, { intent: "add-staff", lastName: "\u0000", firstName: "Иван", email: "s@example.com" });
    expect(staff.status).toBe(200);
    expect(await staff.text()).toContain(BAD_CHARS_RU);
  });
});

describe("manager forms with NUL: never a 500", () => {
  test.each([
    [
      "/manage",
      {
        intent: "create-event",
        name: "Выставка\u0000",
        venue: "\u0000",
        timezone: "Europe/Moscow",
        startsAt: "2027-01-01T10:00",
        endsAt: "2027-01-02T10:00",
      },
    ],
    ["/manage/events/{e}", { intent: "create", name: "ООО\u0000", stand: "A\u0000", staffQuota: "3" }],
    ["/manage/events/{e}", { intent: "settings", name: "\u0000" }],
    ["/manage/events/{e}/printers", { intent: "create", name: "Принтер\u0000", driver: "raw_tcp", address: "127.0.0.1:9\u0000" }],
    ["/manage/events/{e}/kiosks", { intent: "save", name: "Киоск\u0000" }],
    ["/manage/events/{e}/media", { intent: "reject", registrationId: "\u0000", reason: "\u0000" }],
    ["/manage/events/{e}/reminders", { intent: "resend", reminderId: "\u0000" }],
    ["/manage/events/{e}/stand-bookings", { intent: "convert", bookingId: "\u0000", stand: "\u0000", staffQuota: "\u0000" }],
    ["/manage/events/{e}/badges", { intent: "reset", template: "\u0000" }],
  ])("%s", async (path, fields) => {
    const r = await page(path.replace("{e}", ctx.eventId), manager, fields as Record<string, string>);
    expect(r.status, await r.text().then((t) => t.slice(0, 300))).toBeLessThan(500);
  });
});

describe("ids that are not UUIDs (item 3)", () => {
  test("API paths: 404 in the envelope", async () => {
    for (const path of [
      "/api/v1/exhibitors/------------------------------------",
      "/api/v1/events/'%20OR%201=1--/stand-bookings",
      "/api/v1/registrations/1",
      "/api/v1/print-jobs/%ED%A0%80",
      "/api/v1/exhibitors/%",
    ]) {
      const r = await raw(path, { token: ctx.managerToken });
      expect(r.status, path).toBe(404);
      expect((await r.json()).error.code, path).toBe("not_found");
    }
  });

  test("a since cursor with a huge number is a bad cursor (4xx), not a 500", async () => {
    const cursor = (t: string) =>
      Buffer.from(JSON.stringify({ t, r: "ffffffff-ffff-ffff-ffff-ffffffffffff", c: "", i: 0 })).toString("base64url");
    for (const since of [cursor("99999999999999999999"), cursor("-99999999999999999999"), "9".repeat(400)]) {
      const r = await ctx.call(`/api/v1/kiosk/registrations?since=${since}`, "GET", kioskToken);
      expect(r.status, since).toBe(400);
      expect(r.body.error.code).toBe("bad_cursor");
      expect(r.body.error.fields.since).toBeTruthy();
    }
  });

  test("attendance ?day= that is no calendar date is a 422", async () => {
    const r = await ctx.call(`/api/v1/events/${ctx.eventId}/attendance?day=2026-02-30`, "GET", ctx.managerToken);
    expect(r.status).toBe(422);
  });

  test("page routes: a 404 page, not a 500", async () => {
    for (const path of [
      "/manage/events/not-a-uuid",
      "/manage/events/'%20OR%201=1--/attendance",
      "/manage/events/x/badges",
      "/manage/events/x/kiosks",
      "/manage/events/x/printers",
      "/manage/exhibitors/------------------------------------",
      "/manage/media-proof/1",
      "/e/not-a-uuid/register",
      "/e/not-a-uuid/my/token",
      "/manage/events/%",
    ]) {
      const r = await raw(path, { headers: { cookie: manager } });
      expect(r.status, path).toBe(404);
    }
    const post = await page("/manage/exhibitors/------------------------------------", manager, { intent: "lock", reason: "x" });
    expect(post.status).toBe(404);
  });
});

describe("body limits (items 6 and 9)", () => {
  test("a large login form gets the 413 page in the visitor's language", async () => {
    const body = "email=a%40b.ru&password=" + "x".repeat(2 * 1024 * 1024);
    const ru = await raw("/login", {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ctx.app.url },
    });
    expect(ru.status).toBe(413);
    expect(ru.headers.get("content-type")).toContain("text/html");
    expect(await ru.text()).toContain("Запрос слишком большой");
    const en = await raw("/login", {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ctx.app.url, "accept-language": "en-GB" },
    });
    expect(en.status).toBe(413);
    expect(await en.text()).toContain("The request is too large");
  });

  const chunked = (total: number, chunk = 64 * 1024) => {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= total) return c.close();
        sent += chunk;
        c.enqueue(new Uint8Array(chunk).fill(0x61));
      },
    });
  };

  test("a 40 MB chunked page form gets the 413 page (the rest is read and dropped, not kept)", async () => {
    const r = await raw("/login", {
      method: "POST",
      body: chunked(40 * 1024 * 1024),
      duplex: "half",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ctx.app.url },
    } as RequestInit);
    expect(r.status).toBe(413);
    expect(await r.text()).toContain("Запрос слишком большой");
    // The server is still there for the next request.
    expect((await raw("/api/v1/health")).status).toBeLessThan(500);
  });

  test("a chunked API body over 1 MB gets the 413 envelope, not a connection reset", async () => {
    const r = await raw("/api/v1/events", {
      method: "POST",
      token: ctx.managerToken,
      body: chunked(2 * 1024 * 1024),
      duplex: "half",
    } as RequestInit);
    expect(r.status).toBe(413);
    expect(await r.json()).toEqual({ error: { code: "payload_too_large", message: expect.any(String) } });
    const declared = await raw("/api/v1/events", { method: "POST", token: ctx.managerToken, body: "x".repeat(1024 * 1024 + 1) });
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.code).toBe("payload_too_large");
  });

  test("uploads keep their own, larger limits", async () => {
    // A 3 MB body to the public registration page is under its 5 MB proof limit: not a 413.
    const form = new FormData();
    form.set("lastName", "Петров");
    form.set("proofFile", new Blob([new Uint8Array(3 * 1024 * 1024)], { type: "application/pdf" }), "proof.pdf");
    const r = await fetch(`${ctx.app.url}/e/${ctx.eventId}/register`, { method: "POST", body: form, headers: { origin: ctx.app.url } });
    expect(r.status).not.toBe(413);
    expect(r.status).toBeLessThan(500);
  });
});
