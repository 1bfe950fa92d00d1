import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startApp, type RunningApp } from "../setup/app";
import { call, createToken, dbClient, visitor } from "./helpers";

// The transactional outbox of issue #5, seen with the worker off so every job stays in the
// queue: which CRM and mail jobs each change writes (the CRM sync itself is issue #4's).

let app: RunningApp;
let db: pg.Client;
let manager: string;
let eventId: string;

beforeAll(async () => {
  app = await startApp({ seed: false, env: { WORKER: "off" } });
  db = await dbClient(app);
  manager = await createToken(app, "manager");
  const starts = new Date(Date.now() + 7 * 86_400_000);
  const ev = await call(app, "/api/v1/events", "POST", manager, {
    name: "Outbox Expo",
    venue: "Hall 1",
    timezone: "Europe/Moscow",
    startsAt: starts.toISOString(),
    endsAt: new Date(starts.getTime() + 86_400_000).toISOString(),
  });
  eventId = ev.body.id;
});
afterAll(async () => {
  await db?.end();
  await app?.stop();
});

type Job = { payload: Record<string, unknown>; revision: number };

async function keyed(key: string): Promise<Job | null> {
  const r = await db.query(`SELECT payload, revision FROM graphile_worker._private_jobs WHERE key = $1`, [key]);
  return r.rows[0] ?? null;
}

async function mailJobs(registrationId: string): Promise<Array<Record<string, string>>> {
  const r = await db.query(
    `SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'send-mail' AND j.payload->>'registrationId' = $1 ORDER BY j.id`,
    [registrationId],
  );
  return r.rows.map((x) => x.payload);
}

const reg = (body: unknown) => call(app, `/api/v1/events/${eventId}/registrations`, "POST", manager, body);

describe("jobs written with each change (worker off)", () => {
  test("a visitor: CRM jobs for company, person and registration, and one invitation with the self-service link", async () => {
    const r = await reg(visitor(1));
    expect(r.status).toBe(201);
    const detail = (await call(app, `/api/v1/registrations/${r.body.id}`, "GET", manager)).body;
    expect((await keyed(`crm:registration:${r.body.id}`))?.payload).toEqual({ entity: "registration", id: r.body.id });
    expect((await keyed(`crm:person:${detail.person.id}`))?.payload).toEqual({ entity: "person", id: detail.person.id });
    expect((await keyed(`crm:organization:${detail.company.id}`))?.payload).toEqual({ entity: "organization", id: detail.company.id });
    const mails = await mailJobs(r.body.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: "invitation", registrationId: r.body.id });
    expect(mails[0].manageUrl).toMatch(new RegExp(`^${app.url}/e/${eventId}/my/[A-Za-z0-9_-]{32}$`));
    const page = await fetch(mails[0].manageUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await page.text()).toContain("Петров Иван Сергеевич");
    // A wrong token shows no ticket.
    const wrong = await fetch(mails[0].manageUrl.replace(/.$/, (c) => (c === "A" ? "B" : "A")));
    const wrongText = await wrong.text();
    expect(wrongText).not.toContain("Петров Иван Сергеевич");
    expect(wrongText).toContain("Ссылка недействительна");

    // The duplicate re-sends once; the link in it is the same.
    expect((await reg(visitor(1))).body).toMatchObject({ duplicate: true, invitationResent: true });
    expect((await reg(visitor(1))).body).toMatchObject({ duplicate: true, invitationResent: false });
    const again = await mailJobs(r.body.id);
    expect(again).toHaveLength(2);
    expect(again[1].manageUrl).toBe(mails[0].manageUrl);
  });

  test("media: a CRM job and no mail; approve -> the CRM job again and an invitation; reject -> the CRM job again and a rejection mail", async () => {
    const media = (n: number) => ({
      category: "media",
      person: { lastName: "Орлова", firstName: "Вера", email: `vera${n}@press.example` },
      media: { outlet: "ТАСС" },
    });
    const a = await reg(media(1));
    const b = await reg(media(2));
    expect([a.body.status, b.body.status]).toEqual(["pending_approval", "pending_approval"]);
    const before = await keyed(`crm:registration:${a.body.id}`);
    expect(before?.payload).toEqual({ entity: "registration", id: a.body.id });
    expect(await mailJobs(a.body.id)).toEqual([]);

    expect((await call(app, `/api/v1/registrations/${a.body.id}/approve`, "POST", manager)).status).toBe(200);
    expect((await keyed(`crm:registration:${a.body.id}`))!.revision).toBeGreaterThan(before!.revision);
    expect((await mailJobs(a.body.id)).map((m) => m.kind)).toEqual(["invitation"]);

    const beforeB = await keyed(`crm:registration:${b.body.id}`);
    expect(
      (await call(app, `/api/v1/registrations/${b.body.id}/reject`, "POST", manager, { reason: "Нет редакционного задания" })).status,
    ).toBe(200);
    expect((await keyed(`crm:registration:${b.body.id}`))!.revision).toBeGreaterThan(beforeB!.revision);
    expect(await mailJobs(b.body.id)).toEqual([{ kind: "rejection", registrationId: b.body.id }]);
  });

  test("a stand booking: a crm-sync job for the booking (entity standBooking); a honeypot hit writes nothing", async () => {
    const body = { company: { name: "Бета" }, contact: { lastName: "Лис", firstName: "Анна", email: "anna@beta.example" }, areaM2: 12 };
    const r = await call(app, `/api/v1/events/${eventId}/stand-bookings`, "POST", manager, body);
    expect(r.status).toBe(201);
    expect((await keyed(`crm:standBooking:${r.body.id}`))?.payload).toEqual({ entity: "standBooking", id: r.body.id });
    const jobsBefore = (await db.query(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`)).rows[0].n;
    const trap = await call(app, `/api/v1/events/${eventId}/stand-bookings`, "POST", manager, { ...body, honeypot: "x" });
    expect(trap.status).toBe(202);
    expect((await db.query(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`)).rows[0].n).toBe(jobsBefore);
    expect((await db.query(`SELECT count(*)::int AS n FROM "StandBooking"`)).rows[0].n).toBe(1);
  });

  test("self-service: a new phone queues the person's CRM job, cancelling queues the registration's", async () => {
    const r = await reg(visitor(5));
    const detail = (await call(app, `/api/v1/registrations/${r.body.id}`, "GET", manager)).body;
    const link = (await mailJobs(r.body.id))[0].manageUrl;
    const person = (await keyed(`crm:person:${detail.person.id}`))!.revision;
    const post = (fields: Record<string, string>) =>
      fetch(link, {
        method: "POST",
        headers: { origin: app.url, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields),
      });
    const bad = await post({ intent: "phone", phone: "12" });
    expect(await bad.text()).toContain("Введите номер телефона");
    expect((await post({ intent: "phone", phone: "8 (999) 111-22-33" })).status).toBe(200);
    expect((await call(app, `/api/v1/registrations/${r.body.id}`, "GET", manager)).body.person.phone).toBe("+79991112233");
    expect((await keyed(`crm:person:${detail.person.id}`))!.revision).toBeGreaterThan(person);
    const registration = (await keyed(`crm:registration:${r.body.id}`))!.revision;
    expect((await post({ intent: "cancel" })).status).toBe(200);
    expect((await call(app, `/api/v1/registrations/${r.body.id}`, "GET", manager)).body.status).toBe("cancelled");
    expect((await keyed(`crm:registration:${r.body.id}`))!.revision).toBeGreaterThan(registration);
    // Cancelled: the calendar file is gone, a second cancel changes nothing.
    expect((await fetch(`${link}/calendar`)).status).toBe(404);
    expect(await (await post({ intent: "cancel" })).text()).toContain("Регистрация уже отменена или отклонена");
    // Registering again afterwards creates a new registration (old codes stay void).
    const back = await reg(visitor(5));
    expect(back.status).toBe(201);
    expect(back.body.id).not.toBe(r.body.id);
  });
});
