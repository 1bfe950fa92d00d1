// Printer trouble is seen before the queue grows (issue #12): a CUPS queue paused with a reason
// (cupsdisable -r, IPP printer-state-reasons "paused") shows in words on the kiosk bar and on the
// managers' printers page, in the UI language. Private CUPS (tests/printing/cups.ts), real Chromium.
import { afterAll, beforeAll, expect, test } from "vitest";
import { useAppAndBrowser } from "../setup/e2e-app";
import { demoEvent, kioskWithToken } from "../setup/e2e-data";
import { printCupsDiagnosticsOnFailure, startCups, type CupsServer } from "../printing/cups";
import { loginAs, newPage } from "../setup/pages";
import { pairWithToken } from "../setup/kiosk-page";

let cups: CupsServer;
const e2e = useAppAndBrowser({ alongside: async () => void (cups = await startCups()) });
let eventId: string;
let token: string;
let printerId: string;
printCupsDiagnosticsOnFailure(() => cups);

beforeAll(async () => {
  const { prisma } = await import("../../app/utils/db.server");
  const q = await cups.addPdfQueue("DOOR");
  ({ id: eventId } = await demoEvent());
  printerId = (await prisma().printer.create({ data: { eventId, name: "Brother у двери", driver: "ipp", address: q.url } })).id;
  ({ token } = await kioskWithToken(eventId, { name: "Дверь", defaultPrinterId: printerId }, "trouble"));
});
afterAll(async () => {
  await cups?.stop();
});

/** The text at `selector` on the event's printers page, as the manager sees it in Russian and in English. */
async function printersPageText(selector: string) {
  const text: Record<string, string | null> = {};
  for (const locale of ["ru-RU", "en-US"]) {
    const page = await newPage(e2e.browser, locale);
    await loginAs(page, e2e.app.url, { email: "manager@expodesk.local", password: "demo-manager-2026" });
    await page.goto(`${e2e.app.url}/manage/events/${eventId}/printers`);
    text[locale] = await page.textContent(selector);
    await page.context().close();
  }
  return text;
}

test("a paused CUPS queue: the kiosk bar and the printers page say so in Russian and English; a sent browser job too", async () => {
  const kioskPage = await newPage(e2e.browser);
  await pairWithToken(kioskPage, e2e.app.url, token, { firstSync: false });
  await kioskPage.waitForSelector("[data-testid=kiosk-printer][data-ok='1']", { timeout: 30_000 });

  await cups.tool("cupsdisable", ["-r", "нет этикеток", "DOOR"]);
  await kioskPage.waitForSelector("[data-testid=kiosk-printer][data-ok='0']", { timeout: 30_000 });
  await expect(kioskPage.textContent("[data-testid=kiosk-printer]")).resolves.toBe("Принтер «Brother у двери»: принтер на паузе");

  const health = await printersPageText(`[data-printer-id="${printerId}"] [data-testid=printer-health]`);
  expect(health["ru-RU"]).toContain("проблема: принтер на паузе");
  expect(health["en-US"]).toContain("problem: printer paused");

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
  expect(await printersPageText(`[data-job-id="${sent}"] [data-testid=job-status]`)).toEqual({
    "ru-RU": "отправлен в браузер киоска",
    "en-US": "sent to the kiosk browser",
  });

  await cups.tool("cupsenable", ["DOOR"]);
  await kioskPage.waitForSelector("[data-testid=kiosk-printer][data-ok='1']", { timeout: 30_000 });
});
