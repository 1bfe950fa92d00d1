// Printer trouble is seen before the queue grows (issue #12): a CUPS queue paused with a reason
// (cupsdisable -r, IPP printer-state-reasons "paused") shows in words on the kiosk bar and on the
// managers' printers page, in the UI language. Private CUPS (tests/printing/cups.ts), real Chromium.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { closeBrowser, launchBrowser } from "../setup/browser";
import { startApp, type RunningApp } from "../setup/app";
import { printCupsDiagnosticsOnFailure, startCups, type CupsServer } from "../printing/cups";
import { loginAs, newPage } from "../setup/pages";
import { pairWithToken } from "../setup/kiosk-page";

let app: RunningApp;
let browser: Browser;
let cups: CupsServer;
let eventId: string;
let token: string;
let printerId: string;
printCupsDiagnosticsOnFailure(() => cups);

beforeAll(async () => {
  [app, browser, cups] = await Promise.all([startApp(), launchBrowser(), startCups()]);
  process.env.DATABASE_URL = app.databaseUrl;
  const { prisma } = await import("../../app/utils/db.server");
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  const q = await cups.addPdfQueue("DOOR");
  const event = await prisma().event.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  eventId = event.id;
  printerId = (await prisma().printer.create({ data: { eventId, name: "Brother у двери", driver: "ipp", address: q.url } })).id;
  const kiosk = await prisma().kiosk.create({ data: { eventId, name: "Дверь", defaultPrinterId: printerId } });
  token = (await createApiToken({ role: "kiosk", name: "trouble", kioskId: kiosk.id, eventId })).token;
});
afterAll(async () => {
  await closeBrowser(browser);
  await app?.stop();
  await cups?.stop();
});


test("a paused CUPS queue: the kiosk bar and the printers page say so in Russian and English; a sent browser job too", async () => {
  const kioskPage = await newPage(browser);
  await pairWithToken(kioskPage, app.url, token, { firstSync: false });
  await kioskPage.waitForSelector("[data-testid=kiosk-printer][data-ok='1']", { timeout: 30_000 });

  await cups.tool("cupsdisable", ["-r", "нет этикеток", "DOOR"]);
  await kioskPage.waitForSelector("[data-testid=kiosk-printer][data-ok='0']", { timeout: 30_000 });
  await expect(kioskPage.textContent("[data-testid=kiosk-printer]")).resolves.toBe("Принтер «Brother у двери»: принтер на паузе");

  for (const [locale, want] of [
    ["ru-RU", "проблема: принтер на паузе"],
    ["en-US", "problem: printer paused"],
  ] as const) {
    const page = await (await browser.newContext({ locale })).newPage();
    await loginAs(page, app.url, { email: "manager@expodesk.local", password: "demo-manager-2026" });
    await page.goto(`${app.url}/manage/events/${eventId}/printers`);
    expect(await page.textContent(`[data-printer-id="${printerId}"] [data-testid=printer-health]`)).toContain(want);
    await page.context().close();
  }

  // A browser printer's badge the kiosk fetched and has not reported: "sent to the kiosk browser".
  const { pool } = await import("../../app/utils/db.server");
  const browserPrinter = (
    await pool().query<{ id: string }>(
      `INSERT INTO "Printer" ("eventId", "name", "driver", "address") VALUES ($1, 'Браузер', 'browser', 'default') RETURNING "id"`,
      [eventId],
    )
  ).rows[0].id;
  const sent = (
    await pool().query<{ id: string }>(
      `INSERT INTO "PrintJob" ("registrationId", "printerId", "format", "status", "attempts", "startedAt")
       SELECT r."id", $2, 'pdf', 'sent', 1, now() FROM "Registration" r WHERE r."eventId" = $1 AND r."status" = 'confirmed' LIMIT 1 RETURNING "id"`,
      [eventId, browserPrinter],
    )
  ).rows[0].id;
  for (const [locale, want] of [
    ["ru-RU", "отправлен в браузер киоска"],
    ["en-US", "sent to the kiosk browser"],
  ] as const) {
    const page = await (await browser.newContext({ locale })).newPage();
    await loginAs(page, app.url, { email: "manager@expodesk.local", password: "demo-manager-2026" });
    await page.goto(`${app.url}/manage/events/${eventId}/printers`);
    expect(await page.textContent(`[data-job-id="${sent}"] [data-testid=job-status]`)).toBe(want);
    await page.context().close();
  }

  await cups.tool("cupsenable", ["DOOR"]);
  await kioskPage.waitForSelector("[data-testid=kiosk-printer][data-ok='1']", { timeout: 30_000 });
});
