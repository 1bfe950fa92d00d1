// The manager's attendance page: figures of a chosen day, the no-shows (search, pages), CSV and
// XLSX exports with their content, the empty state, who may see it, and (in Chromium) the
// numbers changing live after a check-in, without a reload.
import Papa from "papaparse";
import { randomUUID } from "node:crypto";
import ExcelJS from "exceljs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { closeBrowser, launchBrowser } from "../setup/browser";
import { startApp, type RunningApp } from "../setup/app";
import { createKiosk, register, scan, type Ctx } from "../checkin/helpers";
import { createEvent, DEMO, login, makeCtx } from "./helpers";
import { loginAs, newPage } from "../setup/pages";

let app: RunningApp;
let browser: Browser;
let ctx: Ctx;
let cookie: string;
let pastId: string;
let liveId: string;
let emptyId: string;
const past: { visitors: Array<{ id: string; name: string; code: string }>; formula: { name: string } } = {
  visitors: [],
  formula: { name: "" },
};

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  const base = await makeCtx(app);
  cookie = await login(app.url, DEMO.manager);

  // A past event: check-ins sent as offline scans with their times (09:10, 09:40, 11:05 local on day 2).
  pastId = await createEvent(base, { name: "Счёт", timezone: "Asia/Yekaterinburg", startsAt: "2025-03-01T10:00:00+05:00", endsAt: "2025-03-03T18:00:00+05:00" });
  ctx = { ...base, eventId: pastId };
  const ex = await ctx.call(`/api/v1/events/${pastId}/exhibitors`, "POST", ctx.managerToken, { company: { name: "Стенд-Мастер" }, stand: "B12", staffQuota: 5 });
  expect(ex.status).toBe(201);
  const kiosk = await createKiosk(ctx);
  for (let i = 0; i < 4; i++) past.visitors.push(await register(ctx, { lastName: `Гостев${i}` }));
  const staff = [];
  for (let i = 0; i < 3; i++) staff.push(await register(ctx, { lastName: `Стендов${i}`, category: "exhibitor_staff", exhibitorId: ex.body.id }));
  await ctx.db.prisma().person.update({ where: { id: (await ctx.db.prisma().registration.findUniqueOrThrow({ where: { id: past.visitors[2].id } })).personId }, data: { phone: "+79001234567" } });
  past.formula = await register(ctx, { lastName: "=HYPERLINK(1)", category: "media", company: "ООО \"Кавычки; и точка\"" });
  await register(ctx, { status: "cancelled" });
  await register(ctx, { status: "pending_approval", category: "media" });
  const at = (h: number, m: number) => new Date(Date.UTC(2025, 2, 2, h - 5, m)).toISOString();
  const r = await ctx.call("/api/v1/kiosk/checkins/batch", "POST", kiosk.token, {
    items: [
      { code: past.visitors[0].code, clientId: randomUUID(), scannedAt: at(9, 10) },
      { code: past.visitors[1].code, clientId: randomUUID(), scannedAt: at(9, 40) },
      { code: staff[0].code, clientId: randomUUID(), scannedAt: at(11, 5) },
    ],
  });
  expect(r.body.results.map((x: { result: string }) => x.result)).toEqual(["checked_in", "checked_in", "checked_in"]);

  // A running event with 60 people (for pages of no-shows and the live page), and an empty one.
  const now = Date.now();
  liveId = await createEvent(base, { name: "Идёт сейчас", startsAt: new Date(now - 86_400_000).toISOString(), endsAt: new Date(now + 86_400_000).toISOString() });
  await ctx.db.pool().query(
    `WITH p AS (INSERT INTO "Person" ("lastName", "firstName", "email")
                SELECT 'Петров' || lpad(n::text, 3, '0'), 'Иван', 'bulk' || n || '@example.com' FROM generate_series(1, 60) n RETURNING "id")
     INSERT INTO "Registration" ("eventId", "personId", "category", "status", "codeSecret") SELECT $1, p."id", 'visitor', 'confirmed', md5(random()::text) FROM p`,
    [liveId],
  );
  emptyId = await createEvent(base, { name: "Пустое", startsAt: new Date(now).toISOString(), endsAt: new Date(now + 86_400_000).toISOString() });
});
afterAll(async () => {
  await closeBrowser(browser);
  await app?.stop();
});

const get = (path: string, c = cookie, lang = "ru") => fetch(app.url + path, { redirect: "manual", headers: { cookie: `${c}; lang=${lang}` } });
const html = async (path: string, lang = "ru") => {
  const r = await get(path, cookie, lang);
  expect(r.status).toBe(200);
  return r.text();
};
const exportUrl = (id: string, q: Record<string, string>) => `/manage/events/${id}/attendance/export?${new URLSearchParams(q)}`;

describe("attendance page", () => {
  test("the event page links to it; the figures of the chosen day by category, exhibitor and hour", async () => {
    expect(await html(`/manage/events/${pastId}`)).toContain(`href="/manage/events/${pastId}/attendance"`);
    const page = await html(`/manage/events/${pastId}/attendance?day=2025-03-02`);
    expect(page).toMatch(/data-testid="att-registered">8</);
    expect(page).toMatch(/data-testid="att-checked-in">3</);
    expect(page).toMatch(/data-testid="att-no-shows">5</);
    // Every chart has its numbers in a table, and each bar a title.
    expect(page).toMatch(/<tr><td>Посетитель<\/td><td>4<\/td><td>2<\/td><td>50%<\/td><\/tr>/);
    expect(page).toMatch(/<tr><td>Стенд-Мастер<\/td><td>B12<\/td><td>3<\/td><td>1<\/td><td>33%<\/td><\/tr>/);
    expect(page).toMatch(/<tr><td>09:00<\/td><td>2<\/td><\/tr><tr><td>10:00<\/td><td>0<\/td><\/tr><tr><td>11:00<\/td><td>1<\/td><\/tr>/);
    expect(page).toContain("<title>Посетитель: план 4, факт 2</title>");
    expect(page).toContain("<title>09:00: пришли 2</title>");

    const dayOne = await html(`/manage/events/${pastId}/attendance?day=2025-03-01`);
    expect(dayOne).toMatch(/data-testid="att-checked-in">0</);
    expect(dayOne).toContain("В этот день пока никто не пришёл.");
    const all = await html(`/manage/events/${pastId}/attendance?day=all`, "en");
    expect(all).toMatch(/data-testid="att-checked-in">3</);
    expect(all).toContain("Attendance: plan vs fact");
  });

  test("a day outside the event gets a message next to the picker and the default day", async () => {
    const page = await html(`/manage/events/${pastId}/attendance?day=2024-01-01`);
    expect(page).toContain('<p class="field-error" id="att-day-error">Выберите один из дней мероприятия.</p>');
    expect(page).toMatch(/<option value="2025-03-03" selected="">/); // the event is over: its last day
    const en = await html(`/manage/events/${pastId}/attendance?day=garbage`, "en");
    expect(en).toContain("Pick one of the event&#x27;s days.");
  });

  test("no-shows: confirmed and not checked in that day, searchable, 50 a page", async () => {
    const page = await html(`/manage/events/${pastId}/attendance?day=2025-03-02`);
    const names = [...page.matchAll(/<tr data-testid="no-show-row"><td>([^<]+)<\/td>/g)].map((m) => m[1]);
    expect(names).toHaveLength(5);
    expect(names).toContain(past.visitors[2].name);
    expect(names).not.toContain(past.visitors[0].name);
    const found = await html(`/manage/events/${pastId}/attendance?day=2025-03-02&q=${encodeURIComponent("гостев3")}`);
    expect([...found.matchAll(/data-testid="no-show-row"/g)]).toHaveLength(1);
    const none = await html(`/manage/events/${pastId}/attendance?day=2025-03-02&q=${encodeURIComponent("100%_")}`);
    expect(none).toContain("По запросу «100%_» никого не нашли.");

    const p1 = await html(`/manage/events/${liveId}/attendance`);
    expect([...p1.matchAll(/data-testid="no-show-row"/g)]).toHaveLength(50);
    expect(p1).toContain("Страница 1 из 2");
    const p2 = await html(`/manage/events/${liveId}/attendance?page=2`);
    const rows = [...p2.matchAll(/<tr data-testid="no-show-row"><td>([^<]+)<\/td>/g)].map((m) => m[1]);
    expect(rows).toEqual(["Петров051 Иван", "Петров052 Иван", "Петров053 Иван", "Петров054 Иван", "Петров055 Иван", "Петров056 Иван", "Петров057 Иван", "Петров058 Иван", "Петров059 Иван", "Петров060 Иван"]);
  });

  test("empty state for an event without registrations", async () => {
    const page = await html(`/manage/events/${emptyId}/attendance`);
    expect(page).toContain('data-testid="att-empty"');
    expect(page).toContain("Подтверждённых регистраций пока нет");
    expect(page).toContain("Пришли все зарегистрированные.");
  });

  test("only managers: anonymous goes to the login page, an exhibitor gets 403 (page and exports); unknown event 404", async () => {
    const anon = await fetch(`${app.url}/manage/events/${pastId}/attendance`, { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toContain("/login");
    const exhibitor = await login(app.url, DEMO.exhibitor);
    expect((await get(`/manage/events/${pastId}/attendance`, exhibitor)).status).toBe(403);
    const ex = await get(exportUrl(pastId, { what: "noshows", format: "csv" }), exhibitor);
    expect(ex.status).toBe(403);
    expect(await ex.text()).not.toContain("Гостев");
    expect((await get(`/manage/events/${randomUUID()}/attendance`)).status).toBe(404);
  });
});

describe("exports", () => {
  test("figures as CSV: BOM, ';', a titled table per section, Russian headers", async () => {
    const r = await get(exportUrl(pastId, { what: "figures", format: "csv", day: "2025-03-02" }));
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(r.headers.get("content-disposition")).toBe('attachment; filename="attendance-2025-03-02.csv"');
    const body = Buffer.from(await r.arrayBuffer());
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString("utf8").slice(1).split("\r\n");
    expect(lines.slice(0, 3)).toEqual(["Итого", "День;Зарегистрировано (план);Пришли (факт);Не пришли;Доля пришедших, %", "2025-03-02;8;3;5;37,5"]);
    expect(lines).toContain("Посетитель;4;2;50");
    expect(lines).toContain("Экспонент;3;1;33,3");
    expect(lines).toContain("СМИ;1;0;0");
    expect(lines).toContain("Стенд-Мастер;B12;3;1;33,3");
    // Read as Russian Excel would: ";" between cells, "," in decimals; the shares are numbers.
    const total = Papa.parse<string[]>(lines.slice(1, 3).join("\n"), { delimiter: ";" }).data;
    const shareCol = total[0].indexOf("Доля пришедших, %");
    expect(Number(total[1][shareCol].replace(",", "."))).toBe(37.5);
    const en = (await (await get(exportUrl(pastId, { what: "figures", format: "csv", day: "2025-03-02" }), cookie, "en")).text()).split("\r\n");
    expect(en[2]).toBe("2025-03-02;8;3;5;37.5"); // English keeps the point
    const hours = lines.indexOf("По часам");
    expect(lines.slice(hours, hours + 5)).toEqual(["По часам", "Час;Пришли (факт)", "2025-03-02 09:00;2", "2025-03-02 10:00;0", "2025-03-02 11:00;1"]);
  });

  test("figures as XLSX: one sheet per section with numbers as numbers", async () => {
    const r = await get(exportUrl(pastId, { what: "figures", format: "xlsx", day: "2025-03-02" }), cookie, "en");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const wb = new ExcelJS.Workbook();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- exceljs's own Buffer type
    await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Total", "By category", "By exhibitor", "By hour"]);
    const rows = (name: string) => wb.getWorksheet(name)!.getSheetValues().slice(1).map((v) => (v as unknown[]).slice(1));
    expect(rows("Total")).toEqual([["Day", "Registered (plan)", "Checked in (fact)", "No-shows", "Turnout, %"], ["2025-03-02", 8, 3, 5, 37.5]]);
    expect(rows("By category")).toContainEqual(["Visitor", 4, 2, 50]);
    expect(rows("By exhibitor")).toEqual([["Exhibitor", "Stand", "Registered (plan)", "Checked in (fact)", "Turnout, %"], ["Стенд-Мастер", "B12", 3, 1, 33.3]]);
    expect(rows("By hour")).toEqual([["Hour", "Checked in (fact)"], ["2025-03-02 09:00", 2], ["2025-03-02 10:00", 0], ["2025-03-02 11:00", 1]]);
  });

  test("no-shows as CSV and XLSX: everyone expected and absent that day, quoted and formula-safe; the search applies", async () => {
    const r = await get(exportUrl(pastId, { what: "noshows", format: "csv", day: "2025-03-02" }));
    expect(r.headers.get("content-disposition")).toBe('attachment; filename="no-shows-2025-03-02.csv"');
    const lines = (await r.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("ФИО;Компания;Стенд;Категория;Эл. почта;Телефон");
    expect(lines).toHaveLength(1 + 5);
    expect(lines.some((l) => l.startsWith(past.visitors[2].name + ";"))).toBe(true);
    expect(lines.some((l) => l.startsWith(past.visitors[0].name + ";"))).toBe(false);
    // A phone is text without a visible apostrophe (="+7..." keeps it as written in Excel).
    const phoned = lines.find((l) => l.startsWith(past.visitors[2].name + ";"))!;
    expect(phoned.endsWith(';"=""+79001234567"""')).toBe(true);
    expect(phoned).not.toContain("'+7");
    const formula = lines.find((l) => l.includes("HYPERLINK"))!;
    expect(formula.startsWith(`'=HYPERLINK(1) Пётр;"ООО ""Кавычки; и точка""";;СМИ;`)).toBe(true);

    const x = await get(exportUrl(pastId, { what: "noshows", format: "xlsx", day: "2025-03-02", q: "Стендов" }));
    const wb = new ExcelJS.Workbook();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- exceljs's own Buffer type
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as any);
    const sheet = wb.getWorksheet("Не пришли")!;
    const data = sheet.getSheetValues().slice(2).map((v) => (v as unknown[]).slice(1));
    expect(data).toHaveLength(2);
    expect(data.every((row) => String(row[0]).startsWith("Стендов") && row[1] === "Стенд-Мастер" && row[2] === "B12" && row[3] === "Экспонент")).toBe(true);

    const all = await get(exportUrl(liveId, { what: "noshows", format: "csv" }));
    expect((await all.text()).trim().split("\r\n")).toHaveLength(61); // every row, not one page
  });

  test("a bad export request gets a translated 400", async () => {
    const r = await get(exportUrl(pastId, { what: "everything", format: "csv" }));
    expect(r.status).toBe(400);
    expect(await r.text()).toContain("Такой выгрузки нет");
    const d = await get(exportUrl(pastId, { what: "figures", format: "csv", day: "2030-01-01" }), cookie, "en");
    expect(d.status).toBe(400);
    expect(await d.text()).toBe("Pick one of the event's days.");
  });
});

describe("in Chromium", () => {
  let page: Page;

  test("the numbers change live after a check-in, without a reload; the no-show list follows", async () => {
    page = await newPage(browser);
    await loginAs(page, app.url, DEMO.manager);
    await page.goto(`${app.url}/manage/events/${liveId}/attendance`);
    await page.waitForSelector("[data-testid=att-live][data-state=live]", { timeout: 10_000 });
    await expect(page.textContent("[data-testid=att-live]")).resolves.toBe("Онлайн");
    await expect(page.textContent("[data-testid=att-checked-in]")).resolves.toBe("0");
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    const [reg] = (await ctx.db.pool().query<{ id: string }>(`SELECT r."id" FROM "Registration" r JOIN "Person" p ON p."id" = r."personId" WHERE r."eventId" = $1 AND p."lastName" = 'Петров001'`, [liveId])).rows;
    const kiosk = await createKiosk({ ...ctx, eventId: liveId });
    const t0 = Date.now();
    const r = await scan({ ...ctx, eventId: liveId }, kiosk.token, { registrationId: reg.id });
    expect(r.body.result).toBe("checked_in");
    await page.waitForFunction(() => document.querySelector("[data-testid=att-checked-in]")?.textContent === "1", null, { timeout: 5_000 });
    console.log(`[attendance] check-in -> number on the page: ${Date.now() - t0} ms`);
    await expect(page.textContent("[data-testid=att-no-shows]")).resolves.toBe("59");
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // The list reloads in the background: Петров001 leaves it.
    await page.waitForFunction(() => !document.querySelector("[data-testid=no-shows]")?.textContent?.includes("Петров001"), null, { timeout: 10_000 });
    await expect(page.textContent("[data-testid=att-by-category]")).resolves.toContain("Посетитель6012%");
  });

  test("the day picker changes the figures; the live pill says when the stream is lost", async () => {
    await page.selectOption("#att-day", "all");
    await page.waitForURL(/day=all/);
    await page.waitForSelector("[data-testid=att-live][data-state=live]");
    await expect(page.textContent("[data-testid=att-checked-in]")).resolves.toBe("1");
    await app.stop(); // the server goes away: the browser's EventSource keeps retrying
    await page.waitForSelector("[data-testid=att-live]:not([data-state=live])", { timeout: 10_000 });
    await expect(page.textContent("[data-testid=att-live]")).resolves.toMatch(/переподключаемся|обновите страницу/);
  });
});
