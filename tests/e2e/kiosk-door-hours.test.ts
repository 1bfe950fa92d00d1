// Issue #12 item 5, opening hours: an event may have doors-open / doors-close times (venue time).
// The manager sets them on the event page (close before open is refused next to the field, RU and
// EN); on an event day the kiosk warns about a check-in before the doors open or after they close
// and needs a tap, like a scan on another day. The kiosk's clock is Playwright's, set around them.
import { submitAndSettle } from "../setup/submit";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { localDay } from "../../app/utils/event-days";
import { zonedToUtc } from "../../app/utils/time";
import { useAppAndBrowser } from "../setup/e2e-app";
import { demoEvent, eventRunsToday, kioskWithToken, ticketCodes } from "../setup/e2e-data";
import { loginAs, newPage } from "../setup/pages";
import { clearResult, pairWithToken, RESULT, typeScan } from "../setup/kiosk-page";

const e2e = useAppAndBrowser();
const { query } = e2e;
let eventId: string;
let timezone: string;
let codes: Array<{ id: string; code: string }> = [];

const checkIns = async (id: string) =>
  (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "CheckIn" WHERE "registrationId" = $1`, [id]))[0].n;

beforeAll(async () => {
  ({ id: eventId, timezone } = await demoEvent());
  await eventRunsToday(eventId);
  codes = await ticketCodes(eventId, { status: "confirmed", category: "visitor" }, 4);
});

/** Today at `hhmm` at the venue. */
const todayAt = (hhmm: string) => zonedToUtc(`${localDay(new Date(), timezone)}T${hhmm}`, timezone)!;

/** Sets the kiosk's clock to `hhmm` at the venue, scans `code` and waits for an answer of `kind`. */
async function scanAt(page: Page, hhmm: string, code: string, kind: "green" | "warn") {
  await page.clock.setSystemTime(todayAt(hhmm));
  await typeScan(page, code);
  await page.locator(`${RESULT}[data-kind=${kind}]`).waitFor();
}

const portrait = (locale: "ru-RU" | "en-GB") => newPage(e2e.browser, locale, { viewport: { width: 1080, height: 1920 } });

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
      const page = await portrait(locale);
      await loginAs(page, e2e.app.url, DEMO_USERS[1]);
      await page.goto(`${e2e.app.url}/manage/events/${eventId}`);
      expect(await page.getAttribute("html", "lang")).toBe(locale.slice(0, 2));
      await settings(page, "19:00", "09:00");
      expect(await page.textContent("#f-doorsClose-error")).toBe(message);
      const row = await query<{ doorsOpen: string | null }>(`SELECT "doorsOpen" FROM "Event" WHERE "id" = $1`, [eventId]);
      expect(row[0].doorsOpen).toBeNull();
    }
    const page = await portrait("ru-RU");
    await loginAs(page, e2e.app.url, DEMO_USERS[1]);
    await page.goto(`${e2e.app.url}/manage/events/${eventId}`);
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
    await prisma().event.update({ where: { id: eventId }, data: { doorsOpen: "09:00", doorsClose: "18:00" } });
    const { token } = await kioskWithToken(eventId, { name: "Вход, часы работы" }, "door hours");
    const page = await portrait("ru-RU");
    await page.clock.install({ time: todayAt("07:30") });
    await pairWithToken(page, e2e.app.url, token, { firstSync: false });
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
    await clearResult(page);

    // Noon: open, green at once.
    await scanAt(page, "12:00", noon.code, "green");
    expect(await checkIns(noon.id)).toBe(1);
    await clearResult(page);

    // 18:30: closed since 18:00; cancelled, nobody checked in.
    await scanAt(page, "18:30", late.code, "warn");
    expect(await page.textContent(RESULT)).toContain("Вход закрылся в 18:00");
    await page.click("[data-testid=kiosk-cancel]");
    await page.locator(RESULT).waitFor({ state: "detached" });
    expect(await checkIns(late.id)).toBe(0);
  });
});
