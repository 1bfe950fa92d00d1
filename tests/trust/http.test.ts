// Issue #11 items 5, 7 and 9 through the real server: redirects after login stay on the site,
// the CSRF Origin check compares the scheme, a pinned manager token stays in its event, and an
// XLSX zip bomb is refused quickly while /healthz keeps answering.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { makeXlsxBomb } from "../import/fixtures";
import { startApp, type RunningApp } from "../setup/app";
import { queryDb } from "../setup/db";
import { jsonCaller, sessionCookie, type JsonCall } from "../setup/http";
import { sameOrigin } from "../../app/server/app";

let app: RunningApp;
let call: JsonCall;
const manager = DEMO_USERS.find((u) => u.role === "manager")!;
const exhibitor = DEMO_USERS.find((u) => u.email.startsWith("exhibitor@"))!;

beforeAll(async () => {
  app = await startApp();
  call = jsonCaller(app.url);
});
afterAll(() => app?.stop());

function login(body: Record<string, string>, headers: Record<string, string> = { origin: app.url }) {
  return fetch(app.url + "/login", {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(body),
  });
}

describe("redirect after login", () => {
  test.each([
    ["/manage/outbox", "/manage/outbox"],
    ["/manage/events?x=1#top", "/manage/events?x=1#top"],
    ["//evil.example", "/manage"],
    ["/\\evil.example", "/manage"],
    ["\\/evil.example", "/manage"],
    ["https://evil.example/", "/manage"],
    ["/\t/evil.example", "/manage"],
    ["/\n/evil.example", "/manage"],
    ["/.//evil.example", "/manage"],
    [decodeURIComponent("%2F%5Cevil.example"), "/manage"],
  ])("redirectTo=%j lands on %s", async (redirectTo, expected) => {
    const res = await login({ email: manager.email, password: manager.password, redirectTo });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(expected);
  });

  test("the language switch refuses foreign targets too", async () => {
    for (const redirectTo of ["//evil.example", "/\\evil.example", "https://evil.example"]) {
      const res = await fetch(app.url + "/lang", {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: app.url },
        body: new URLSearchParams({ lang: "en", redirectTo }),
      });
      expect(res.headers.get("location")).toBe("/");
    }
  });
});

describe("CSRF: Origin must be this site, scheme included", () => {
  const bad = { email: manager.email, password: "wrong-password" };

  test("the same host over https (the app is http) is refused", async () => {
    const httpsOrigin = app.url.replace(/^http:/, "https:");
    expect((await login(bad, { origin: httpsOrigin })).status).toBe(403);
    expect((await login(bad, { referer: httpsOrigin + "/login" })).status).toBe(403);
  });

  test("other hosts and missing headers are refused; our own origin passes", async () => {
    expect((await login(bad, { origin: "http://evil.example" })).status).toBe(403);
    expect((await login(bad, {})).status).toBe(403);
    expect((await login(bad, { origin: "null" })).status).toBe(403);
    expect((await login(bad, { origin: app.url })).status).toBe(200);
  });

  test("behind a TLS proxy the scheme is APP_URL's, not the request's", () => {
    const req = (origin: string) =>
      ({ protocol: "http", get: (h: string) => ({ origin, host: "expo.example" })[h.toLowerCase() as "origin" | "host"] }) as never;
    expect(sameOrigin(req("https://expo.example"), "https://expo.example")).toBe(true);
    expect(sameOrigin(req("http://expo.example"), "https://expo.example")).toBe(false);
    expect(sameOrigin(req("http://expo.example"), undefined)).toBe(true);
    expect(sameOrigin(req("https://expo.example"), undefined)).toBe(false);
  });
});

describe("a manager token pinned to one event", () => {
  test("cannot create events nor act on other events; it still works on its own", async () => {
    process.env.DATABASE_URL = app.databaseUrl;
    const { createApiToken } = await import("../../app/utils/api-tokens.server");
    const [own] = await queryDb<{ id: string }>(app.databaseUrl, `SELECT id FROM "Event" ORDER BY "createdAt" LIMIT 1`);
    const free = (await createApiToken({ role: "manager", name: "free manager" })).token;
    const pinned = (await createApiToken({ role: "manager", name: "pinned manager", eventId: own.id })).token;
    const event = {
      name: "Другая выставка",
      venue: "Казань Экспо",
      timezone: "Europe/Moscow",
      startsAt: "2031-05-01T10:00:00+03:00",
      endsAt: "2031-05-03T18:00:00+03:00",
    };

    const made = await call("/api/v1/events", "POST", pinned, event);
    expect(made.status).toBe(403);
    const other = await call("/api/v1/events", "POST", free, event);
    expect(other.status).toBe(201);
    const otherEx = await call(`/api/v1/events/${other.body.id}/exhibitors`, "POST", free, {
      company: { name: "Гамма" },
      stand: "G1",
      staffQuota: 2,
    });
    expect(otherEx.status).toBe(201);

    expect((await call(`/api/v1/events/${other.body.id}`, "PATCH", pinned, { name: "Захвачено" })).status).toBe(404);
    expect(
      (
        await call(`/api/v1/events/${other.body.id}/exhibitors`, "POST", pinned, {
          company: { name: "Дельта" },
          stand: "D1",
          staffQuota: 1,
        })
      ).status,
    ).toBe(404);
    expect((await call(`/api/v1/exhibitors/${otherEx.body.id}/lock`, "POST", pinned, { reason: "x" })).status).toBe(404);
    expect((await call(`/api/v1/exhibitors/${otherEx.body.id}`, "GET", pinned)).status).toBe(404);
    const list = await call("/api/v1/events", "GET", pinned);
    expect(list.body.events.map((e: { id: string }) => e.id)).toEqual([own.id]);

    expect((await call(`/api/v1/events/${own.id}`, "PATCH", pinned, { venue: "Крокус Экспо" })).status).toBe(200);
    const [count] = await queryDb<{ n: string }>(app.databaseUrl, `SELECT count(*) AS n FROM "Event" WHERE name = 'Другая выставка'`);
    expect(count.n).toBe("1");
  });
});

describe("an XLSX zip bomb through the import page", () => {
  test("refused in seconds with the message next to the file field; /healthz stays fast meanwhile", async () => {
    const cookie = await sessionCookie(app.url, exhibitor.email, exhibitor.password);
    const bomb = await makeXlsxBomb(100, { lie: true });
    const form = new FormData();
    form.set(
      "file",
      new Blob([new Uint8Array(bomb)], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }),
      "сотрудники.xlsx",
    );

    let uploading = true;
    const health: number[] = [];
    const poll = (async () => {
      while (uploading) {
        const t = performance.now();
        const r = await fetch(app.url + "/healthz");
        await r.arrayBuffer();
        health.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 20)); // the sampling pace of the health probe, not a wait
      }
    })();
    const start = performance.now();
    const res = await fetch(app.url + "/cabinet/import", { method: "POST", headers: { cookie, origin: app.url }, body: form });
    const html = await res.text();
    const took = performance.now() - start;
    uploading = false;
    await poll;

    expect(res.status).toBe(200);
    expect(html).toMatch(
      /<p class="field-error" id="file-error"[^>]*>Файл слишком большой: в нём больше 24 МБ данных\. Разделите его на несколько файлов\.<\/p>/,
    );
    expect(took).toBeLessThan(10_000);
    expect(health.length).toBeGreaterThan(0);
    expect(Math.max(...health)).toBeLessThan(1_000);
    // Nothing was stored for a preview.
    expect(html).not.toContain('data-testid="summary"');
  });
});
