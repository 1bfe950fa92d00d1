// A walk-in at a kiosk that cannot reach the server: the kiosk checks the form by itself,
// queues it, shows green and the queue; once the server answers, the guest is registered and
// checked in once, at the time the walk-in happened. Real Chromium, the API blocked by routing.
import type { Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import { useAppAndBrowser } from "../setup/e2e-app";
import { demoEvent, kioskWithToken } from "../setup/e2e-data";
import { waitFor } from "../setup/wait";
import { fillWalkIn, pairWithToken } from "../setup/kiosk-page";
import { newPage } from "../setup/pages";

const e2e = useAppAndBrowser();
const { query } = e2e;
let page: Page;

beforeAll(async () => {
  const event = await demoEvent();
  const { token } = await kioskWithToken(event.id, { name: "Стойка у входа", categories: ["visitor", "vip"] }, "walk-in offline");
  page = await newPage(e2e.browser);
  await pairWithToken(page, e2e.app.url, token);
});

test("offline walk-in: checked by the kiosk, queued, green; registered and checked in once when the server is back", async () => {
  let refusedSyncs = 0;
  await page.route("**/api/v1/**", (r) => {
    if (new URL(r.request().url()).pathname === "/api/v1/kiosk/registrations") refusedSyncs++;
    return r.abort("internetdisconnected");
  });
  await page.click("[data-testid=walkin]");
  // The kiosk's own checks, translated, next to the fields (the server cannot be asked).
  await fillWalkIn(page, { lastName: "Офлайнова", email: "не-почта" });
  await expect(page.textContent("[data-testid=walkin-error-firstName]")).resolves.toBe("Заполните это поле.");
  await expect(page.textContent("[data-testid=walkin-error-email]")).resolves.toContain("адрес эл. почты");

  await fillWalkIn(page, { firstName: "Вера", email: "vera.offline@example.com", company: "ООО «Без связи»" }, { submit: false });
  const queuedAt = Date.now();
  await page.click("[data-testid=walkin-form] button[type=submit]");
  await page.waitForSelector("[data-testid=kiosk-result][data-kind=green]");
  await expect(page.textContent("[data-testid=kiosk-result]")).resolves.toContain("бейдж напечатается");
  await page.waitForFunction(() => document.querySelector("[data-testid=kiosk-queue]")?.textContent === "В очереди: 1");
  expect(await query(`SELECT 1 FROM "Person" WHERE email = 'vera.offline@example.com'`)).toHaveLength(0);

  // The check-in time must be the walk-in's, not the upload's: let the kiosk fail two sync
  // rounds (3 s apart) with the walk-in queued, so the two times are clearly apart.
  const refusedBefore = refusedSyncs;
  await waitFor("two refused sync rounds", () => refusedSyncs >= refusedBefore + 2);
  const backAt = Date.now();
  await page.unroute("**/api/v1/**");
  await page.waitForFunction(() => document.querySelector("[data-testid=kiosk-queue]")?.textContent === "В очереди: 0", undefined, { timeout: 20_000 });
  const rows = await query<{ source: string; status: string; checkIns: number; scannedAt: Date; company: string }>(
    `SELECT r.source, r.status::text, count(c.id)::int AS "checkIns", min(c."scannedAt") AS "scannedAt", o.name AS company
     FROM "Registration" r JOIN "Person" p ON p.id = r."personId" LEFT JOIN "Organization" o ON o.id = p."organizationId"
     LEFT JOIN "CheckIn" c ON c."registrationId" = r.id WHERE p.email = 'vera.offline@example.com' GROUP BY r.id, o.name`,
  );
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ source: "kiosk", status: "confirmed", checkIns: 1, company: "ООО «Без связи»" });
  expect(rows[0].scannedAt.getTime()).toBeGreaterThanOrEqual(queuedAt - 1000);
  expect(rows[0].scannedAt.getTime()).toBeLessThan(backAt);
});

test("the kiosk switches to English and back without losing its pairing", async () => {
  await page.click("[data-testid=kiosk-lang]");
  await page.waitForFunction(() => document.querySelector("[data-testid=kiosk-online]")?.textContent === "Online");
  await expect(page.textContent("[data-testid=kiosk-lang]")).resolves.toBe("Русский");
  await page.click("[data-testid=kiosk-lang]");
  await page.waitForFunction(() => document.querySelector("[data-testid=kiosk-online]")?.textContent === "В сети");
});
