import { submitAndSettle } from "../setup/submit";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { runAdmin } from "../setup/app";
import { useAppAndBrowser } from "../setup/e2e-app";
import { hydrated, loginAs, newPage } from "../setup/pages";

// The change log in words (issue #13 item 2): real changes by three kinds of author, read back
// in Russian and English with local times, then paging, filters and who may open it.

const e2e = useAppAndBrowser();
const { query } = e2e;
let ru: Page;
let en: Page;
let token: string;
let eventId: string;
let gammaId: string;

const [, MANAGER, EXHIBITOR] = DEMO_USERS;
const TOKEN_NAME = "Интеграция сайта";

beforeAll(async () => {
  token = (await runAdmin(["create-token", "--role", "manager", "--name", TOKEN_NAME], { DATABASE_URL: e2e.app.databaseUrl })).stdout.trim();
  eventId = (await query(`SELECT id FROM "Event" WHERE name = 'ЭкспоСтрой 2026'`))[0].id;
  ru = await newPage(e2e.browser);
  en = await newPage(e2e.browser, "en-GB");
});



async function submit(page: Page, form: string) {
  await submitAndSettle(page, () => page.locator(`${form} button[type=submit]`).click());
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(e2e.app.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json();
}

type Row = { time: string; at: string; who: string; what: string; changes: string[] };

async function rows(page: Page): Promise<Row[]> {
  return page.$$eval("[data-testid=log-entry]", (trs) =>
    trs.map((tr) => ({
      time: tr.querySelector("[data-testid=log-time]")!.textContent!.trim(),
      at: tr.querySelector("time")!.getAttribute("datetime")!,
      who: tr.querySelector("[data-testid=log-who]")!.textContent!.trim(),
      what: tr.querySelector("[data-testid=log-what]")!.textContent!.trim(),
      changes: [...tr.querySelectorAll("[data-testid=log-change]")].map((c) => c.textContent!.trim()),
    })),
  );
}

const moscow = (locale: string, iso: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Moscow" }).format(new Date(iso));

describe("the change log, in words, in Chromium", () => {
  test("a manager, the API and an exhibitor make changes; the log says who did what, in Russian, at Moscow time", async () => {
    await loginAs(ru, e2e.app.url, { email: MANAGER.email, password: MANAGER.password });
    await ru.goto(`${e2e.app.url}/manage/events/${eventId}`);
    await ru.fill("[data-testid=create-exhibitor] [name=name]", "Гамма-Лог");
    await ru.fill("[data-testid=create-exhibitor] [name=inn]", "7736050003");
    await ru.fill("[data-testid=create-exhibitor] [name=stand]", "C-7");
    await ru.fill("[data-testid=create-exhibitor] [name=staffQuota]", "30");
    await submit(ru, "[data-testid=create-exhibitor]");
    gammaId = (await query(`SELECT e.id FROM "Exhibitor" e JOIN "Organization" o ON o.id = e."organizationId" WHERE o.name = 'Гамма-Лог'`))[0].id;

    // The quota and the card through the API (a manager token), the lock from the page.
    await api("PATCH", `/api/v1/exhibitors/${gammaId}`, { staffQuota: 40, company: { city: "Казань" } });
    await ru.goto(`${e2e.app.url}/manage/exhibitors/${gammaId}`);
    await ru.fill("form:has([name=intent][value=lock]) [name=reason]", "Нет оплаты");
    await submit(ru, "form:has([name=intent][value=lock])");

    // The exhibitor edits its own card in the cabinet.
    const exhibitor = await newPage(e2e.browser);
    await loginAs(exhibitor, e2e.app.url, { email: EXHIBITOR.email, password: EXHIBITOR.password });
    await exhibitor.fill("[data-testid=company-card] [name=city]", "Тула");
    await submit(exhibitor, "[data-testid=company-card]");
    await exhibitor.context().close();

    await ru.goto(`${e2e.app.url}/manage/events/${eventId}/changes`);
    const log = await rows(ru);
    const lock = log.find((r) => r.what.startsWith("Кабинет закрыт"))!;
    expect(lock.who).toBe(`${MANAGER.name} (${MANAGER.email})`);
    expect(lock.what).toContain("Гамма-Лог");
    expect(lock.changes).toEqual(["Закрыт: нет → да", "Причина: — → Нет оплаты"]);
    const patch = log.find((r) => r.what.startsWith("Изменён экспонент") && r.what.includes("Гамма-Лог"))!;
    expect(patch.who).toBe(`API-токен «${TOKEN_NAME}»`);
    expect(patch.changes).toEqual(["Лимит бейджей: 30 → 40", "Город: — → Казань"]);
    const created = log.find((r) => r.what.startsWith("Добавлен экспонент"))!;
    expect(created.changes).toContain("Компания: Гамма-Лог");
    expect(created.changes).toContain("Стенд: C-7");
    expect(created.changes).toContain("ИНН: 7736050003");
    expect(created.changes.some((c) => c.startsWith("Закрыт"))).toBe(false);
    const card = log.find((r) => r.who.startsWith(EXHIBITOR.name))!;
    expect(card.what).toMatch(/^Изменён экспонент/);
    expect(card.changes.some((c) => /^Город: .+ → Тула$/.test(c))).toBe(true);
    // No raw keys, ids, nulls or UTC timestamps anywhere.
    const text = (await ru.locator("[data-testid=audit]").textContent())!;
    expect(text).not.toMatch(/company\.|null|\[\]|exhibitor\.create|[0-9a-f]{8}-[0-9a-f]{4}-|\d{4}-\d{2}-\d{2}T/);
    for (const r of [lock, patch, created]) expect(r.time).toBe(moscow("ru-RU", r.at));

    // The exhibitor's page shows its own entries through the same list.
    await ru.goto(`${e2e.app.url}/manage/exhibitors/${gammaId}`);
    const own = await rows(ru);
    expect(own.map((r) => r.what.split(":")[0])).toEqual(["Кабинет закрыт", "Изменён экспонент", "Добавлен экспонент"]);
  });

  test("the same entries read in English", async () => {
    await loginAs(en, e2e.app.url, { email: MANAGER.email, password: MANAGER.password });
    await en.goto(`${e2e.app.url}/manage/events/${eventId}/changes`);
    const log = await rows(en);
    const lock = log.find((r) => r.what.startsWith("Cabinet locked"))!;
    expect(lock.changes).toEqual(["Locked: no → yes", "Reason: — → Нет оплаты"]);
    expect(lock.time).toBe(moscow("en-GB", lock.at));
    const patch = log.find((r) => r.what.startsWith("Exhibitor changed") && r.who.startsWith("API token"))!;
    expect(patch.who).toBe(`API token “${TOKEN_NAME}”`);
    expect(patch.changes).toEqual(["Badge quota: 30 → 40", "City: — → Казань"]);
    await expect(en.locator("h1").textContent()).resolves.toBe("Change log");
  });

  test("paging goes past the first page without gaps or repeats; a damaged cursor is a message, not a 500", async () => {
    for (let i = 1; i <= 60; i++) await api("PATCH", `/api/v1/exhibitors/${gammaId}`, { stand: `C-${100 + i}` });
    const total = Number((await query(`SELECT count(*) FROM "AuditLog" WHERE "exhibitorId" = $1`, [gammaId]))[0].count);
    expect(total).toBe(63);
    await ru.goto(`${e2e.app.url}/manage/exhibitors/${gammaId}`);
    const first = await rows(ru);
    expect(first).toHaveLength(50);
    expect(first[0].changes).toEqual(["Стенд: C-159 → C-160"]);
    await hydrated(ru);
    await Promise.all([ru.waitForURL(/cursor=/), ru.getByTestId("log-older").click()]);
    await ru.waitForFunction(() => document.querySelectorAll("[data-testid=log-entry]").length === 13);
    const second = await rows(ru);
    expect(second.at(-1)!.what).toMatch(/^Добавлен экспонент/);
    expect(await ru.getByTestId("log-older").count()).toBe(0);
    const ats = [...first, ...second].map((r) => r.at + r.changes.join());
    expect(new Set(ats).size).toBe(63);

    const res = await ru.goto(`${e2e.app.url}/manage/events/${eventId}/changes?cursor=abc'%20OR%201=1`);
    expect(res!.status()).toBe(200);
    await expect(ru.getByTestId("log-bad-cursor").textContent()).resolves.toContain("устарела");
    expect(await ru.getByTestId("log-entry").count()).toBe(50);
  });

  test("filters by author, action and exhibitor", async () => {
    await ru.goto(`${e2e.app.url}/manage/events/${eventId}/changes`);
    await hydrated(ru);
    await ru.selectOption("#log-action", { label: "Кабинет закрыт" });
    await Promise.all([ru.waitForURL(/action=cabinet.lock/), ru.click("[data-testid=log-filters] button[type=submit]")]);
    await ru.waitForFunction(() => document.querySelectorAll("[data-testid=log-entry]").length === 1);
    expect((await rows(ru))[0].what).toContain("Гамма-Лог");

    const tokenEntries = Number(
      (await query(`SELECT count(*) FROM "AuditLog" WHERE "eventId" = $1 AND "actorTokenId" IS NOT NULL`, [eventId]))[0].count,
    );
    await ru.goto(`${e2e.app.url}/manage/events/${eventId}/changes`);
    await hydrated(ru);
    await ru.selectOption("#log-author", { label: `API-токен «${TOKEN_NAME}»` });
    await ru.selectOption("#log-exhibitor", { label: "Гамма-Лог" });
    await Promise.all([ru.waitForURL(/author=t%3A/), ru.click("[data-testid=log-filters] button[type=submit]")]);
    const page = await rows(ru);
    expect(page).toHaveLength(50);
    expect(tokenEntries).toBe(61);
    expect(page.every((r) => r.who === `API-токен «${TOKEN_NAME}»` && r.what.includes("Гамма-Лог"))).toBe(true);
    // The older page keeps the filters.
    await Promise.all([ru.waitForURL(/cursor=.*|author=.*cursor=/), ru.getByTestId("log-older").click()]);
    await ru.waitForFunction(() => document.querySelectorAll("[data-testid=log-entry]").length === 11);
    expect((await rows(ru)).every((r) => r.who === `API-токен «${TOKEN_NAME}»`)).toBe(true);
  });

  test("an exhibitor account cannot open the event's or an exhibitor's change log", async () => {
    const page = await newPage(e2e.browser);
    await loginAs(page, e2e.app.url, { email: EXHIBITOR.email, password: EXHIBITOR.password });
    expect((await page.goto(`${e2e.app.url}/manage/events/${eventId}/changes`))!.status()).toBe(403);
    expect((await page.goto(`${e2e.app.url}/manage/exhibitors/${gammaId}`))!.status()).toBe(403);
    expect(await page.getByTestId("log-entry").count()).toBe(0);
    await page.context().close();
  });
});
