// Issue #12 item 5, opening hours: an event may have doors-open / doors-close times (venue time).
// The manager sets them on the event page (close before open is refused next to the field, RU and
// EN); on an event day the kiosk warns about a check-in before the doors open or after they close
// and needs a tap, like a scan on another day. The kiosk's clock is Playwright's, set around them.
import { submitAndSettle } from "../setup/submit";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { localDay } from "../../app/utils/event-days";
import { zonedToUtc } from "../../app/utils/time";
import { closeBrowser, launchBrowser } from "../setup/browser";
import { startApp, type RunningApp } from "../setup/app";
import { queryDb } from "../setup/db";
import { eventRunsToday } from "./event-today";
import { loginAs } from "../setup/pages";
import { typeScan } from "../setup/kiosk-page";

let app: RunningApp;
let browser: Browser;
let eventId: string;
let timezone: string;
const codes: Array<{ id: string; code: string }> = [];
const contexts: BrowserContext[] = [];

const query = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => queryDb<T>(app.databaseUrl, sql, params);
const checkIns = async (id: string) =>
  (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "CheckIn" WHERE "registrationId" = $1`, [id]))[0].n;
const RESULT = "[data-testid=kiosk-result]";

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  process.env.DATABASE_URL = app.databaseUrl;
  const { prisma } = await import("../../app/utils/db.server");
  const { ticketCode } = await import("../../app/services/codes.server");
  const event = await prisma().event.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  eventId = event.id;
  timezone = event.timezone;
  await eventRunsToday(eventId);
  const regs = await prisma().registration.findMany({
    where: { eventId, status: "confirmed", category: "visitor" },
    orderBy: { createdAt: "asc" },
    take: 4,
  });
  for (const r of regs) codes.push({ id: r.id, code: await ticketCode(r) });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await closeBrowser(browser);
  await app?.stop();
});

/** Today at `hhmm` at the venue. */
const todayAt = (hhmm: string) => zonedToUtc(`${localDay(new Date(), timezone)}T${hhmm}`, timezone)!;

async function newPage(locale: "ru-RU" | "en-GB"): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1080, height: 1920 } });
  contexts.push(context);
  return context.newPage();
}


async function settings(page: Page, open: string, close: string) {
  if ((await page.getAttribute("[data-testid=event-settings]", "open")) === null) await page.click("[data-testid=event-settings] summary");
  await page.fill("[data-testid=settings-form] [name=doorsOpen]", open);
  await page.fill("[data-testid=settings-form] [name=doorsClose]", close);
  await submitAndSettle(page, () => page.click("[data-testid=settings-form] button[type=submit]"));
}

describe("opening hours", () => {
  test("the manager sets doors open / close on the event; close before open is refused next to the field", async () => {
    for (const [locale, message] of [
      ["en-GB", "Doors must close after they open"],
      ["ru-RU", "Двери должны закрываться позже, чем открываются"],
    ] as const) {
      const page = await newPage(locale);
      await loginAs(page, app.url, DEMO_USERS[1]);
      await page.goto(`${app.url}/manage/events/${eventId}`);
      expect(await page.getAttribute("html", "lang")).toBe(locale.slice(0, 2));
      await settings(page, "19:00", "09:00");
      expect(await page.textContent("#f-doorsClose-error")).toBe(message);
      const row = await query<{ doorsOpen: string | null }>(`SELECT "doorsOpen" FROM "Event" WHERE "id" = $1`, [eventId]);
      expect(row[0].doorsOpen).toBeNull();
    }
    const page = await newPage("ru-RU");
    await loginAs(page, app.url, DEMO_USERS[1]);
    await page.goto(`${app.url}/manage/events/${eventId}`);
    await settings(page, "09:00", "18:00");
    expect(await page.locator("#f-doorsClose-error").count()).toBe(0);
    const rows = await query<{ doorsOpen: string; doorsClose: string }>(`SELECT "doorsOpen", "doorsClose" FROM "Event" WHERE "id" = $1`, [
      eventId,
    ]);
    expect(rows[0]).toEqual({ doorsOpen: "09:00", doorsClose: "18:00" });
    await page.reload();
    expect(await page.inputValue("[data-testid=settings-form] [name=doorsOpen]")).toBe("09:00");
  });

  test("the kiosk: before 09:00 and after 18:00 a check-in needs a tap; at noon it is green at once", async () => {
    const { prisma } = await import("../../app/utils/db.server");
    const { createApiToken } = await import("../../app/utils/api-tokens.server");
    await prisma().event.update({ where: { id: eventId }, data: { doorsOpen: "09:00", doorsClose: "18:00" } });
    const kiosk = await prisma().kiosk.create({ data: { eventId, name: "Вход, часы работы" } });
    const { token } = await createApiToken({ role: "kiosk", name: "door hours", kioskId: kiosk.id, eventId });
    const page = await newPage("ru-RU");
    await page.clock.install({ time: todayAt("07:30") });
    await page.goto(app.url + "/kiosk");
    await page.click("text=Дополнительно: вставить токен киоска");
    await page.fill("#kiosk-token", token);
    await page.press("#kiosk-token", "Enter");
    await page.locator(".kiosk[data-event-day='2/3']").waitFor();
    await page.waitForFunction(() => document.querySelector("[data-testid=kiosk-online]")?.textContent === "В сети");

    // 07:30: the doors open at 09:00; staff confirm (a badge picked up early).
    const [early, noon, late] = codes;
    await typeScan(page, early.code);
    await page.locator(`${RESULT}[data-kind=warn]`).waitFor();
    expect(await page.textContent(RESULT)).toContain("Вход открывается в 09:00");
    expect(await checkIns(early.id)).toBe(0);
    await page.click("[data-testid=kiosk-confirm]");
    await page.locator(`${RESULT}[data-kind=green]`).waitFor();
    expect(await checkIns(early.id)).toBe(1);
    await page.click("[data-testid=kiosk-verdict]");
    await page.locator(RESULT).waitFor({ state: "detached" });

    // Noon: open, green at once.
    await page.clock.setSystemTime(todayAt("12:00"));
    await typeScan(page, noon.code);
    await page.locator(`${RESULT}[data-kind=green]`).waitFor();
    expect(await checkIns(noon.id)).toBe(1);
    await page.click("[data-testid=kiosk-verdict]");
    await page.locator(RESULT).waitFor({ state: "detached" });

    // 18:30: closed since 18:00; cancelled, nobody checked in.
    await page.clock.setSystemTime(todayAt("18:30"));
    await typeScan(page, late.code);
    await page.locator(`${RESULT}[data-kind=warn]`).waitFor();
    expect(await page.textContent(RESULT)).toContain("Вход закрылся в 18:00");
    await page.click("[data-testid=kiosk-cancel]");
    await page.locator(RESULT).waitFor({ state: "detached" });
    expect(await checkIns(late.id)).toBe(0);
  });
});
