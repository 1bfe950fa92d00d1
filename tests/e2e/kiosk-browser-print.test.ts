// A kiosk whose printer has the `browser` driver prints the badge itself: after a check-in it
// fetches the job's badge PNG with its token (the job becomes `sent`), prints it from a hidden
// HTML frame and reports back: printed (done) on afterprint, failed with why otherwise. Headless
// Chromium prints nothing and sends no afterprint, so window.print is replaced here by a stand-in
// that counts and fires afterprint (or throws); kiosk-browser-print-headed.test.ts prints for real.
import type { Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import { waitFor } from "../checkin/helpers";
import { useAppAndBrowser } from "../setup/e2e-app";
import { browserPrintingKiosk } from "../setup/e2e-data";
import { jsonCaller } from "../setup/http";
import { pairWithToken } from "../setup/kiosk-page";

const e2e = useAppAndBrowser();
const { query } = e2e;
let page: Page;
let token: string;
let managerToken: string;
let zebraPrinterId: string;
let otherBrowserPrinterId: string;
const images: string[] = [];

beforeAll(async () => {
  const { prisma } = await import("../../app/utils/db.server");
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  let eventId: string;
  ({ eventId, token } = await browserPrintingKiosk("Стойка 3", "browser print"));
  otherBrowserPrinterId = (await prisma().printer.create({ data: { eventId, name: "Стойка рядом", driver: "browser", address: "default" } })).id;
  zebraPrinterId = (await prisma().printer.create({ data: { eventId, name: "Zebra", driver: "raw_tcp", address: "127.0.0.1:1" } })).id;
  managerToken = (await createApiToken({ role: "manager", name: "m" })).token;

  const context = await e2e.browser.newContext({ locale: "ru-RU" });
  // The print frame is an about:srcdoc document of the kiosk's origin: the stand-in runs there too.
  await context.addInitScript(() => {
    const top = window.top as unknown as { __prints?: number; __failPrint?: boolean };
    window.print = () => {
      if (top.__failPrint) throw new Error("Печать недоступна");
      top.__prints = (top.__prints ?? 0) + 1;
      setTimeout(() => window.dispatchEvent(new Event("afterprint")), 100);
    };
  });
  page = await context.newPage();
  page.on("response", (r) => {
    if (/\/api\/v1\/print-jobs\/[^/]+\/(pdf|png)$/.test(r.url()) && r.status() === 200) images.push(r.headers()["content-type"] ?? "");
  });
  await pairWithToken(page, e2e.app.url, token);
});

const jobsOf = (lastName: string) =>
  query<{ id: string; status: string; error: string | null; source: string; printerId: string }>(
    `SELECT j.id, j.status::text, j.error, j.source, j."printerId" FROM "PrintJob" j JOIN "Registration" r ON r.id = j."registrationId" JOIN "Person" p ON p.id = r."personId"
     WHERE p."lastName" = $1 ORDER BY j."createdAt"`,
    [lastName],
  );

async function scan(search: string) {
  await page.fill(".kiosk-search", search);
  await page.click(".kiosk-results button");
  await page.waitForSelector("[data-testid=kiosk-result][data-kind=green]");
}

test("check-in: the kiosk fetches the badge image once, prints it in an HTML frame and reports it printed", async () => {
  await scan("kuznetsova");
  await page.waitForFunction(() => ((window as unknown as { __prints?: number }).__prints ?? 0) >= 1, undefined, { timeout: 15_000 });
  await page.waitForSelector("[data-testid=kiosk-print-state][data-state=printed]");
  await expect(page.textContent("[data-testid=kiosk-print-state]")).resolves.toBe("Бейдж напечатан");
  expect(images).toEqual(["image/png"]);
  await waitFor("job done", async () => (await jobsOf("Кузнецова"))[0]?.status === "done" || null);
  expect(await jobsOf("Кузнецова")).toMatchObject([{ status: "done", error: null }]);
});

test("print() fails: the job is failed with why, the bar says so, and one tap prints it again", async () => {
  await page.evaluate(() => ((window as unknown as { __failPrint?: boolean }).__failPrint = true));
  await page.waitForSelector("[data-testid=kiosk-result]", { state: "detached", timeout: 15_000 });
  await scan("popov");
  await page.waitForSelector("[data-testid=kiosk-print-state][data-state=failed]", { timeout: 15_000 });
  expect(await page.textContent("[data-testid=kiosk-print-state]")).toBe("Бейдж не напечатан: Печать недоступна");
  await waitFor("job failed", async () => (await jobsOf("Попов"))[0]?.status === "failed" || null);
  expect((await jobsOf("Попов"))[0].error).toBe("Печать недоступна");

  await page.evaluate(() => ((window as unknown as { __failPrint?: boolean }).__failPrint = false));
  await page.click("[data-testid=kiosk-failed-jobs]", { timeout: 15_000 });
  expect(await page.textContent("[data-testid=kiosk-failed-jobs]")).toBe("Не напечатано: 1");
  expect(await page.textContent("[data-testid=kiosk-failed-job]")).toContain("Попов");
  await page.click("[data-testid=kiosk-failed-job] [data-testid=kiosk-retry]");
  await page.waitForSelector("[data-testid=kiosk-failed-note]");
  await waitFor("reprint done", async () => (await jobsOf("Попов"))[1]?.status === "done" || null);
  expect((await jobsOf("Попов")).map((j) => [j.status, j.source])).toEqual([
    ["failed", "checkin"],
    ["done", "reprint"],
  ]);
  await page.waitForSelector("[data-testid=kiosk-failed-jobs]", { state: "detached" });
});

test("a failed badge moves to another printer of the event with one tap", async () => {
  await page.evaluate(() => ((window as unknown as { __failPrint?: boolean }).__failPrint = true));
  await page.waitForSelector("[data-testid=kiosk-result]", { state: "detached", timeout: 15_000 });
  await scan("vasileva");
  await waitFor("job failed", async () => (await jobsOf("Васильева"))[0]?.status === "failed" || null);
  await page.evaluate(() => ((window as unknown as { __failPrint?: boolean }).__failPrint = false));
  await page.click("[data-testid=kiosk-failed-jobs]", { timeout: 15_000 });
  await page.click(
    `[data-testid=kiosk-failed-job]:has-text("Васильева") [data-testid=kiosk-move][data-printer="${otherBrowserPrinterId}"]`,
  );
  await waitFor("moved and printed", async () => (await jobsOf("Васильева"))[0]?.status === "done" || null);
  expect(await jobsOf("Васильева")).toMatchObject([{ status: "done", source: "checkin", printerId: otherBrowserPrinterId, error: null }]);
});

test("POST /print-jobs/{id}/result: only a browser printer's queued or sent job; the same report again is a no-op", async () => {
  const call = jsonCaller(e2e.app.url);
  const [job] = await jobsOf("Кузнецова");
  const again = await call(`/api/v1/print-jobs/${job.id}/result`, "POST", token, { status: "printed" });
  expect(again.status).toBe(200);
  expect(again.body.status).toBe("done");
  const late = await call(`/api/v1/print-jobs/${job.id}/result`, "POST", token, { status: "failed", error: "x" });
  expect(late.status).toBe(409);
  expect(late.body.error.code).toBe("not_reportable");
  const [reg] = await query<{ id: string }>(
    `SELECT r.id FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE p."lastName" = 'Смирнов'`,
  );
  const [zjob] = await query<{ id: string }>(
    `INSERT INTO "PrintJob" ("registrationId", "printerId", "format") VALUES ($1, $2, 'zpl') RETURNING id`,
    [reg.id, zebraPrinterId],
  );
  const zebra = await call(`/api/v1/print-jobs/${zjob.id}/result`, "POST", managerToken, { status: "printed" });
  expect(zebra.status).toBe(409);
  const bad = await call(`/api/v1/print-jobs/${job.id}/result`, "POST", token, { status: "maybe" });
  expect(bad.status).toBe(422);
});
