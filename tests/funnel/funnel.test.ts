// The funnel and ROI of a seeded past event (issue #14 items 2, 3): three channels, budget lines
// entered through the budget page, sales deals in the Bitrix24 emulator pulled by the worker
// (pages of 50, a contact bound second) and changed by inbound ONCRMDEALADD / ONCRMDEALUPDATE.
// Every figure below is computed by hand from the seed (tests/funnel/helpers.ts):
//   channel  people (reg / confirmed / came / several)       deals
//   yandex   P1 A 2d, P2 A 1d, P3 B no-show   3/3/2/1        D1 P1 won 100k, D2 company A won 50k (-> P1, earliest), D7 P2 won late
//   partner  P4 B 1d, P5 C pending, P6 C 2d   3/2/2/1        D3 P4 lost -> won 30k (inbound), D4 company C won 40k, D9 P6 won 25k (inbound)
//   site     P7 1d, P8 cancelled              2/1/1/0        D6 P7 open
//   costs: venue 180,000, yandex 50,000, partner 25,000, printing 12,500.50, staff planned only
//   stands: 3 requests, 2 with a deal, 1 exhibitor whose deal is won (300,000)
import ExcelJS from "exceljs";
import type { Browser, Page } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startBitrix24Emulator } from "../emulators/bitrix24";
import { APP_TOKEN, postForm, waitFor, type World } from "../crm-sync/helpers";
import { DEMO, login } from "../attendance/helpers";
import { closeBrowser, launchBrowser } from "../setup/browser";
import { startApp } from "../setup/app";
import { seedDeals, seedFunnelEvent, type FunnelSeed } from "./helpers";
import { hydrated, loginAs } from "../setup/pages";

let w: World;
let browser: Browser;
let s: FunnelSeed;
let cookie: string;
let d3: number;

beforeAll(async () => {
  const emu = await startBitrix24Emulator({ seed: 7, applicationToken: APP_TOKEN, drainPerSecond: 20, eventEncoding: "json" });
  const app = await startApp({
    env: { BITRIX24_WEBHOOK_URL: emu.baseUrl, BITRIX24_APPLICATION_TOKEN: APP_TOKEN, BITRIX24_RATE_LIMIT: "20" },
  });
  const db = new pg.Pool({ connectionString: app.databaseUrl, max: 4 });
  w = { emu, app, db, stop: async () => (await app.stop(), await db.end(), await emu.close()) };
  browser = await launchBrowser();
  cookie = await login(app.url, DEMO.manager);
  s = await seedFunnelEvent(w);
  d3 = (await seedDeals(w, s)).d3;
}, 180_000);
afterAll(async () => {
  await closeBrowser(browser);
  await w?.stop();
});

const path = (p = "") => `/manage/events/${s.eventId}/${p}`;
const saveLine = (fields: Record<string, string>) =>
  postForm(w, path("budget"), cookie, { intent: "save", channel: "", note: "", planned: "", actual: "", ...fields });

describe("budget page", () => {
  test("refuses bad input next to the field, keeps nothing of it, and audits each saved change", async () => {
    const bad = await saveLine({ kind: "marketing", planned: "12,5,0", actual: "-3" });
    expect(bad.status).toBe(200);
    expect(bad.text).toContain("A marketing line needs a channel");
    expect(bad.text).toContain("Amount: a number of 0 or more, up to two decimals");
    const badKind = await saveLine({ kind: "catering", planned: "1" });
    expect(badKind.text).toContain("Choose a line");
    const badDays = await postForm(w, path("budget"), cookie, { intent: "days", days: "-5" });
    expect(badDays.text).toContain("A whole number of days from 0 to 730");
    const ghost = await postForm(w, path("budget"), cookie, { intent: "delete", lineId: "not-a-uuid" });
    expect(ghost.status).toBe(200);
    expect((await w.db.query(`SELECT count(*)::int AS n FROM "BudgetLine" WHERE "eventId" = $1`, [s.eventId])).rows[0].n).toBe(0);

    const lines: Record<string, string>[] = [
      { kind: "venue", planned: "200 000", actual: "180000" },
      { kind: "marketing", channel: "yandex", planned: "60000", actual: "50 000" },
      { kind: "marketing", channel: "partner", planned: "20000", actual: "24000" },
      { kind: "printing", planned: "10000", actual: "12 500,50" },
      { kind: "staff", planned: "30000" },
    ];
    for (const line of lines) {
      const r = await saveLine(line);
      expect(r.text).toContain("Budget line saved.");
    }
    // An edit of the partner line (24,000 -> 25,000) is audited with before and after.
    const partner = (await w.db.query(`SELECT id FROM "BudgetLine" WHERE channel = 'partner'`)).rows[0].id as string;
    expect((await saveLine({ lineId: partner, kind: "marketing", channel: "partner", planned: "20000", actual: "25000" })).text).toContain(
      "Budget line saved.",
    );
    const audit = await w.db.query(
      `SELECT action, before, after FROM "AuditLog" WHERE "entityType" = 'BudgetLine' AND "eventId" = $1 ORDER BY id`,
      [s.eventId],
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      "budget.add",
      "budget.add",
      "budget.add",
      "budget.add",
      "budget.add",
      "budget.update",
    ]);
    expect(audit.rows[5].before).toMatchObject({ actual: 24000 });
    expect(audit.rows[5].after).toMatchObject({ actual: 25000 });
    const sums = await w.db.query(`SELECT sum(planned)::float8 AS p, sum(actual)::float8 AS a FROM "BudgetLine" WHERE "eventId" = $1`, [
      s.eventId,
    ]);
    expect(sums.rows[0]).toEqual({ p: 320000, a: 267500.5 });
  });
});

describe("deals from the CRM", () => {
  test("the page's refresh pulls the linked deals through batch, pages past 50 and finds a second-bound contact; our own deals are marked", async () => {
    const r = await postForm(w, path("funnel"), cookie, { intent: "refresh" });
    expect(r.text).toContain("Deal refresh queued.");
    await waitFor(
      "the deal refresh",
      async () =>
        (await w.db.query(`SELECT "dealsRefreshedAt" FROM "EventAnalytics" WHERE "eventId" = $1`, [s.eventId])).rows[0]?.dealsRefreshedAt,
      60_000,
    );
    const q = async (sql: string, params: unknown[] = []) => (await w.db.query(sql, params)).rows[0];
    expect(await q(`SELECT count(*)::int AS n FROM "CrmDeal" WHERE "companyId" = $1 AND NOT ours`, [s.companies.B])).toEqual({ n: 55 });
    expect(await q(`SELECT title, "contactId" FROM "CrmDeal" WHERE title LIKE 'D8%'`)).toEqual({
      title: "D8 (second contact)",
      contactId: 999999,
    });
    expect(await q(`SELECT semantic, amount::float8 AS amount, currency, "assignedName", ours FROM "CrmDeal" WHERE title = 'D1'`)).toEqual({
      semantic: "S",
      amount: 100000,
      currency: "RUB",
      assignedName: "Sergey Sales",
      ours: false,
    });
    // The attendance deals the sync made for the registrations are pulled too, marked as ours.
    const made = await q(`SELECT count(*)::int AS n FROM "Registration" WHERE "eventId" = $1 AND "crmDealId" IS NOT NULL`, [s.eventId]);
    expect(made.n).toBeGreaterThan(0);
    expect(
      await q(
        `SELECT count(*)::int AS n FROM "CrmDeal" d JOIN "Registration" r ON r."crmDealId" = d.id WHERE r."eventId" = $1 AND d.ours`,
        [s.eventId],
      ),
    ).toEqual(made);
    expect(await q(`SELECT semantic FROM "CrmDeal" WHERE title = 'Stand S3'`)).toEqual({ semantic: "S" });
    // Lists went inside batch requests (one request per up to 50 commands), never one by one.
    const lists = w.emu.state.calls("crm.deal.list").filter((c) => JSON.stringify(c.params).includes("STAGE_SEMANTIC_ID"));
    expect(lists.length).toBeGreaterThan(3);
    expect(lists.every((c) => c.batchKey !== undefined)).toBe(true);
    expect(lists.some((c) => Number((c.params as { start?: unknown } | undefined)?.start) === 50)).toBe(true);
  });

  test("the scheduled refresh (every 6 hours) pulls the events inside their window and plans its next run", async () => {
    const planned = await w.db.query(
      `SELECT run_at > now() + interval '50 minutes' AS later FROM graphile_worker.jobs WHERE key = 'crm-deals-refresh'`,
    );
    expect(planned.rows).toEqual([{ later: true }]); // the first run waits an hour after start
    await w.db.query(`UPDATE "EventAnalytics" SET "dealsRefreshedAt" = NULL WHERE "eventId" = $1`, [s.eventId]);
    await w.db.query(`UPDATE "CrmDeal" SET amount = 1 WHERE title = 'D1'`);
    await w.db.query(
      `SELECT graphile_worker.reschedule_jobs(ARRAY(SELECT id FROM graphile_worker.jobs WHERE key = 'crm-deals-refresh'), run_at => now())`,
    );
    await waitFor(
      "the scheduled refresh",
      async () =>
        (await w.db.query(`SELECT "dealsRefreshedAt" FROM "EventAnalytics" WHERE "eventId" = $1`, [s.eventId])).rows[0]?.dealsRefreshedAt,
      60_000,
    );
    expect((await w.db.query(`SELECT amount::float8 AS a FROM "CrmDeal" WHERE title = 'D1'`)).rows[0].a).toBe(100000);
    const next = await waitFor("the next run planned", async () => {
      const r = await w.db.query(
        `SELECT extract(epoch FROM run_at - now()) / 3600 AS h FROM graphile_worker.jobs WHERE key = 'crm-deals-refresh' AND locked_at IS NULL`,
      );
      return r.rows[0] ? Number(r.rows[0].h) : null;
    });
    expect(next).toBeGreaterThan(5.9);
  });

  test("ONCRMDEALADD and ONCRMDEALUPDATE from the portal store the new deal and the new stage", async () => {
    const handler = `${w.app.url}/api/bitrix24/events`;
    w.emu.state.bindEvent("ONCRMDEALADD", handler);
    w.emu.state.bindEvent("ONCRMDEALUPDATE", handler);
    const added = await w.emu.state.addAsPortalUser("deal", {
      TITLE: "D9",
      CATEGORY_ID: 0,
      STAGE_ID: "WON",
      OPPORTUNITY: 25000,
      CURRENCY_ID: "RUB",
      CONTACT_IDS: [s.contacts[5]],
      ASSIGNED_BY_ID: 7,
    });
    expect(added.deliveries.map((d) => d.status)).toEqual([200]);
    const edited = await w.emu.state.editAsPortalUser("deal", d3, { STAGE_ID: "WON" });
    expect(edited.map((d) => d.status)).toEqual([200]);
    await waitFor(
      "D9 stored",
      async () =>
        (await w.db.query(`SELECT 1 FROM "CrmDeal" WHERE id = $1 AND "assignedName" = 'Sergey Sales' AND semantic = 'S'`, [added.id]))
          .rowCount,
    );
    await waitFor("D3 won", async () => (await w.db.query(`SELECT 1 FROM "CrmDeal" WHERE id = $1 AND semantic = 'S'`, [d3])).rowCount);
  });
});

// By channel: [label, registered, confirmed, came, several days, deal, won, won deals, revenue, cost, per registration, per arrival, per won deal, ROI %]
const CHANNEL_ROWS = [
  ["partner", 3, 2, 2, 1, 2, 2, 3, 95000, 25000, 8333.33, 12500, 8333.33, 280],
  ["yandex", 3, 3, 2, 1, 2, 2, 2, 150000, 50000, 16666.67, 25000, 25000, 200],
  ["site", 2, 1, 1, 0, 1, 0, 0, 0, "", "", "", "", ""],
];
const TOTAL = [8, 6, 5, 2, 5, 4, 5, 245000, 267500.5, 33437.56, 53500.1, 53500.1, 103.7];
// [count, conversion % from the stage it follows, churn]
const STAGES = [
  [8, "", ""],
  [6, 75, 2],
  [5, 83.3, 1],
  [2, 40, 3],
  [5, 100, 0],
  [4, 80, 1],
];
const ROI = [320000, 267500.5, 245000, 300000, 545000, 103.7];
const STANDS = [3, 2, 1, 1];

const cells = (page: Page, table: string) =>
  page.$$eval(`[data-testid=${table}] tbody tr`, (rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.dataset.value ?? "")),
  );
const str = (rows: unknown[][]) => rows.map((r) => r.map(String));

describe("the funnel page in Chromium", () => {
  for (const [lang, totalLabel, ruleDays] of [
    ["ru", "Итого", "до 90 дн. после его окончания"],
    ["en", "Total", "up to 90 days after its end"],
  ] as const) {
    test(`${lang}: counts, conversions, costs and ROI equal the hand-computed figures`, async () => {
      const context = await browser.newContext({ locale: lang === "ru" ? "ru-RU" : "en-GB" });
      await context.addCookies([{ name: "lang", value: lang, url: w.app.url }]);
      const page = await context.newPage();
      await loginAs(page, w.app.url, DEMO.manager);
      await page.goto(`${w.app.url}/manage/events/${s.eventId}`);
      await page.click(`[data-testid=event-links] a[href$="/funnel"]`);
      await page.waitForURL(/\/funnel$/);
      await hydrated(page);
      expect(await cells(page, "fun-groups")).toEqual(str([...CHANNEL_ROWS, [totalLabel, ...TOTAL]]));
      expect((await cells(page, "fun-stages")).map((r) => r.slice(1))).toEqual(str(STAGES));
      expect((await cells(page, "fun-roi")).map((r) => r[1])).toEqual(str([ROI]).flat());
      expect((await cells(page, "fun-stands")).map((r) => r[1])).toEqual(str([STANDS]).flat());
      expect(await page.textContent("[data-testid=fun-rule]")).toContain(ruleDays);
      expect(await page.$$eval("[data-testid=fun-chart] g", (g) => g.length)).toBe(6);
      expect(await page.isVisible("[data-testid=fun-invited-none]")).toBe(true);
      // What a person reads: the locale's number format.
      const revenue = (await page.textContent("[data-testid=fun-roi] tbody tr:nth-child(5) td:nth-child(2)"))!.replace(/\s/g, " ");
      expect(revenue).toBe(lang === "ru" ? "545 000" : "545,000");

      // Filters: media only (P5: registered, never confirmed).
      await page.selectOption("#fun-category", "media");
      await Promise.all([page.waitForURL(/category=media/), page.click("[data-testid=fun-show]")]);
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=fun-groups] tbody tr").length === 3);
      const media = await cells(page, "fun-groups");
      expect(media.find((r) => r[0] === "partner")!.slice(1, 9)).toEqual(str([[1, 0, 0, 0, 0, 0, 0, 0]]).flat());
      await context.close();
    });
  }
});

const download = async (query: string, lang: "ru" | "en") => {
  const res = await fetch(`${w.app.url}${path("funnel/export")}?${query}`, { headers: { cookie: `${cookie}; lang=${lang}` } });
  return { res, buf: Buffer.from(await res.arrayBuffer()) };
};

describe("exports", () => {
  test("CSV in Russian: BOM, ';' and decimal commas, the same figures as the page", async () => {
    const { res, buf } = await download("format=csv&by=channel", "ru");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("funnel-channel.csv");
    const text = buf.toString("utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const lines = text.slice(1).split("\r\n");
    const ru = (v: unknown) => String(v).replace(".", ",");
    for (const row of [...CHANNEL_ROWS, ["Итого", ...TOTAL]]) expect(lines).toContain(row.map(ru).join(";"));
    expect(lines).toContain("Подтверждены;6;75;2");
    expect(lines).toContain("Пришли;5;83,3;1");
    expect(lines).toContain("ROI, %;103,7");
    expect(lines).toContain("Расходы (факт);267500,5");
  });

  test("XLSX: one sheet per table with numbers as numbers; by manager with the portal's names", async () => {
    const { res, buf } = await download("format=xlsx&by=manager", "en");
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const values = (i: number) =>
      wb.worksheets[i]
        .getSheetValues()
        .slice(2)
        .map((r) => (r as unknown[]).slice(1));
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(["By group", "Stages", "Stand requests", "Return on investment"]);
    // Manager of a person: the assignee of their won deal first, lowest id first.
    expect(values(0)).toEqual([
      ["Sergey Sales", 3, 3, 3, 1, 3, 2, 3, 180000],
      ["(no deal)", 3, 1, 0, 0, 0, 0, 0, 0],
      ["Maria Marketing", 2, 2, 2, 1, 2, 2, 2, 65000],
      ["Total", 8, 6, 5, 2, 5, 4, 5, 245000],
    ]);
    expect(values(3)).toEqual([
      ["Budget (planned)", 320000],
      ["Cost (actual)", 267500.5],
      ["Revenue from participants", 245000],
      ["Revenue from exhibitors (stands)", 300000],
      ["Total revenue", 545000],
      ["ROI, %", 103.7],
    ]);
  });

  test("a bad filter is a translated 400, not a 500", async () => {
    const { res, buf } = await download("format=csv&from=2026-13-45", "ru");
    expect(res.status).toBe(400);
    expect(buf.toString()).toBe("Неверное значение фильтра");
  });
});

describe("access", () => {
  test("only managers: anonymous visitors go to the login page, an exhibitor gets 403 on every funnel and budget URL", async () => {
    const urls = [path("funnel"), path("funnel/export?format=csv"), path("budget")];
    for (const u of urls) {
      const anon = await fetch(w.app.url + u, { redirect: "manual" });
      expect(anon.status, u).toBe(302);
      expect(anon.headers.get("location"), u).toMatch(/^\/login/);
    }
    const exCookie = await login(w.app.url, DEMO.exhibitor);
    for (const u of urls) expect((await fetch(w.app.url + u, { redirect: "manual", headers: { cookie: exCookie } })).status, u).toBe(403);
    const post = await postForm(w, path("budget"), exCookie, {
      intent: "save",
      kind: "venue",
      planned: "1",
      channel: "",
      note: "",
      actual: "",
    });
    expect(post.status).toBe(403);
    const refresh = await postForm(w, path("funnel"), exCookie, { intent: "refresh" });
    expect(refresh.status).toBe(403);
    expect((await w.db.query(`SELECT count(*)::int AS n FROM "BudgetLine" WHERE "eventId" = $1`, [s.eventId])).rows[0].n).toBe(5);
  });
});
