// Issue #7 in real Chromium: the template page's live preview (debounced, drawn by the server)
// and the exhibitor's bulk PDF with a progress bar that moves as pages arrive.
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startApp, type RunningApp } from "../setup/app";
import { closeBrowser, launchBrowser } from "../setup/browser";
import { fakeZebra } from "../checkin/helpers";
import { readPdf, squash } from "./helpers";
import { addNumberedStaff } from "./manager-setup";
import { quietPeriod, waitFor } from "../setup/wait";

let app: RunningApp;
let browser: Browser;
let eventId: string;
let stroymash: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the app's pool, loaded after DATABASE_URL is set
let pool: () => any;

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp({ seed: true }), launchBrowser()]);
  process.env.DATABASE_URL = app.databaseUrl;
  pool = (await import("../../app/utils/db.server")).pool;
  const ex = await pool().query(`SELECT x."id", x."eventId" FROM "Exhibitor" x JOIN "Organization" o ON o."id" = x."organizationId" WHERE o."name" = 'СтройМаш'`);
  [stroymash, eventId] = [ex.rows[0].id, ex.rows[0].eventId];
  await addNumberedStaff(pool, eventId, stroymash, "ui");
}, 120_000);
afterAll(async () => {
  await closeBrowser(browser);
  await app?.stop();
});

async function login(page: Page, email: string, password: string) {
  await page.goto(app.url + "/login");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click("button[type=submit].primary")]);
}

const naturalWidth = (page: Page) => page.$eval("[data-testid=badge-preview]", (img) => (img as HTMLImageElement).naturalWidth);

describe("badge pages in Chromium", () => {
  test("the live preview follows the form (debounced), is drawn by the server, and saving keeps it", async () => {
    const page = await (await browser.newContext({ locale: "ru-RU" })).newPage();
    await login(page, "manager@expodesk.local", "demo-manager-2026");
    const previews: string[] = [];
    page.on("request", (r) => r.url().includes("/badges/preview") && previews.push(r.url()));
    await page.goto(`${app.url}/manage/events/${eventId}/badges?category=media`);
    await page.waitForSelector("[data-testid=preview-state]:has-text('Предпросмотр обновлён')");
    expect(await naturalWidth(page)).toBe(Math.round((62 / 25.4) * 110)); // default stock 62 mm at 110 dpi

    // Typing a label: several keystrokes, one (or two) renders, not one per key.
    const before = previews.length;
    await page.type("#f-labelRu", "ПРЕССА-ТЕСТ", { delay: 30 });
    await page.waitForFunction(() => {
      const img = document.querySelector("[data-testid=badge-preview]") as HTMLImageElement;
      return decodeURIComponent(img.src).includes("labelRu=ПРЕССА-ТЕСТ&") && img.complete && img.naturalWidth > 0;
    });
    await page.waitForSelector("[data-testid=preview-state]:has-text('Предпросмотр обновлён')");
    const typed = previews.slice(before);
    expect(typed.length).toBeGreaterThanOrEqual(1);
    expect(typed.length).toBeLessThanOrEqual(2);
    expect(decodeURIComponent(typed.at(-1)!.replace(/\+/g, " "))).toContain("labelRu=ПРЕССА-ТЕСТ");

    // Another stock: the server draws the new size.
    await page.selectOption("#f-stock", "a6");
    await page.waitForFunction(() => (document.querySelector("[data-testid=badge-preview]") as HTMLImageElement).src.includes("stock=a6"));
    await page.waitForSelector("[data-testid=preview-state]:has-text('Предпросмотр обновлён')");
    await page.waitForFunction(() => (document.querySelector("[data-testid=badge-preview]") as HTMLImageElement).naturalWidth === Math.round((105 / 25.4) * 110));
    expect(await page.textContent("[data-testid=stock-info]")).toContain("105 × 148 мм");

    // ZPL preview through zpl-renderer-js: 4 x 3 in at 8 dots/mm.
    await page.selectOption("#f-stock", "zebra-4x3");
    await page.check("input[name=previewFormat] >> nth=1");
    await page.waitForFunction(() => /format=zpl.*stock=zebra-4x3|stock=zebra-4x3.*format=zpl/.test((document.querySelector("[data-testid=badge-preview]") as HTMLImageElement).src));
    await page.waitForFunction(() => Math.abs((document.querySelector("[data-testid=badge-preview]") as HTMLImageElement).naturalWidth - 812) <= 1);

    await page.click("button[value=save]");
    await page.waitForSelector("[data-testid=notice]");
    const row = await pool().query(`SELECT "stock", "definition" FROM "BadgeTemplate" WHERE "eventId" = $1 AND "category" = 'media'`, [eventId]);
    expect(row.rows[0].stock).toBe("zebra-4x3");
    expect(row.rows[0].definition.elements.categoryBand.styles.media.label.ru).toBe("ПРЕССА-ТЕСТ");
    // After the reload the form shows what was saved, and the category tab marks it.
    expect(await page.inputValue("#f-labelRu")).toBe("ПРЕССА-ТЕСТ");
    // The tabs come from the revalidated loader, which may land just after the notice; the stock
    // is named in the UI language, not by its id (issue #13 item 4).
    await page.waitForFunction(() => document.querySelector("[data-testid=badge-categories]")?.textContent?.includes("(Zebra, 4 × 3 дюйма (102 × 76 мм))"));
    expect(await page.textContent("[data-testid=badge-categories]")).not.toContain("zebra-4x3");
  }, 90_000);

  test("an exhibitor downloads its staff's badges from the cabinet: the progress bar moves with the pages, the file has them all", async () => {
    const context = await browser.newContext({ locale: "ru-RU", acceptDownloads: true });
    const page = await context.newPage();
    await login(page, "exhibitor@stroymash.example", "demo-exhibitor-2026");
    await page.goto(app.url + "/cabinet");
    await Promise.all([page.waitForURL(/\/badges\/download/), page.click("[data-testid=badges-pdf-link]")]);
    const expected = (
      await pool().query(`SELECT count(*)::int AS n FROM "Registration" WHERE "exhibitorId" = $1 AND "status" = 'confirmed'`, [stroymash])
    ).rows[0].n;
    expect(await page.textContent("[data-testid=bulk-counts]")).toContain(`Бейджей: ${expected}, страниц: ${expected}`);
    // Sample the bar while it runs.
    await page.evaluate(() => {
      const w = window as unknown as { seen: number[] };
      w.seen = [];
      setInterval(() => {
        const p = document.querySelector("[data-testid=bulk-progress] progress") as HTMLProgressElement | null;
        if (p && w.seen.at(-1) !== p.value) w.seen.push(p.value);
      }, 5);
    });
    const t0 = Date.now();
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.click("[data-testid=bulk-start]")]);
    await page.waitForSelector("[data-testid=bulk-done]");
    const ms = Date.now() - t0;
    const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
    const middle = seen.filter((v) => v > 0 && v < expected);
    console.log(`progress UI: ${expected} pages in ${ms} ms, ${seen.length} distinct bar values, ${middle.length} in between`);
    expect(middle.length).toBeGreaterThanOrEqual(3);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen); // never goes back
    expect(await page.textContent("[data-testid=bulk-done]")).toContain(`${expected}`);
    const file = readFileSync((await download.path())!);
    const pages = await readPdf(file);
    expect(pages).toHaveLength(expected);
    expect(squash(pages.map((p) => p.text).join(" "))).toContain("Сотрудник200 Иван");
    expect(download.suggestedFilename()).toMatch(/^badges-exhibitor-.*\.pdf$/);
  }, 90_000);

  test("printers page: live health, moving a failed job with the select and button, delete asks first", async () => {
    const live = await fakeZebra();
    try {
      const [dead, ok] = (
        await pool().query(
          `INSERT INTO "Printer" ("eventId", "name", "driver", "address") VALUES ($1, 'Сломанная', 'raw_tcp', '127.0.0.1:1'), ($1, 'Рабочая', 'raw_tcp', $2) RETURNING "id"`,
          [eventId, live.address],
        )
      ).rows.map((r: { id: string }) => r.id);
      const reg = (await pool().query(`SELECT r."id" FROM "Registration" r JOIN "Person" p ON p."id" = r."personId" WHERE p."lastName" = 'Сотрудник007'`)).rows[0].id;
      const job = (
        await pool().query(
          `INSERT INTO "PrintJob" ("registrationId", "printerId", "format", "status", "attempts", "error") VALUES ($1, $2, 'zpl', 'failed', 12, 'connect ECONNREFUSED 127.0.0.1:1') RETURNING "id"`,
          [reg, dead],
        )
      ).rows[0].id;
      const page = await (await browser.newContext({ locale: "ru-RU" })).newPage();
      await login(page, "manager@expodesk.local", "demo-manager-2026");
      await page.goto(`${app.url}/manage/events/${eventId}/printers`);
      expect(await page.textContent(`[data-printer-id="${ok}"] [data-testid=printer-health]`)).toContain("готов");
      expect(await page.textContent(`[data-printer-id="${dead}"] [data-testid=printer-health]`)).toContain("проблема");
      const row = `[data-job-id="${job}"]`;
      expect(await page.textContent(`${row} [data-testid=job-status]`)).toBe("ошибка");
      expect(await page.textContent(`${row} [data-testid=job-error]`)).toContain("ECONNREFUSED");

      await page.selectOption(`${row} select[name=toPrinterId] >> nth=0`, ok);
      await page.click(`${row} button[value=move]`);
      await page.waitForSelector("[data-testid=notice]");
      await waitFor("the moved job at the working printer", () => live.jobs.length > 0, { timeoutMs: 15_000 });
      expect(live.jobs[0].data.toString("utf8").replace(/\\&/g, " ")).toContain("Сотрудник007 Иван");
      // The page refreshes itself: the job shows as printed on the new printer.
      await page.waitForSelector(`${row} [data-testid=job-status]:has-text("напечатан")`, { timeout: 15_000 });
      expect(await page.textContent(row)).toContain("Рабочая");

      // Delete asks first: "cancel" keeps the printer, "OK" removes it.
      const dismissed = new Promise<void>((resolve) => page.once("dialog", (d) => void d.dismiss().then(resolve)));
      await page.click(`[data-printer-id="${dead}"] button[value=delete]`);
      // The question was answered "cancel": a delete would be posted right after; none may come.
      await dismissed;
      await quietPeriod(300);
      expect((await pool().query(`SELECT 1 FROM "Printer" WHERE "id" = $1`, [dead])).rowCount).toBe(1);
      page.once("dialog", (d) => void d.accept());
      await page.click(`[data-printer-id="${dead}"] button[value=delete]`);
      await page.waitForSelector(`[data-printer-id="${dead}"]`, { state: "detached" });
      expect((await pool().query(`SELECT 1 FROM "Printer" WHERE "id" = $1`, [dead])).rowCount).toBe(0);
    } finally {
      await live.close();
    }
  }, 90_000);
});
