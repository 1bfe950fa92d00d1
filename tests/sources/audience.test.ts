// The audience base (issue #14 item 5) through the real pages: a generated 20,000-row XLSX with
// known dirty phones and duplicates (in the file, against the base, against the event) gives
// exact counts and a per-row report; a segment is invited through the real mail queue and a
// loopback SMTP server (one address refused: per-recipient status); registering from the mailed
// link attributes the registration to the invitation, and invitedByChannel counts the sent ones.
import pg from "pg";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSmtpServer, type SmtpTestServer } from "../emulators/smtp";
import { makeStaffXlsx } from "../import/fixtures";
import { waitUntil } from "../registration/helpers";
import { closeBrowser, launchBrowser } from "../setup/browser";
import { runAdmin, startApp, type RunningApp } from "../setup/app";
import { sessionCookie } from "../setup/http";
import { fillAndSubmit } from "../setup/public-form";

let app: RunningApp;
let smtp: SmtpTestServer;
let browser: Browser;
let db: pg.Pool;
let cookie: string;
let eventId: string;
const PASSWORD = "audience-test-2026";
const N = 20_000;
const HEADERS = ["Фамилия", "Имя", "E-mail", "Телефон", "ИНН", "Компания", "Город", "Отрасль"];
const pad = (n: number, w = 3) => String(n).padStart(w, "0");
/** Row i's own mobile, +7916 1xx-xx-xx, written the two ways people write it. */
const mobile = (i: number) => {
  const d = String(1_000_000 + i);
  return i % 2 ? `8-916-${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}` : `+7 (916) ${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`;
};

function generateRows(): string[][] {
  const rows: string[][] = [];
  for (let i = 0; i < N; i++) {
    const row = [`Фамилия${i}`, `Имя${i}`, `c${i}@list.example`, mobile(i), "", `Компания ${i % 50}`, i % 2 ? "Москва" : "Самара", "Строительство"];
    if (i >= 10 && i < 15) row[3] = `${mobile(i)}, 8 (495) 700-00-${pad(i, 2)}`; // two numbers in one cell
    if (i >= 20 && i < 23) row[3] = `+49 30 1234567${i - 20}`; // foreign, kept with +49
    if (i >= 30 && i < 34) row[3] = "12345"; // garbage phone, the e-mail keeps the row
    if (i >= 40 && i < 42) [row[2], row[3]] = ["", "тел. 99"]; // garbage phone, no e-mail: skipped
    if (i === 50) [row[2], row[3]] = ["", ""]; // nothing to reach: skipped
    if (i >= 60 && i < 70) row[2] = `c${i + 40}@list.example`; // e-mail of rows 100..109, which become in-file duplicates
    if (i >= 70 && i < 75) row[3] = mobile(i + 130); // phone of rows 200..204, which become in-file duplicates
    if (i >= 80 && i < 83) row[2] = `BASE${i - 79}@old.example`; // in the base by e-mail (any case)
    if (i === 83) row[3] = "+7 916 900-00-01"; // in the base by phone
    if (i === 84) [row[0], row[1], row[4]] = ["Базов", "Иван", "7707083893"]; // in the base by INN and name
    if (i === 90) row[2] = "event1@reg.example"; // registered for the event by e-mail
    if (i === 91) row[3] = "8 916 900-00-02"; // registered for the event by phone
    if (i === 95) row[4] = "1234567890"; // a wrong INN is reported, the row stays
    if (i >= 1000 && i < 1004) [row[6], row[7]] = ["Казань", "Энергетика"]; // the segment invited below
    rows.push(row);
  }
  return rows;
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  [app, browser] = await Promise.all([startApp({ seed: false, env: { SMTP_URL: smtp.url } }), launchBrowser()]);
  db = new pg.Pool({ connectionString: app.databaseUrl, max: 3 });
  const made = await runAdmin(["create-user", "--email", "audience@expo.test", "--role", "manager", "--password-stdin"], { DATABASE_URL: app.databaseUrl }, PASSWORD);
  expect(made.code, made.stderr).toBe(0);
  cookie = await sessionCookie(app.url, "audience@expo.test", PASSWORD);
  eventId = (
    await db.query<{ id: string }>(
      `INSERT INTO "Event" (name, venue, timezone, "startsAt", "endsAt") VALUES ('ЭнергоФорум', 'Казань Экспо', 'Europe/Moscow', now() + interval '20 days', now() + interval '21 days') RETURNING id`,
    )
  ).rows[0].id;
  await db.query(
    `INSERT INTO "AudienceContact" (email, phones, inn, "lastName", "firstName") VALUES
       ('base1@old.example', '{}', NULL, NULL, NULL), ('base2@old.example', '{}', NULL, NULL, NULL), ('base3@old.example', '{}', NULL, NULL, NULL),
       (NULL, '{+79169000001}', NULL, NULL, NULL), ('bazov@old.example', '{}', '7707083893', 'Базов', 'Иван')`,
  );
  const people = await db.query<{ id: string }>(
    `INSERT INTO "Person" ("lastName", "firstName", email, phone) VALUES ('Первый', 'Участник', 'event1@reg.example', NULL), ('Второй', 'Участник', 'event2@reg.example', '+79169000002') RETURNING id`,
  );
  for (const p of people.rows)
    await db.query(`INSERT INTO "Registration" ("eventId", "personId", category, status, "codeSecret", source) VALUES ($1, $2::uuid, 'visitor', 'confirmed', md5($2::text), 'site')`, [eventId, p.id]);
});
afterAll(async () => {
  await closeBrowser(browser);
  await app?.stop();
  await smtp?.close();
  await db?.end();
});

const page = async (path: string) => {
  const res = await fetch(app.url + path, { headers: { cookie: `${cookie}; lang=ru` } });
  return { status: res.status, text: await res.text() };
};

describe("audience base", () => {
  test("a 20,000-row list: phones cleaned, duplicates in the file, in the base and in the event counted exactly, a per-row report", async () => {
    const xlsx = await makeStaffXlsx(generateRows(), HEADERS);
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(xlsx)]), "база-2026.xlsx");
    form.set("eventId", eventId);
    const t0 = Date.now();
    const res = await fetch(`${app.url}/manage/audience`, { method: "POST", body: form, redirect: "manual", headers: { cookie: `${cookie}; lang=ru`, origin: app.url } });
    const ms = Date.now() - t0;
    expect(res.status, await res.clone().text()).toBe(302);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/manage\/audience\?import=[0-9a-f-]{36}$/);
    console.log(`contact import of ${N} rows through the page: ${ms} ms`);

    const counts = (await db.query(`SELECT counts FROM "AudienceImport" ORDER BY "createdAt" DESC LIMIT 1`)).rows[0].counts;
    expect(counts).toEqual({
      rows: N,
      invalid: 3, // rows 40, 41, 50
      dupFile: 15, // 100..109 by e-mail, 200..204 by phone
      dupBase: 5, // 80..82 e-mail, 83 phone, 84 INN + name
      inEvent: 2, // 90 e-mail, 91 phone
      created: N - 25,
      phones: N - 7 + 5, // every row one number, except 7 without a valid one and 5 with two
      multi: 5,
      foreign: 3,
      badPhones: 6, // "12345" x4, "тел. 99" x2
    });
    expect((await db.query(`SELECT count(*)::int AS n FROM "AudienceContact"`)).rows[0].n).toBe(5 + N - 25);
    const stored = async (email: string) => (await db.query(`SELECT phones, inn FROM "AudienceContact" WHERE email = $1`, [email])).rows[0];
    expect(await stored("c1@list.example")).toEqual({ phones: ["+79161000001"], inn: null }); // 8-916-...
    expect(await stored("c2@list.example")).toEqual({ phones: ["+79161000002"], inn: null }); // +7 (916) ...
    expect(await stored("c11@list.example")).toEqual({ phones: ["+79161000011", "+74957000011"], inn: null });
    expect(await stored("c21@list.example")).toEqual({ phones: ["+493012345671"], inn: null });
    expect(await stored("c30@list.example")).toEqual({ phones: [], inn: null });
    expect(await stored("c95@list.example")).toEqual({ phones: ["+79161000095"], inn: null });
    expect(await stored("c100@list.example")).toEqual({ phones: ["+79161000060"], inn: null }); // row 60's, not row 100's
    expect(await stored("c60@list.example")).toBeUndefined();

    const shown = await page(location);
    expect(shown.text).toMatch(/data-testid="count-created"[^>]*>19975</);
    const reportId = location.split("=")[1];
    const report = await page(`/manage/audience/report/${reportId}`);
    expect(report.status).toBe(200);
    const lines = report.text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines).toHaveLength(N + 1);
    const line = (sheetRow: number) => lines.find((l) => l.startsWith(`${sheetRow},`));
    // Sheet row = index + 2 (the header is row 1).
    // The first row with a key keeps it: row 62 (index 60) took row 102's address first.
    expect(line(62)).toMatch(/^62,добавлен,,c100@list\.example,/);
    expect(line(102)).toContain("дубль строки 62 (e-mail)");
    expect(line(202)).toContain("дубль строки 72 (телефон)");
    expect(line(82)).toContain("уже в базе (e-mail)");
    expect(line(85)).toContain("уже в базе (телефон)");
    expect(line(86)).toContain("уже в базе (ИНН и имя)");
    expect(line(92)).toContain("уже зарегистрирован на мероприятие (e-mail)");
    expect(line(93)).toContain("уже зарегистрирован на мероприятие (телефон)");
    expect(line(32)).toContain("нераспознанный номер: 12345");
    expect(line(42)).toMatch(/^42,пропущен,"нет e-mail и телефона; нераспознанный номер: тел\. 99"/);
    expect(line(97)).toContain("неверный ИНН: 1234567890");

    // The same file again, checked against no event: the two event rows are new to the base, the rest is there.
    const again = new FormData();
    again.set("file", new Blob([new Uint8Array(xlsx)]), "база-2026.xlsx");
    const second = await fetch(`${app.url}/manage/audience`, { method: "POST", body: again, redirect: "manual", headers: { cookie: `${cookie}; lang=ru`, origin: app.url } });
    expect(second.status).toBe(302);
    const c2 = (await db.query(`SELECT counts FROM "AudienceImport" ORDER BY "createdAt" DESC LIMIT 1`)).rows[0].counts;
    expect(c2).toMatchObject({ created: 2, invalid: 3, dupFile: 15, dupBase: N - 20, inEvent: 0 });
  }, 180_000);

  test("a file that is no spreadsheet is refused next to the file field, in Russian", async () => {
    const form = new FormData();
    form.set("file", new Blob(["not a sheet"]), "list.pdf");
    const res = await fetch(`${app.url}/manage/audience`, { method: "POST", body: form, redirect: "manual", headers: { cookie: `${cookie}; lang=ru`, origin: app.url } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/data-testid="error-file"[^>]*>[^<]*(XLSX|CSV)/);
  });

  test("past attendance narrows a segment: one of the four came to a past event (checked in), by e-mail", async () => {
    const past = (
      await db.query<{ id: string }>(
        `INSERT INTO "Event" (name, venue, timezone, "startsAt", "endsAt") VALUES ('Форум 2025', 'Казань Экспо', 'Europe/Moscow', now() - interval '300 days', now() - interval '299 days') RETURNING id`,
      )
    ).rows[0].id;
    const person = (await db.query<{ id: string }>(`INSERT INTO "Person" ("lastName", "firstName", email) VALUES ('Прошлый', 'Гость', 'C1003@list.example') RETURNING id`)).rows[0].id;
    const reg = (
      await db.query<{ id: string }>(`INSERT INTO "Registration" ("eventId", "personId", category, status, "codeSecret", source) VALUES ($1, $2::uuid, 'visitor', 'confirmed', md5($2::text), 'site') RETURNING id`, [past, person])
    ).rows[0].id;
    await db.query(`INSERT INTO "CheckIn" ("eventId", "registrationId", "clientId", "eventDay", "scannedAt") VALUES ($1, $2, gen_random_uuid(), (now() - interval '300 days')::date, now() - interval '300 days')`, [past, reg]);
    const seg = (p: string) => new URLSearchParams({ industry: "Энергетика", city: "Казань", past: p, campaign: "x", preview: "1" });
    expect((await page(`/manage/events/${eventId}/invitations?${seg("came")}`)).text).toContain("получат приглашение: 1.");
    expect((await page(`/manage/events/${eventId}/invitations?${seg("never")}`)).text).toContain("получат приглашение: 3.");
  });

  test("a segment is invited through the mail queue with per-recipient status; a registration from the link is attributed", async () => {
    const seg = new URLSearchParams({ industry: "Энергетика", city: "Казань", companySize: "", category: "", past: "any", campaign: "Энергетики Казани" });
    const preview = await page(`/manage/events/${eventId}/invitations?${seg}&preview=1`);
    expect(preview.text).toContain("получат приглашение: 4.");
    const refused = "c1002@list.example";
    smtp.rejectRecipient(refused);

    const post = (body: URLSearchParams) =>
      fetch(`${app.url}/manage/events/${eventId}/invitations`, { method: "POST", body, headers: { cookie: `${cookie}; lang=ru`, origin: app.url, "content-type": "application/x-www-form-urlencoded" } });
    const sent = await post(seg);
    expect(await sent.text()).toContain("Приглашений поставлено в очередь писем: 4");
    // The confirm step posted twice mails nobody twice.
    expect(await (await post(seg)).text()).toContain("Некому отправлять");

    const final = await waitUntil("every invitation sent or failed", async () => {
      const r = await db.query(`SELECT email, status, error FROM "AudienceInvitation" WHERE "eventId" = $1 ORDER BY email`, [eventId]);
      return r.rows.every((x) => x.status !== "queued") && r.rows.length === 4 ? r.rows : null;
    }, 60_000);
    expect(final.map((x) => [x.email, x.status])).toEqual([
      ["c1000@list.example", "sent"],
      ["c1001@list.example", "sent"],
      ["c1002@list.example", "failed"],
      ["c1003@list.example", "sent"],
    ]);
    expect(final[2].error).toMatch(/550|unavailable/i);
    const listed = await page(`/manage/events/${eventId}/invitations`);
    expect(listed.text).toContain("Отправлено: 3, в очереди: 0, ошибок: 1, зарегистрировались: 0");

    const mail = await smtp.waitFor((m) => m.envelope.to.includes("c1001@list.example"));
    expect(mail.subject).toBe("Приглашение: ЭнергоФорум");
    const link = /https?:\/\/\S+inv=[A-Za-z0-9_-]+/.exec(mail.text ?? "")![0];
    expect(link.startsWith(`${app.url}/e/${eventId}/register?lang=ru&inv=`)).toBe(true);

    const tab = await (await browser.newContext({ locale: "ru-RU" })).newPage();
    await tab.goto(link);
    await fillAndSubmit(tab, "register-form", { lastName: "Имя1001", firstName: "Фамилия1001", email: "c1001@list.example" });
    await tab.waitForSelector("[data-testid=reg-done]");
    const reg = (
      await db.query(
        `SELECT r.id, r.source, r."sourceDetail", r."invitationId", i.email AS invited FROM "Registration" r JOIN "Person" p ON p.id = r."personId"
         LEFT JOIN "AudienceInvitation" i ON i.id = r."invitationId" WHERE p.email = 'c1001@list.example'`,
      )
    ).rows[0];
    expect(reg).toMatchObject({ source: "invitation", sourceDetail: "Энергетики Казани", invited: "c1001@list.example" });
    expect((await db.query(`SELECT "registrationId" FROM "AudienceInvitation" WHERE id = $1`, [reg.invitationId])).rows[0].registrationId).toBe(reg.id);

    process.env.DATABASE_URL = app.databaseUrl;
    const { invitedByChannel } = await import("../../app/services/analytics/invited.server");
    expect(await invitedByChannel(eventId)).toEqual(new Map([["Энергетики Казани", 3]]));
    const { channelOf } = await import("../../app/services/analytics/channel");
    expect(channelOf({ source: reg.source, sourceDetail: reg.sourceDetail })).toBe("Энергетики Казани"); // the funnel joins them by this
  }, 120_000);
});
