// The kiosk's bar shows the event's arrivals today from the server (check-ins at every kiosk,
// not only its own since the page opened) and its printer's live health, which turns red when
// the printer stops answering. Real Chromium, a stand-in Zebra on loopback answering ~HS.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fakeZebra, ZEBRA_PAPER_OUT_PAUSED, ZEBRA_READY, type FakeZebra } from "../checkin/helpers";
import { useAppAndBrowser } from "../setup/e2e-app";
import { demoEvent, kioskWithToken } from "../setup/e2e-data";
import { pairWithToken } from "../setup/kiosk-page";
import { newPage } from "../setup/pages";

let zebra: FakeZebra;
const e2e = useAppAndBrowser({ alongside: async () => void (zebra = await fakeZebra()) });
const { query } = e2e;
let page: Page;
let eventId: string;
const arrivedText = () => page.textContent("[data-testid=kiosk-arrived]");

beforeAll(async () => {
  const { prisma } = await import("../../app/utils/db.server");
  ({ id: eventId } = await demoEvent());
  const printer = await prisma().printer.create({ data: { eventId, name: "Zebra у входа", driver: "raw_tcp", address: zebra.address } });
  const { token } = await kioskWithToken(eventId, { name: "Вход Б", defaultPrinterId: printer.id }, "status test");
  const other = await prisma().kiosk.create({ data: { eventId, name: "Вход А" } });
  // Two guests already came in through the other kiosk today.
  await query(
    `INSERT INTO "CheckIn" ("eventId", "registrationId", "kioskId", "clientId", "eventDay", "scannedAt")
     SELECT r."eventId", r.id, $2, gen_random_uuid(), (now() AT TIME ZONE e.timezone)::date, now()
     FROM "Registration" r JOIN "Event" e ON e.id = r."eventId" WHERE r."eventId" = $1 AND r.status = 'confirmed' ORDER BY r."createdAt" LIMIT 2`,
    [eventId, other.id],
  );
  page = await newPage(e2e.browser);
  await pairWithToken(page, e2e.app.url, token, { firstSync: false });
});
afterAll(async () => {
  await zebra?.close().catch(() => {});
});

test("arrived / expected are the event's figures for today, from the server", async () => {
  const [{ expected }] = await query<{ expected: number }>(`SELECT count(*)::int AS expected FROM "Registration" WHERE "eventId" = $1 AND status = 'confirmed'`, [eventId]);
  await page.waitForFunction((want) => document.querySelector("[data-testid=kiosk-arrived]")?.textContent === want, `Пришли: 2 из ${expected}`, { timeout: 15_000 });
  // One more at the other kiosk: this kiosk's bar follows within a few seconds.
  await query(
    `INSERT INTO "CheckIn" ("eventId", "registrationId", "clientId", "eventDay", "scannedAt")
     SELECT r."eventId", r.id, gen_random_uuid(), (now() AT TIME ZONE e.timezone)::date, now()
     FROM "Registration" r JOIN "Event" e ON e.id = r."eventId"
     WHERE r."eventId" = $1 AND r.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM "CheckIn" c WHERE c."registrationId" = r.id) LIMIT 1`,
    [eventId],
  );
  await page.waitForFunction((want) => document.querySelector("[data-testid=kiosk-arrived]")?.textContent === want, `Пришли: 3 из ${expected}`, { timeout: 15_000 });
  expect(await arrivedText()).toBe(`Пришли: 3 из ${expected}`);
});

test("the printer's health in words: ready, out of labels and paused (~HS flags), unreachable once it is gone", async () => {
  await page.waitForSelector("[data-testid=kiosk-printer][data-ok='1']", { timeout: 20_000 });
  await expect(page.textContent("[data-testid=kiosk-printer]")).resolves.toBe("Принтер «Zebra у входа»: готов");
  expect(zebra.statusQueries).toBeGreaterThan(0);
  zebra.hostStatus = ZEBRA_PAPER_OUT_PAUSED;
  await page.waitForSelector("[data-testid=kiosk-printer][data-ok='0']", { timeout: 30_000 });
  await expect(page.textContent("[data-testid=kiosk-printer]")).resolves.toBe("Принтер «Zebra у входа»: закончились этикетки, принтер на паузе");
  zebra.hostStatus = ZEBRA_READY;
  await page.waitForSelector("[data-testid=kiosk-printer][data-ok='1']", { timeout: 30_000 });
  await zebra.close();
  await page.waitForSelector("[data-testid=kiosk-printer][data-ok='0']", { timeout: 30_000 });
  await expect(page.textContent("[data-testid=kiosk-printer]")).resolves.toBe("Принтер «Zebra у входа»: нет связи с принтером");
});
