// Kiosk devices end to end in Chromium (issue #6): a manager creates a kiosk and pairs a device
// with a one-time code; the device scans, reprints from the yellow screen, registers a walk-in;
// revocation sends it back to the pairing screen; used and expired codes are refused.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RESULT_MS } from "../../kiosk/verdict";
import { DEMO_USERS } from "../../prisma/seed";
import { fakeZebra, type FakeZebra } from "../checkin/helpers";
import { useAppAndBrowser } from "../setup/e2e-app";
import { demoEvent, eventRunsToday, ticketCodes } from "../setup/e2e-data";
import { loginAs, newPage } from "../setup/pages";
import { fillWalkIn, typeScan } from "../setup/kiosk-page";

let zebra: FakeZebra;
const e2e = useAppAndBrowser({ alongside: async () => void (zebra = await fakeZebra()) });
const { query } = e2e;
let manager: Page;
let kiosk: Page;
let eventId: string;
let kioskId: string;
let pairCode: string;
let codes: Array<{ id: string; code: string }> = [];

beforeAll(async () => {
  const { prisma } = await import("../../app/utils/db.server");
  ({ id: eventId } = await demoEvent());
  await eventRunsToday(eventId);
  await prisma().printer.create({ data: { eventId, name: "Zebra E2E", driver: "raw_tcp", address: zebra.address } });
  codes = await ticketCodes(eventId, { status: "confirmed", category: "visitor" }, 2);

  const user = DEMO_USERS.find((u) => u.role === "manager")!;
  manager = await newPage(e2e.browser);
  await loginAs(manager, e2e.app.url, user);
  kiosk = await newPage(e2e.browser);
});
afterAll(async () => {
  await zebra?.close();
});

/** Scans like a USB scanner (typeScan) and returns the answer shown. */
async function scan(code: string) {
  await typeScan(kiosk, code);
  await kiosk.waitForSelector("[data-testid=kiosk-result]");
  return { kind: await kiosk.getAttribute("[data-testid=kiosk-result]", "data-kind"), text: await kiosk.textContent("[data-testid=kiosk-result]") };
}

async function dismiss() {
  await kiosk.click("[data-testid=kiosk-result] .big");
  await kiosk.waitForSelector("[data-testid=kiosk-result]", { state: "detached" });
}

async function newPairCode(): Promise<string> {
  await manager.goto(`${e2e.app.url}/manage/events/${eventId}/kiosks`);
  await Promise.all([manager.waitForSelector("[data-testid=pair-code]"), manager.click(`[data-kiosk="${kioskId}"] >> text=Подключить устройство`)]);
  await expect(manager.getByTestId("pair-qr").getAttribute("src")).resolves.toMatch(/^data:image\/png;base64,/);
  return (await manager.getAttribute("[data-testid=pair-code]", "data-code"))!;
}

describe("kiosk devices in Chromium", () => {
  test("the manager creates a kiosk (name required, translated) from the event page", async () => {
    await manager.goto(`${e2e.app.url}/manage/events/${eventId}`);
    await Promise.all([manager.waitForURL(/\/kiosks$/), manager.click("text=Киоски")]);
    await manager.waitForSelector("[data-testid=kiosks-empty]");
    await manager.click("[data-testid=kiosk-form] button.primary");
    await expect(manager.getByTestId("error-name").textContent()).resolves.toBe("Заполните это поле.");
    await manager.fill("#f-name", "Вход А");
    await manager.fill("#f-location", "Павильон 1, северный вход");
    await manager.selectOption("#f-printerId", { label: "Zebra E2E (raw_tcp)" });
    await manager.check("input[name=categories][value=visitor]");
    await manager.check("input[name=categories][value=vip]");
    await Promise.all([manager.waitForSelector("[data-testid=kiosk-row]"), manager.click("[data-testid=kiosk-form] button.primary")]);
    const [row] = await query<{ id: string; categories: string; defaultPrinterId: string | null }>(
      `SELECT id, categories::text, "defaultPrinterId" FROM "Kiosk" WHERE "eventId" = $1`,
      [eventId],
    );
    expect(row.categories).toBe("{visitor,vip}");
    expect(row.defaultPrinterId).not.toBeNull();
    kioskId = row.id;
    await expect(manager.textContent("[data-testid=kiosk-row]")).resolves.toContain("Ещё не подключался");
  });

  test("an exhibitor gets 403 on the kiosks page", async () => {
    const ex = DEMO_USERS.find((u) => u.role === "exhibitor")!;
    const page = await newPage(e2e.browser);
    await loginAs(page, e2e.app.url, ex);
    const r = await page.goto(`${e2e.app.url}/manage/events/${eventId}/kiosks`);
    expect(r?.status()).toBe(403);
    await page.context().close();
  });

  test("a device pairs with the code from the manager page and scans; the kiosk shows online to the manager", async () => {
    pairCode = await newPairCode();
    expect(pairCode).toMatch(/^[A-Z0-9]{8}$/);
    await kiosk.goto(e2e.app.url + "/kiosk");
    await kiosk.fill("#kiosk-pair-code", `${pairCode.slice(0, 4)} ${pairCode.slice(4)}`.toLowerCase());
    await kiosk.press("#kiosk-pair-code", "Enter");
    await kiosk.waitForFunction(() => /Пришли: \d+ из [1-9]/.test(document.querySelector("[data-testid=kiosk-arrived]")?.textContent ?? ""));
    await expect(kiosk.textContent(".kiosk-bar")).resolves.toContain("Вход А");

    const green = await scan(codes[0].code);
    expect(green.kind, green.text ?? "").toBe("green");
    await expect.poll(() => zebra.jobs.length, { timeout: 10_000 }).toBe(1);
    await dismiss();

    await manager.reload();
    await expect(manager.textContent("[data-testid=kiosk-state]")).resolves.toBe("В сети");
  });

  test("yellow screen: Reprint asks for a reason and prints a new job on the kiosk's printer", async () => {
    // The page's clock is Playwright's from here (it keeps running): the result screen's own
    // timer can be run out at once instead of waiting for it.
    await kiosk.clock.install();
    const yellow = await scan(codes[0].code);
    expect(yellow.kind).toBe("yellow");
    await kiosk.click("[data-testid=reprint]");
    await kiosk.waitForSelector("[data-testid=reprint-form]");
    await kiosk.clock.runFor(RESULT_MS.yellow + 1000); // past the screen's time: it must stay while the form is open
    await kiosk.click("[data-testid=reprint-form] button.primary");
    await expect(kiosk.textContent("[data-testid=reprint-error]")).resolves.toBe("Заполните это поле.");
    await kiosk.click("text=Бейдж испорчен");
    await kiosk.click("[data-testid=reprint-form] button[type=submit]");
    await expect(kiosk.textContent("[data-testid=reprint-done]")).resolves.toContain("Zebra E2E");
    const jobs = await query<{ source: string; reason: string | null }>(
      `SELECT source, reason FROM "PrintJob" WHERE "registrationId" = $1 ORDER BY "createdAt"`,
      [codes[0].id],
    );
    expect(jobs).toEqual([
      { source: "checkin", reason: null },
      { source: "reprint", reason: "Бейдж испорчен" },
    ]);
    await expect.poll(() => zebra.jobs.length, { timeout: 10_000 }).toBe(2);
    await kiosk.click("[data-testid=reprint-done] button");
    await kiosk.waitForSelector("[data-testid=kiosk-result]", { state: "detached" });
  });

  test("walk-in: translated field errors, then green screen; the registration exists, is checked in and printed", async () => {
    await kiosk.click("[data-testid=walkin]");
    const options = await kiosk.$$eval("#walkin-category option", (os) => os.map((o) => o.textContent));
    expect(options).toEqual(["Посетитель", "VIP"]);
    await fillWalkIn(kiosk, { firstName: "Зоя", email: "не-почта" });
    await expect(kiosk.textContent("[data-testid=walkin-error-lastName]")).resolves.toBe("Заполните это поле.");
    await expect(kiosk.textContent("[data-testid=walkin-error-email]")).resolves.toContain("адрес эл. почты");
    await fillWalkIn(kiosk, { lastName: "Прохожая", email: "", company: "ООО «Мимо»" });
    await kiosk.waitForSelector("[data-testid=kiosk-result][data-kind=green]");
    await expect(kiosk.textContent("[data-testid=kiosk-result]")).resolves.toContain("Прохожая Зоя");
    const [reg] = await query<{ id: string; source: string; status: string }>(
      `SELECT r.id, r.source, r.status::text FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE p."lastName" = 'Прохожая' AND r."eventId" = $1`,
      [eventId],
    );
    expect(reg).toMatchObject({ source: "kiosk", status: "confirmed" });
    const [counts] = await query<{ checkins: number; jobs: number }>(
      `SELECT (SELECT count(*)::int FROM "CheckIn" WHERE "registrationId" = $1) AS checkins, (SELECT count(*)::int FROM "PrintJob" WHERE "registrationId" = $1) AS jobs`,
      [reg.id],
    );
    expect(counts).toEqual({ checkins: 1, jobs: 1 });
    await dismiss();
  });

  test("revoking on the manager page sends the device back to pairing with a message; the used code is refused", async () => {
    await manager.goto(`${e2e.app.url}/manage/events/${eventId}/kiosks`);
    manager.once("dialog", (d) => void d.accept());
    await Promise.all([manager.waitForSelector("[data-testid=notice]"), manager.click("text=Отключить устройства")]);
    await expect(manager.textContent("[data-testid=notice]")).resolves.toBe("Отключено устройств: 1.");
    await kiosk.waitForSelector("[data-testid=pair-notice]", { timeout: 15_000 });
    await expect(kiosk.textContent("[data-testid=pair-notice]")).resolves.toContain("Менеджер отключил это устройство");

    await kiosk.fill("#kiosk-pair-code", pairCode);
    await kiosk.press("#kiosk-pair-code", "Enter");
    await expect(kiosk.textContent("[data-testid=pair-error]")).resolves.toBe("Этот код уже использован. Попросите у менеджера новый код.");
  });

  test("an expired code is refused; a fresh code opened as the QR's URL pairs at once", async () => {
    const expired = await newPairCode();
    await query(`UPDATE "KioskPairingCode" SET "expiresAt" = now() - interval '1 second' WHERE "usedAt" IS NULL`);
    await kiosk.fill("#kiosk-pair-code", expired);
    await kiosk.press("#kiosk-pair-code", "Enter");
    await expect(kiosk.textContent("[data-testid=pair-error]")).resolves.toBe("Срок действия кода истёк. Попросите у менеджера новый код.");

    const fresh = await newPairCode();
    const url = await manager.getAttribute("[data-testid=pairing] a", "href");
    expect(url).toBe(`${e2e.app.url}/kiosk?pair=${fresh}`);
    await kiosk.goto(url!);
    await kiosk.waitForSelector("[data-testid=kiosk-arrived]");
    expect(kiosk.url()).toBe(`${e2e.app.url}/kiosk`);
  });

  test("exit counting: the manager turns it on and sets the kiosk to Exit; a scan there says goodbye and inside goes down", async () => {
    await manager.goto(`${e2e.app.url}/manage/events/${eventId}/kiosks`);
    await manager.check("[data-testid=exits-form] input[name=countsExits]");
    await Promise.all([manager.waitForSelector("[data-testid=inside-now]"), manager.click("[data-testid=exits-form] button")]);
    const insideBefore = Number(/\d+/.exec((await manager.textContent("[data-testid=inside-now]"))!)![0]);
    expect(insideBefore).toBeGreaterThanOrEqual(2); // the scanned guest and the walk-in
    await manager.goto(`${e2e.app.url}/manage/events/${eventId}/kiosks?edit=${kioskId}`);
    await manager.selectOption("#f-mode", "exit");
    await Promise.all([manager.waitForSelector("[data-testid=notice]"), manager.click("[data-testid=kiosk-form] button.primary")]);

    await kiosk.waitForSelector("[data-testid=kiosk-mode]", { timeout: 15_000 });
    await expect(kiosk.textContent("[data-testid=kiosk-inside]")).resolves.toBe(`Внутри: ${insideBefore}`);
    expect(await kiosk.$("[data-testid=walkin]")).toBeNull();
    const bye = await scan(codes[0].code);
    expect(bye.kind, bye.text ?? "").toBe("green");
    expect(bye.text).toContain("До свидания");
    await expect(kiosk.textContent("[data-testid=kiosk-inside]")).resolves.toBe(`Внутри: ${insideBefore - 1}`);
    await dismiss();
    const again = await scan(codes[0].code);
    expect(again.kind).toBe("yellow");
    expect(again.text).toContain("Уже вышел(а)");
    const [n] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "CheckOut" WHERE "registrationId" = $1`, [codes[0].id]);
    expect(n.n).toBe(1);
  });

  test("offline, an exit scan is verified by the kiosk and queued; it reaches the server once when it is back", async () => {
    await dismiss();
    // Someone inside: checked in today (event-local day) without going through this kiosk.
    await query(
      `INSERT INTO "CheckIn" ("eventId", "registrationId", "clientId", "eventDay", "scannedAt")
       SELECT r."eventId", r.id, gen_random_uuid(), (now() AT TIME ZONE e.timezone)::date, now() FROM "Registration" r JOIN "Event" e ON e.id = r."eventId"
       WHERE r.id = $1 ON CONFLICT DO NOTHING`,
      [codes[1].id],
    );
    await kiosk.route("**/api/v1/**", (r) => r.abort("internetdisconnected"));
    const forged = codes[1].code.slice(0, -3) + (codes[1].code.endsWith("AAA") ? "BBB" : "AAA");
    const bad = await scan(forged);
    expect(bad.kind).toBe("red");
    await dismiss();
    const bye = await scan(codes[1].code);
    expect(bye.kind, bye.text ?? "").toBe("green");
    expect(bye.text).toContain("выход записан");
    await kiosk.waitForFunction(() => document.querySelector("[data-testid=kiosk-queue]")?.textContent === "В очереди: 1");
    expect(await query(`SELECT 1 FROM "CheckOut" WHERE "registrationId" = $1`, [codes[1].id])).toHaveLength(0);
    await kiosk.unroute("**/api/v1/**");
    await kiosk.waitForFunction(() => document.querySelector("[data-testid=kiosk-queue]")?.textContent === "В очереди: 0", undefined, { timeout: 20_000 });
    expect(await query(`SELECT 1 FROM "CheckOut" WHERE "registrationId" = $1`, [codes[1].id])).toHaveLength(1);
  });
});
