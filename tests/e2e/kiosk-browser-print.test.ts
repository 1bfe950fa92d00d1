// A kiosk whose printer has the `browser` driver prints the badge itself: after a check-in it
// fetches the job's PDF with its token (the server marks the job done) and prints it from a
// hidden iframe. Real Chromium; window.print is counted (headless shows no dialog).
import type { Browser } from "playwright-core";
import type pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser } from "../setup/browser";
import { startApp, type RunningApp } from "../setup/app";
import { queryDb } from "../setup/db";
import { eventRunsToday } from "./event-today";

let app: RunningApp;
let browser: Browser;
let token: string;

const query = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => queryDb<T>(app.databaseUrl, sql, params);

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  process.env.DATABASE_URL = app.databaseUrl;
  const { prisma } = await import("../../app/utils/db.server");
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  const event = await prisma().event.findFirstOrThrow();
  await eventRunsToday(event.id);
  const printer = await prisma().printer.create({ data: { eventId: event.id, name: "Принтер стойки", driver: "browser", address: "default" } });
  const kiosk = await prisma().kiosk.create({ data: { eventId: event.id, name: "Стойка 3", defaultPrinterId: printer.id } });
  token = (await createApiToken({ role: "kiosk", name: "browser print", kioskId: kiosk.id, eventId: event.id })).token;
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test("check-in at a kiosk with a browser printer: the kiosk fetches the badge PDF once and prints it", async () => {
  const context = await browser.newContext({ locale: "ru-RU" });
  // Count print() calls in any frame (the PDF frame is a blob: document of the kiosk's origin).
  await context.addInitScript(() => {
    const top = window.top as unknown as { __prints?: number };
    window.print = () => {
      top.__prints = (top.__prints ?? 0) + 1;
    };
  });
  const pdfs: string[] = [];
  const page = await context.newPage();
  page.on("response", (r) => {
    if (/\/api\/v1\/print-jobs\/[^/]+\/pdf$/.test(r.url()) && r.status() === 200) pdfs.push(r.headers()["content-type"] ?? "");
  });
  await page.goto(app.url + "/kiosk");
  await page.click("text=Дополнительно: вставить токен киоска");
  await page.fill("#kiosk-token", token);
  await page.press("#kiosk-token", "Enter");
  await page.waitForFunction(() => /Пришли: \d+ из [1-9]/.test(document.querySelector("[data-testid=kiosk-arrived]")?.textContent ?? ""));

  const [reg] = await query<{ id: string }>(
    `SELECT r.id FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE r.status = 'confirmed' AND p."lastName" = 'Кузнецова'`,
  );
  await page.fill(".kiosk-search", "kuznetsova");
  await page.click(".kiosk-results button");
  await page.waitForSelector("[data-testid=kiosk-result][data-kind=green]");
  await page.waitForSelector("iframe[data-testid=browser-print]", { state: "attached" });
  await page.waitForFunction(() => ((window as unknown as { __prints?: number }).__prints ?? 0) >= 1, undefined, { timeout: 15_000 });
  expect(pdfs).toEqual(["application/pdf"]);
  const jobs = await query<{ status: string; format: string }>(`SELECT status::text, format::text FROM "PrintJob" WHERE "registrationId" = $1`, [reg.id]);
  expect(jobs).toEqual([{ status: "done", format: "pdf" }]);
  expect(await page.getAttribute("iframe[data-testid=browser-print]", "src")).toMatch(/^blob:/);
});
