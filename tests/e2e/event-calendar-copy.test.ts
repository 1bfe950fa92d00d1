import type { Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { runAdmin } from "../setup/app";
import { useAppAndBrowser } from "../setup/e2e-app";
import { hydrated, loginAs, newPage } from "../setup/pages";

// Events over time (issue #14 item 4): a new event as a copy of a past one, with its settings,
// badge template, printer and kiosk, independent of the original; the calendar shows both in
// month and week views, in Russian and English.

const e2e = useAppAndBrowser();
const q = e2e.query;
let ru: Page;
let en: Page;
let sourceId: string;
let copyId: string;

const MANAGER = DEMO_USERS[1];

beforeAll(async () => {
  sourceId = (await q(`SELECT id FROM "Event" WHERE name = 'ЭкспоСтрой 2026'`))[0].id;
  const env = { DATABASE_URL: e2e.app.databaseUrl };
  const printer = (
    await runAdmin(
      ["create-printer", "--event", sourceId, "--name", "Zebra у входа", "--driver", "raw-tcp", "--address", "127.0.0.1:9100"],
      env,
    )
  ).stdout.trim();
  const kioskToken = (
    await runAdmin(
      [
        "create-kiosk",
        "--event",
        sourceId,
        "--name",
        "Вход А",
        "--printer",
        printer,
        "--categories",
        "visitor,media",
        "--location",
        "Холл 1",
      ],
      env,
    )
  ).stdout.trim();
  expect(kioskToken.length).toBeGreaterThan(20);
  // An event-owned badge template that the printer uses: the copy must get its own.
  const tpl = await q(
    `INSERT INTO "BadgeTemplate" ("eventId", "name", "category", "stock", "definition") VALUES ($1, 'Посетители', 'visitor', 'a6', '{"marker": "source"}') RETURNING id`,
    [sourceId],
  );
  await q(`UPDATE "Printer" SET "templateId" = $1 WHERE id = $2`, [tpl[0].id, printer]);
  await q(`UPDATE "Event" SET "countsExits" = true, "doorsOpen" = '09:30', "doorsClose" = '18:00' WHERE id = $1`, [sourceId]);
  // Budget lines with figures and an attribution window: the copy takes the lines, not the figures.
  await q(
    `INSERT INTO "BudgetLine" ("eventId", kind, channel, planned, actual) VALUES ($1, 'venue', NULL, 500000, 480000), ($1, 'marketing', 'yandex', 120000, 90000)`,
    [sourceId],
  );
  await q(`INSERT INTO "EventAnalytics" ("eventId", "attributionDays") VALUES ($1, 45)`, [sourceId]);
  ru = await newPage(e2e.browser);
  en = await newPage(e2e.browser, "en-GB");
});


const localDay = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow" }).format(d);

describe("events over time, in Chromium", () => {
  test("a manager makes a new event as a copy: settings, template, printer and kiosk come along, the kiosk unpaired", async () => {
    await loginAs(ru, e2e.app.url, MANAGER);
    await ru.goto(`${e2e.app.url}/manage/events/${sourceId}`);
    await hydrated(ru);
    await ru.click("[data-testid=event-copy] summary");
    const form = "[data-testid=copy-form]";
    // The form proposes the same event a week later.
    const source = (await q(`SELECT * FROM "Event" WHERE id = $1`, [sourceId]))[0];
    const weekLater = new Date(source.startsAt.getTime() + 7 * 86400_000);
    expect((await ru.inputValue(`${form} [name=startsAt]`)).slice(0, 10)).toBe(localDay(weekLater));
    await ru.fill(`${form} [name=name]`, "ЭкспоСтрой 2026 — повтор");
    await ru.selectOption(`${form} [name=format]`, { label: "Форум" });
    await Promise.all([
      ru.waitForURL((u) => /\/manage\/events\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(sourceId)),
      ru.click(`${form} button[type=submit]`),
    ]);
    copyId = ru.url().split("/").pop()!;
    // The URL changes before React draws the new page: wait for its heading.
    await ru.waitForFunction(() => document.querySelector("h1")?.textContent === "ЭкспоСтрой 2026 — повтор");

    const copy = (await q(`SELECT * FROM "Event" WHERE id = $1`, [copyId]))[0];
    expect([copy.venue, copy.address, copy.timezone, copy.countsExits, copy.format]).toEqual([
      source.venue,
      source.address,
      source.timezone,
      true,
      "forum",
    ]);
    expect([copy.doorsOpen, copy.doorsClose]).toEqual(["09:30", "18:00"]);
    const lines = await q(`SELECT kind, channel, planned::float AS planned, actual FROM "BudgetLine" WHERE "eventId" = $1 ORDER BY kind`, [copyId]);
    expect(lines).toEqual([
      { kind: "marketing", channel: "yandex", planned: 0, actual: null },
      { kind: "venue", channel: null, planned: 0, actual: null },
    ]);
    expect((await q(`SELECT "attributionDays" FROM "EventAnalytics" WHERE "eventId" = $1`, [copyId]))[0].attributionDays).toBe(45);
    expect(copy.startsAt.getTime()).toBe(weekLater.getTime());
    expect(copy.editDeadline.getTime() - copy.startsAt.getTime()).toBe(source.editDeadline.getTime() - source.startsAt.getTime());

    const [tpl] = await q(`SELECT * FROM "BadgeTemplate" WHERE "eventId" = $1`, [copyId]);
    expect([tpl.name, tpl.category, tpl.stock, tpl.definition]).toEqual(["Посетители", "visitor", "a6", { marker: "source" }]);
    const [printer] = await q(`SELECT * FROM "Printer" WHERE "eventId" = $1`, [copyId]);
    expect([printer.name, printer.driver, printer.address, printer.templateId]).toEqual([
      "Zebra у входа",
      "raw_tcp",
      "127.0.0.1:9100",
      tpl.id,
    ]);
    const [kiosk] = await q(`SELECT * FROM "Kiosk" WHERE "eventId" = $1`, [copyId]);
    expect([kiosk.name, kiosk.location, kiosk.categories, kiosk.mode, kiosk.defaultPrinterId]).toEqual([
      "Вход А",
      "Холл 1",
      "{visitor,media}",
      "entry",
      printer.id,
    ]);
    // Paired again: the copy has no device token and no pairing code; the original keeps its own.
    expect(await q(`SELECT id FROM "ApiToken" WHERE "kioskId" = $1 OR "eventId" = $2`, [kiosk.id, copyId])).toHaveLength(0);
    expect(await q(`SELECT id FROM "KioskPairingCode" WHERE "kioskId" = $1`, [kiosk.id])).toHaveLength(0);
    expect(await q(`SELECT a.id FROM "ApiToken" a JOIN "Kiosk" k ON k.id = a."kioskId" WHERE k."eventId" = $1`, [sourceId])).toHaveLength(
      1,
    );
    expect(await q(`SELECT id FROM "Exhibitor" WHERE "eventId" = $1`, [copyId])).toHaveLength(0);
    const [audit] = await q(`SELECT "actorUserId", after FROM "AuditLog" WHERE action = 'event.copy' AND "eventId" = $1`, [copyId]);
    expect(audit.after.copiedFrom).toBe("ЭкспоСтрой 2026");
    expect(audit.actorUserId).not.toBeNull();

    // The copy's pages show them.
    await ru.goto(`${e2e.app.url}/manage/events/${copyId}/kiosks`);
    await expect(ru.getByTestId("kiosk-row").textContent()).resolves.toContain("Zebra у входа");
    await ru.goto(`${e2e.app.url}/manage/events/${copyId}/printers`);
    await expect(ru.getByTestId("printer-row").textContent()).resolves.toContain("Zebra у входа");
  });

  test("editing the copy's kiosk and settings leaves the original as it was", async () => {
    const [kiosk] = await q(`SELECT id FROM "Kiosk" WHERE "eventId" = $1`, [copyId]);
    await ru.goto(`${e2e.app.url}/manage/events/${copyId}/kiosks?edit=${kiosk.id}`);
    await hydrated(ru);
    await ru.fill("[data-testid=kiosk-form] [name=name]", "Вход Б");
    await Promise.all([
      ru.waitForResponse((r) => r.request().method() === "POST"),
      ru.click("[data-testid=kiosk-form] button[type=submit]"),
    ]);
    await ru.waitForFunction(() =>
      [...document.querySelectorAll("[data-testid=kiosk-row]")].some((r) => r.textContent!.includes("Вход Б")),
    );
    await ru.goto(`${e2e.app.url}/manage/events/${copyId}`);
    await hydrated(ru);
    await ru.click("[data-testid=event-settings] summary");
    await ru.fill("[data-testid=settings-form] [name=venue]", "Экспоцентр");
    await Promise.all([
      ru.waitForResponse((r) => r.request().method() === "POST"),
      ru.click("[data-testid=settings-form] button[type=submit]"),
    ]);
    await expect.poll(async () => (await q(`SELECT venue FROM "Event" WHERE id = $1`, [copyId]))[0].venue).toBe("Экспоцентр");

    expect((await q(`SELECT venue FROM "Event" WHERE id = $1`, [sourceId]))[0].venue).toBe("Крокус Экспо, павильон 3");
    expect((await q(`SELECT name FROM "Kiosk" WHERE "eventId" = $1`, [sourceId])).map((r) => r.name)).toEqual(["Вход А"]);
    await ru.goto(`${e2e.app.url}/manage/events/${sourceId}/kiosks`);
    await expect(ru.getByTestId("kiosk-row").textContent()).resolves.toContain("Вход А");
  });

  for (const [lang, page, names] of [
    [
      "ru",
      () => ru,
      { title: "Календарь мероприятий", forum: "Форум", exhibition: "Выставка", locale: "ru-RU", empty: "В этом месяце мероприятий нет." },
    ],
    [
      "en",
      () => en,
      { title: "Events calendar", forum: "Forum", exhibition: "Exhibition", locale: "en-GB", empty: "No events this month." },
    ],
  ] as const) {
    test(`the calendar shows both events by format in month and week views (${lang})`, async () => {
      const p = page();
      if (lang === "en") await loginAs(p, e2e.app.url, MANAGER);
      const events = await q(`SELECT id, name, "startsAt", format FROM "Event" WHERE id = ANY($1) ORDER BY "startsAt"`, [
        [sourceId, copyId],
      ]);
      for (const e of events) {
        const day = localDay(e.startsAt);
        const expectChip = async (view: string) => {
          await p.goto(`${e2e.app.url}/manage/calendar?view=${view}&date=${day}`);
          const chip = p.locator(`[data-testid=cal-day][data-date="${day}"] [data-testid=cal-event]`, { hasText: e.name });
          await expect(chip.getAttribute("data-format")).resolves.toBe(e.format);
          await expect(chip.getAttribute("title")).resolves.toBe(names[e.format as "forum" | "exhibition"]);
        };
        await expectChip("month");
        await expect(p.getByTestId("cal-title").textContent()).resolves.toBe(
          new Intl.DateTimeFormat(names.locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`)),
        );
        await expectChip("week");
        expect(await p.getByTestId("cal-day").count()).toBe(7);
      }
      await expect(p.locator("h1").textContent()).resolves.toBe(names.title);

      // Today is marked; moving by keyboard: focus a link and press Enter.
      await p.goto(`${e2e.app.url}/manage/calendar`);
      await expect(
        p
          .locator("[aria-current=date]")
          .first()
          .evaluate((el) => el.closest("[data-date]")!.getAttribute("data-date")),
      ).resolves.toBe(localDay(new Date()));
      await hydrated(p);
      const before = await p.getByTestId("cal-title").textContent();
      await p.focus("[data-testid=cal-next]");
      await Promise.all([p.waitForURL(/date=/), p.keyboard.press("Enter")]);
      await p.waitForFunction((t) => document.querySelector("[data-testid=cal-title]")!.textContent !== t, before);

      // A month without events says so.
      await p.goto(`${e2e.app.url}/manage/calendar?view=month&date=2031-02-01`);
      await expect(p.getByTestId("cal-empty").textContent()).resolves.toBe(names.empty);
      expect(await p.getByTestId("cal-event").count()).toBe(0);
      // A bad date is today's month, not an error.
      expect((await p.goto(`${e2e.app.url}/manage/calendar?date=2026-13-45'`))!.status()).toBe(200);
    });
  }

  test("the API sets and reports an event's format; an unknown one is a 422 on its field", async () => {
    const token = (await runAdmin(["create-token", "--role", "manager", "--name", "t"], { DATABASE_URL: e2e.app.databaseUrl })).stdout.trim();
    const post = (format: string) =>
      fetch(`${e2e.app.url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          name: "Семинар",
          venue: "Офис",
          timezone: "Europe/Moscow",
          startsAt: "2030-03-01T07:00:00Z",
          endsAt: "2030-03-01T12:00:00Z",
          format,
        }),
      });
    const ok = await post("seminar");
    expect(ok.status).toBe(201);
    expect((await ok.json()).format).toBe("seminar");
    const bad = await post("party");
    expect(bad.status).toBe(422);
    expect(Object.keys((await bad.json()).error.fields)).toEqual(["format"]);
  });

  test("an exhibitor account cannot open the calendar or copy an event", async () => {
    const p = await newPage(e2e.browser);
    await loginAs(p, e2e.app.url, DEMO_USERS[2]);
    expect((await p.goto(`${e2e.app.url}/manage/calendar`))!.status()).toBe(403);
    const res = await p.request.post(`${e2e.app.url}/manage/events/${sourceId}`, {
      form: { intent: "copy", name: "x", venue: "x", timezone: "Europe/Moscow", startsAt: "2030-01-01T10:00", endsAt: "2030-01-02T10:00" },
      headers: { origin: e2e.app.url },
    });
    expect(res.status()).toBe(403);
    expect(await q(`SELECT id FROM "Event" WHERE name = 'x'`)).toHaveLength(0);
    await p.context().close();
  });
});
