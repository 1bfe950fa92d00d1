// Issue #13 item 4, everything in the UI language: the printers page (driver names, stock names,
// the printer's health message, a failed job's reason), the badges page (stock names, sizes) and
// the offline outbox (mail dates in the venue's time zone), in Chromium, RU and EN; the raw
// machine strings they used to show are gone.
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { formatDateTime } from "../../app/i18n";
import { useAppAndBrowser } from "../setup/e2e-app";
import { loginAs, newPage } from "../setup/pages";

const e2e = useAppAndBrowser();
let eventId: string;
let timezone: string;
let silent: net.Server;
const MAIL_AT = new Date("2026-12-03T07:05:00Z");

beforeAll(async () => {
  const { prisma } = await import("../../app/utils/db.server");
  const event = await prisma().event.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  eventId = event.id;
  timezone = (await prisma().event.findFirstOrThrow({ orderBy: { startsAt: "desc" } })).timezone;
  // A "Zebra" that accepts the connection and never answers ~HS.
  silent = net.createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const port = (silent.address() as net.AddressInfo).port;
  await prisma().printer.deleteMany({ where: { eventId } });
  await prisma().printer.create({ data: { eventId, name: "Zebra тихая", driver: "raw_tcp", address: `127.0.0.1:${port}` } });
  const a4 = await prisma().badgeTemplate.findFirst({ where: { stock: "a4-sheet" } });
  const browserPrinter = await prisma().printer.create({
    data: { eventId, name: "Браузер", driver: "browser", address: "browser", ...(a4 ? { templateId: a4.id } : {}) },
  });
  const reg = await prisma().registration.findFirstOrThrow({ where: { eventId } });
  await prisma().printJob.create({
    data: { registrationId: reg.id, printerId: browserPrinter.id, format: "pdf", status: "failed", attempts: 1, error: "kiosk_no_report", finishedAt: new Date() },
  });
  // One mail in the offline outbox, sent at 07:05 UTC.
  const dir = path.resolve(__dirname, "../.tmp", `app-${new URL(e2e.app.url).port}`, "mail");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "2026-12-03T07-05-00-000Z-test.eml"),
    `From: Expo Desk <noreply@example.com>\r\nTo: guest@example.com\r\nSubject: Test mail\r\nDate: Thu, 03 Dec 2026 07:05:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n`,
  );
});
afterAll(async () => {
  silent?.close();
});

async function managerPage(locale: "ru-RU" | "en-GB"): Promise<Page> {
  const page = await newPage(e2e.browser, locale);
  await loginAs(page, e2e.app.url, DEMO_USERS[1]);
  return page;
}

const RAW = ["no ~HS answer", "raw_tcp", "kiosk_no_report", "a4-sheet", "A4 sheet, 8 badges 95 x 67 mm", "Zebra 4 x 3 in", "+0000"];

describe("printing pages and the outbox in the UI language", () => {
  for (const [locale, expected] of [
    [
      "ru-RU",
      {
        driver: "Zebra по сети (raw TCP, ZPL)",
        message: /не ответил на запрос состояния \(~HS\) за 1200 мс/,
        job: "киоск не сообщил о печати бейджа",
        stock: "Лист A4, 8 бейджей 95 × 67 мм",
        zebra: "Zebra, 4 × 3 дюйма (102 × 76 мм)",
        size: "101,6 × 76,2 мм",
      },
    ],
    [
      "en-GB",
      {
        driver: "Networked Zebra (raw TCP, ZPL)",
        message: /no status answer \(~HS\) from 127\.0\.0\.1:\d+ in 1200 ms/,
        job: "the kiosk did not report the print",
        stock: "A4 sheet, 8 badges 95 × 67 mm",
        zebra: "Zebra, 4 × 3 in (102 × 76 mm)",
        size: "101.6 × 76.2 mm",
      },
    ],
  ] as const) {
    test(`${locale}: printers, badges and outbox pages`, { timeout: 90_000 }, async () => {
      const page = await managerPage(locale);
      const lang = locale.slice(0, 2) as "ru" | "en";

      await page.goto(`${e2e.app.url}/manage/events/${eventId}/printers`);
      expect(await page.getAttribute("html", "lang")).toBe(lang);
      const zebraRow = page.locator("[data-testid=printer-row]", { hasText: "Zebra тихая" });
      expect(await zebraRow.locator("[data-testid=printer-driver]").textContent()).toBe(expected.driver);
      expect(await zebraRow.locator("[data-testid=printer-message]").textContent()).toMatch(expected.message);
      expect(await page.locator("[data-testid=job-error]").first().textContent()).toBe(expected.job);
      const stockOptions = await page.locator("select[name=stock]").first().locator("option").allTextContents();
      expect(stockOptions).toContain(expected.stock);
      let text = await page.innerText("body");
      for (const raw of RAW) expect(text).not.toContain(raw);

      await page.goto(`${e2e.app.url}/manage/events/${eventId}/badges`);
      await page.selectOption("#f-stock", "zebra-4x3");
      await page.waitForFunction((size) => document.querySelector("[data-testid=stock-info]")?.textContent?.includes(size), expected.size);
      const badgeOptions = await page.locator("#f-stock option").allTextContents();
      expect(badgeOptions).toEqual(expect.arrayContaining([expected.stock, expected.zebra]));
      text = await page.innerText("body");
      for (const raw of RAW) expect(text).not.toContain(raw);

      await page.goto(`${e2e.app.url}/manage/outbox`);
      const when = formatDateTime(lang, MAIL_AT, timezone);
      const row = page.locator("[data-testid=outbox-row]", { hasText: "Test mail" });
      expect(await row.locator("[data-testid=outbox-date]").textContent()).toBe(when);
      await row.locator("a").click();
      await page.locator("[data-testid=mail-date]").waitFor();
      expect(await page.textContent("[data-testid=mail-date]")).toBe(when);
      text = await page.innerText("body");
      expect(text).not.toContain("+0000");
    });
  }
});
