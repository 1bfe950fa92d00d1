import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { reminderDueAt, reminderText, zonedTimeToUtc } from "../../app/services/reminders.server";
import { startSmsRuEmulator, type SmsRuEmulator } from "../emulators/smsru";
import { startApp, type RunningApp } from "../setup/app";
import { call, createToken, dbClient, login, postForm, waitUntil } from "./helpers";

const API_ID = "reminder-test-api-id";
const BLOCKED = "79990000013";

let sms: SmsRuEmulator;
let app: RunningApp;
let db: pg.Client;
let manager: string;
const ids: Record<string, string> = {};

async function createEvent(name: string, startsAt: Date): Promise<string> {
  const r = await call(app, "/api/v1/events", "POST", manager, {
    name,
    venue: "Крокус Экспо",
    timezone: "Europe/Moscow",
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 8 * 3_600_000).toISOString(),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

async function register(eventId: string, email: string, phone: string | null, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call(app, `/api/v1/events/${eventId}/registrations`, "POST", manager, {
    category: "visitor",
    person: { lastName: "Тестов", firstName: email.split("@")[0], email, ...(phone ? { phone } : {}) },
    ...extra,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

/** The scheduler has run and planned its next run for later; no reminder is waiting to be sent. */
async function schedulerIdle() {
  await waitUntil("the reminder jobs to settle", async () => {
    const r = await db.query(
      `SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       WHERE t.identifier IN ('sms-reminders', 'send-sms-reminder') AND (j.run_at <= now() OR j.locked_at IS NOT NULL)`,
    );
    return r.rows[0].n === 0;
  });
}

/** The tick asked for now has run: it planned its next run for later (and then nothing is due). */
async function schedulerRan() {
  await waitUntil("the scheduler to run and plan its next run", async () => {
    const r = await db.query(`SELECT run_at > now() AND locked_at IS NULL AS later FROM graphile_worker.jobs WHERE key = 'sms-reminders'`);
    return r.rows[0]?.later === true;
  });
  await schedulerIdle();
}

async function runScheduler() {
  await db.query(`SELECT graphile_worker.add_job('sms-reminders', '{}'::json, job_key => 'sms-reminders', run_at => now())`);
  await schedulerRan();
}

async function reminders() {
  const r = await db.query(
    `SELECT s."registrationId", s.phone, s.status, s.error, s.attempts, s.resends, s."smsId" FROM "SmsReminder" s ORDER BY s.phone`,
  );
  return r.rows as Array<{
    registrationId: string;
    phone: string;
    status: string;
    error: string | null;
    attempts: number;
    resends: number;
    smsId: string | null;
  }>;
}

beforeAll(async () => {
  sms = await startSmsRuEmulator({ apiId: API_ID, blockedNumbers: [BLOCKED], duplicateWindowMs: 0 });
  app = await startApp({ env: { SMSRU_API_ID: API_ID, SMSRU_BASE_URL: sms.baseUrl, REMINDER_LOCAL_TIME: "00:00" } });
  db = await dbClient(app);
  manager = await createToken(app, "manager");
  await schedulerIdle(); // the first run at start is over before the test data exists
  // The reminder time is 00:00 the day before: for an event a few hours ahead it has passed.
  ids.soon = await createEvent("Завтра Экспо", new Date(Date.now() + 3 * 3_600_000));
  ids.later = await createEvent("Через неделю Экспо", new Date(Date.now() + 7 * 86_400_000));
  ids.ru = await register(ids.soon, "anna@sms.example", "+7 916 111-00-01");
  ids.en = await register(ids.soon, "bob@sms.example", "8 916 111 00 02", { locale: "en" });
  ids.noPhone = await register(ids.soon, "carl@sms.example", null);
  ids.blocked = await register(ids.soon, "dina@sms.example", `+${BLOCKED}`);
  ids.cancelled = await register(ids.soon, "egor@sms.example", "+7 916 111-00-05");
  await db.query(`UPDATE "Registration" SET status = 'cancelled' WHERE id = $1`, [ids.cancelled]);
  const media = await call(app, `/api/v1/events/${ids.soon}/registrations`, "POST", manager, {
    category: "media",
    person: { lastName: "Пресс", firstName: "Фёдор", email: "fedor@sms.example", phone: "+79161110006" },
    media: { outlet: "ТВ" },
  });
  ids.media = media.body.id;
  ids.laterGuest = await register(ids.later, "gleb@sms.example", "+7 916 111-00-07");
});
afterAll(async () => {
  await db?.end();
  await app?.stop();
  await sms?.close();
});

describe("reminder time", () => {
  test("REMINDER_LOCAL_TIME on the calendar day before the event's first local day, in the event's zone (DST included)", () => {
    expect(reminderDueAt({ startsAt: new Date("2026-03-12T07:00:00Z"), timezone: "Europe/Moscow" }, "10:00").toISOString()).toBe(
      "2026-03-11T07:00:00.000Z",
    );
    // 01:00 on 7 July in Yekaterinburg is still 6 July in UTC: the day before is 6 July local.
    expect(reminderDueAt({ startsAt: new Date("2026-07-06T20:00:00Z"), timezone: "Asia/Yekaterinburg" }, "10:00").toISOString()).toBe(
      "2026-07-06T05:00:00.000Z",
    );
    // New York: the day before is the DST change (8 March 2026), 10:00 is already EDT (UTC-4).
    expect(reminderDueAt({ startsAt: new Date("2026-03-09T14:00:00Z"), timezone: "America/New_York" }, "10:00").toISOString()).toBe(
      "2026-03-08T14:00:00.000Z",
    );
    expect(zonedTimeToUtc(2026, 1, 15, 18, 30, "Europe/London").toISOString()).toBe("2026-01-15T18:30:00.000Z");
  });

  test("the text names the event, its day and start time in the attendee's language", () => {
    const event = {
      name: "Иннопром",
      venue: "Екатеринбург-ЭКСПО",
      address: null,
      startsAt: new Date("2026-07-07T05:00:00Z"),
      endsAt: new Date("2026-07-07T12:00:00Z"),
      timezone: "Asia/Yekaterinburg",
    };
    expect(reminderText("ru", event)).toBe(
      "Напоминаем: «Иннопром», 7 июля, начало в 10:00, Екатеринбург-ЭКСПО. Покажите QR-код из письма-приглашения на входе.",
    );
    expect(reminderText("en", event)).toContain("Reminder: Иннопром, July 7, starts at 10:00");
  });
});

describe("SMS reminder job against the SMS.RU emulator", () => {
  test("sends exactly one SMS per confirmed attendee with a phone of a due event; a refused number fails only its own message", async () => {
    await runScheduler();
    await waitUntil("two SMS", async () => sms.sent.length >= 2);
    expect(sms.sent.map((s) => s.to).sort()).toEqual(["79161110001", "79161110002"]);
    expect(sms.sent.find((s) => s.to === "79161110001")!.text).toMatch(
      /^Напоминаем: «Завтра Экспо», \d+ \S+, начало в \d\d:\d\d, Крокус Экспо\./,
    );
    expect(sms.sent.find((s) => s.to === "79161110002")!.text).toMatch(/^Reminder: Завтра Экспо, /);
    const rows = await reminders();
    expect(rows.map((r) => [r.registrationId, r.phone])).toEqual([
      [ids.ru, "+79161110001"],
      [ids.en, "+79161110002"],
      [ids.blocked, `+${BLOCKED}`],
    ]);
    const blocked = rows.find((r) => r.registrationId === ids.blocked)!;
    expect(blocked.status).toBe("failed");
    expect(blocked.error).toContain("207");
    expect(blocked.attempts).toBe(1);
    // Delivery status is polled and stored.
    await waitUntil("delivery reports", async () => (await reminders()).filter((r) => r.status === "delivered").length === 2, 30_000, 250);
    const delivered = (await reminders()).filter((r) => r.status === "delivered").map((r) => r.smsId);
    expect(delivered.sort()).toEqual(sms.sent.map((s) => s.smsId).sort());
  });

  test("running it again sends none (also from the manager page), and nothing goes to events not yet due", async () => {
    await runScheduler();
    const cookie = await login(app, DEMO_USERS[1].email, DEMO_USERS[1].password);
    const page = await postForm(app, `/manage/events/${ids.soon}/reminders`, cookie, { intent: "run" });
    expect(page.status).toBe(200);
    await schedulerRan(); // the page's run happened and every send it planned is done
    expect(sms.sent).toHaveLength(2);
    expect(await reminders()).toHaveLength(3);
    const later = await db.query(`SELECT count(*)::int AS n FROM "SmsReminder" WHERE "registrationId" = $1`, [ids.laterGuest]);
    expect(later.rows[0].n).toBe(0);
  });

  test("a manager sees the reminders and resends one on purpose", async () => {
    const cookie = await login(app, DEMO_USERS[1].email, DEMO_USERS[1].password);
    const list = await fetch(`${app.url}/manage/events/${ids.soon}/reminders`, { headers: { cookie } });
    const html = await list.text();
    expect(list.status).toBe(200);
    expect(html).toContain("+79161110001");
    expect(html).toContain("delivered");
    expect(html).toContain("failed");
    const row = (await db.query(`SELECT id FROM "SmsReminder" WHERE "registrationId" = $1`, [ids.ru])).rows[0];
    const res = await postForm(app, `/manage/events/${ids.soon}/reminders`, cookie, { intent: "resend", reminderId: row.id });
    expect(res.status).toBe(200);
    await waitUntil("the resent SMS", async () => sms.sent.length === 3);
    expect(sms.sent[2].to).toBe("79161110001");
    await schedulerIdle();
    const after = (await reminders()).find((r) => r.registrationId === ids.ru)!;
    expect(after).toMatchObject({ resends: 1, attempts: 2 });
    expect(after.smsId).toBe(sms.sent[2].smsId);
    // Only managers: the same post without a session goes to the login page.
    const anonymous = await fetch(`${app.url}/manage/events/${ids.soon}/reminders`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: app.url, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "resend", reminderId: row.id }),
    });
    expect(anonymous.status).toBe(302);
    expect(sms.sent).toHaveLength(3);
  });

  test("without SMTP_URL the mails are .eml files that the manager's outbox page lists (newest first) and shows", async () => {
    const cookie = await login(app, DEMO_USERS[1].email, DEMO_USERS[1].password);
    const list = await waitUntil("the invitations in the outbox", async () => {
      const html = await (await fetch(`${app.url}/manage/outbox`, { headers: { cookie } })).text();
      return html.includes("anna@sms.example") && html.includes("bob@sms.example") ? html : null;
    });
    expect(list).toContain("Приглашение на «Завтра Экспо»");
    expect(list).toContain("Your invitation to Завтра Экспо");
    const files = [...list.matchAll(/\/manage\/outbox\/([A-Za-z0-9._-]+\.eml)"/g)].map((m) => m[1]);
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect([...files].sort().reverse()).toEqual(files);
    const one = await (await fetch(`${app.url}/manage/outbox/${files[files.length - 1]}`, { headers: { cookie } })).text();
    expect(one).toMatch(/Приглашение на «(Завтра|Через неделю) Экспо»|Your invitation to Завтра Экспо/);
    expect(one).toContain("ticket-qr.png");
    expect(one).toContain("invitation.ics");
    expect(one).toContain("data:image/png;base64,"); // the inline QR, shown in the mail view
    const raw = await fetch(`${app.url}/manage/outbox/${files[0]}/raw`, { headers: { cookie } });
    expect(raw.headers.get("content-type")).toBe("message/rfc822");
    expect(await raw.text()).toMatch(/^[\s\S]*Subject: /);
    expect((await fetch(`${app.url}/manage/outbox/..%2F..%2Fpackage.json`, { headers: { cookie } })).status).toBe(404);
    expect((await fetch(`${app.url}/manage/outbox`, { redirect: "manual" })).status).toBe(302);
  });
});
