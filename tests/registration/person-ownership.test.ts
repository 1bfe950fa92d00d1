// Issue #11 item 1: what a registration shows (name, position, email, phone, company) belongs to
// that registration and changes only by its owner. Every way a person's data can change is tried
// here from every other role and tenant against one staff member of exhibitor A in event 1
// ("Alice"), seen three ways: A's staff list, the event-1 kiosk feed and the database row.
// The last test is the control: A itself and a manager of the event do change her record, so the
// three views are shown to notice a change.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startApp, type RunningApp } from "../setup/app";
import { sessionCookie } from "../setup/http";
import { ALICE, call, createToken, dbClient, postForm, waitUntil } from "./helpers";

let app: RunningApp;
let db: pg.Client;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
const cookies: Record<string, string> = {};

const ATTACKER = { lastName: "Подменов", firstName: "Игорь", email: "ALICE@alpha.example", phone: "+79990000001", position: "Взломщик" };

const token = (role: Parameters<typeof createToken>[1], opts?: Parameters<typeof createToken>[2]) => createToken(app, role, opts);

async function exhibitorUser(email: string, exhibitorId: string): Promise<string> {
  const { hashPassword } = await import("../../app/utils/auth.server");
  await db.query(`INSERT INTO "User" (email, name, role, "exhibitorId", "passwordHash") VALUES ($1, $1, 'exhibitor', $2, $3)`, [
    email,
    exhibitorId,
    await hashPassword("correct horse battery"),
  ]);
  return sessionCookie(app.url, email, "correct horse battery");
}

async function event(name: string): Promise<string> {
  const r = await call(app, "/api/v1/events", "POST", tokens.manager, {
    name,
    venue: "Крокус Экспо",
    timezone: "Europe/Moscow",
    startsAt: new Date(Date.now() - 86_400_000).toISOString(),
    endsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

async function exhibitor(eventId: string, name: string): Promise<string> {
  const r = await call(app, `/api/v1/events/${eventId}/exhibitors`, "POST", tokens.manager, { company: { name }, stand: name.slice(0, 2), staffQuota: 20 });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

async function kioskToken(eventId: string): Promise<string> {
  const k = await db.query<{ id: string }>(`INSERT INTO "Kiosk" ("eventId", name) VALUES ($1, 'Вход') RETURNING id`, [eventId]);
  return token("kiosk", { kioskId: k.rows[0].id, eventId });
}

/** Alice as her exhibitor, the event-1 kiosk and the database see her. */
async function alice() {
  const list = await call(app, `/api/v1/exhibitors/${ids.a}/staff`, "GET", tokens.a);
  expect(list.status).toBe(200);
  const s = list.body.staff.find((x: { id: string }) => x.id === ids.alice);
  const feed = await call(app, `/api/v1/kiosk/registrations?since=0`, "GET", tokens.kiosk1);
  expect(feed.status).toBe(200);
  const k = feed.body.registrations.find((x: { id: string }) => x.id === ids.alice);
  const row = await db.query(
    `SELECT p."lastName", p."firstName", p."middleName", p.position, p.email, p.phone, p."organizationId", r.status::text, r."exhibitorId"
     FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE r.id = $1`,
    [ids.alice],
  );
  return {
    staff: s && { lastName: s.lastName, firstName: s.firstName, middleName: s.middleName, position: s.position, email: s.email, phone: s.phone },
    kiosk: k && { name: k.name, company: k.company },
    row: row.rows[0],
  };
}

let original: Awaited<ReturnType<typeof alice>>;
const expectAliceIntact = async () => expect(await alice()).toEqual(original);

/** Registrations of an event whose person has this e-mail, with the name they show. */
async function byEmail(eventId: string, email: string) {
  const r = await db.query(
    `SELECT r.id, r."exhibitorId", r.status::text, p."lastName", p.email, p.phone FROM "Registration" r JOIN "Person" p ON p.id = r."personId"
     WHERE r."eventId" = $1 AND p.email = $2 ORDER BY r."createdAt"`,
    [eventId, email],
  );
  return r.rows;
}

async function manageUrlOf(registrationId: string): Promise<string> {
  const r = await db.query(
    `SELECT j.payload->>'manageUrl' AS url FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     WHERE t.identifier = 'send-mail' AND j.payload->>'registrationId' = $1 AND j.payload->>'manageUrl' IS NOT NULL ORDER BY j.id LIMIT 1`,
    [registrationId],
  );
  return r.rows[0].url;
}

function csv(rows: string[][]): Blob {
  return new Blob([rows.map((r) => r.join(";")).join("\r\n")], { type: "text/csv" });
}

/** Uploads a staff file through the cabinet page and commits it, asking to update every row that can be updated. */
async function importStaff(cookie: string, rows: string[][]): Promise<void> {
  const form = new FormData();
  form.set("file", csv([["Фамилия", "Имя", "Должность", "Email", "Телефон"], ...rows]), "staff.csv");
  const up = await fetch(app.url + "/cabinet/import", { method: "POST", body: form, redirect: "manual", headers: { cookie, origin: app.url } });
  const location = up.headers.get("location") ?? "";
  const id = /id=([0-9a-f-]{36})/.exec(location)?.[1];
  expect(id, `upload answered ${up.status} ${location}`).toBeTruthy();
  const fields: Record<string, string> = { id: id! };
  for (let i = 0; i < rows.length + 2; i++) fields[`row.${i}`] = "update";
  const done = await postForm(app, "/cabinet/import", cookie, fields);
  expect(done.status, done.text.slice(0, 300)).toBe(302);
}

beforeAll(async () => {
  app = await startApp({ seed: false, env: { WORKER: "off", RATE_LIMIT_PER_IP: "1000" } });
  db = await dbClient(app);
  tokens.manager = await token("manager");
  ids.e1 = await event("Событие 1");
  // Each way in registers Alice's e-mail in an event of its own, so each one creates.
  ids.e2 = await event("Событие 2: сайт");
  ids.e3 = await event("Событие 3: экспонент C");
  ids.e4 = await event("Событие 4: форма");
  ids.e5 = await event("Событие 5: киоск");
  ids.a = await exhibitor(ids.e1, "Альфа");
  ids.b = await exhibitor(ids.e1, "Бета");
  ids.c = await exhibitor(ids.e3, "Гамма");
  const sub = await call(app, `/api/v1/events/${ids.e1}/exhibitors`, "POST", tokens.manager, { company: { name: "Альфа-Дочка" }, stand: "A2", staffQuota: 5, parentExhibitorId: ids.a });
  expect(sub.status, JSON.stringify(sub.body)).toBe(201);
  ids.aSub = sub.body.id;
  tokens.a = await token("exhibitor", { exhibitorId: ids.a });
  tokens.aSub = await token("exhibitor", { exhibitorId: ids.aSub });
  tokens.b = await token("exhibitor", { exhibitorId: ids.b });
  tokens.c = await token("exhibitor", { exhibitorId: ids.c });
  tokens.manager2 = await token("manager", { eventId: ids.e2 });
  tokens.site = await token("site");
  tokens.kiosk1 = await kioskToken(ids.e1);
  tokens.kiosk5 = await kioskToken(ids.e5);
  cookies.b = await exhibitorUser("beta@beta.example", ids.b);
  cookies.c = await exhibitorUser("gamma@gamma.example", ids.c);
  const added = await call(app, `/api/v1/exhibitors/${ids.a}/staff`, "POST", tokens.a, ALICE);
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  ids.alice = added.body.id;
  original = await alice();
  expect(original.staff).toEqual(ALICE);
  expect(original.kiosk).toEqual({ name: "Сотрудникова Алиса Петровна", company: "Альфа" });
});
afterAll(async () => {
  await db?.end();
  await app?.stop();
});

describe("nobody but the owner changes a registration's person data", () => {
  test("reproduction 1: a site-API registration for event 2 with Alice's e-mail and another name is a registration of its own", async () => {
    const r = await call(app, `/api/v1/events/${ids.e2}/registrations`, "POST", tokens.site, {
      category: "visitor",
      person: { lastName: ATTACKER.lastName, firstName: ATTACKER.firstName, email: ATTACKER.email, phone: ATTACKER.phone },
      company: { name: "Чужая фирма" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ids.siteReg = r.body.id;
    await expectAliceIntact();
    // The new registration shows what its registrant entered, not Alice's data.
    const mine = await call(app, `/api/v1/registrations/${r.body.id}`, "GET", tokens.manager);
    expect(mine.body.person).toMatchObject({ lastName: "Подменов", firstName: "Игорь", email: ALICE.email, phone: ATTACKER.phone });
    expect(mine.body.company.name).toBe("Чужая фирма");
    // In Alice's own event the same e-mail is a duplicate: the existing registration, unchanged.
    const dup = await call(app, `/api/v1/events/${ids.e1}/registrations`, "POST", tokens.site, {
      category: "visitor",
      person: { lastName: ATTACKER.lastName, firstName: ATTACKER.firstName, email: ATTACKER.email, phone: ATTACKER.phone },
    });
    expect(dup.status).toBe(200);
    expect(dup.body).toMatchObject({ id: ids.alice, duplicate: true });
    await expectAliceIntact();
  });

  test("reproduction 2: exhibitor C adds a staff member with Alice's e-mail and then changes it to the attacker's e-mail", async () => {
    const added = await call(app, `/api/v1/exhibitors/${ids.c}/staff`, "POST", tokens.c, { ...ATTACKER, email: ALICE.email });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ lastName: "Подменов", email: ALICE.email });
    await expectAliceIntact();
    const patched = await call(app, `/api/v1/exhibitors/${ids.c}/staff/${added.body.id}`, "PATCH", tokens.c, {
      email: "attacker@evil.example",
      lastName: "Перехватов",
      phone: "+79990000002",
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ lastName: "Перехватов", email: "attacker@evil.example", phone: "+79990000002" });
    await expectAliceIntact();
  });

  test("public registration form of event 4 (and of event 1, a duplicate)", async () => {
    const fields = () => ({
      category: "visitor",
      lastName: "Формов",
      firstName: "Пётр",
      email: ALICE.email,
      phone: "+7 999 000-00-03",
      companyName: "Форма и Ко",
      consent: "on",
    });
    for (const eventId of [ids.e4, ids.e1]) {
      const r = await postForm(app, `/e/${eventId}/register`, "", fields());
      expect(r.status).toBe(200);
      await expectAliceIntact();
    }
    expect((await byEmail(ids.e4, ALICE.email)).map((x) => x.lastName)).toEqual(["Формов"]);
    expect(await byEmail(ids.e1, ALICE.email)).toHaveLength(1);
  });

  test("kiosk walk-ins: at event 5 a new registration; at event 1 Alice is found and checked in as she is", async () => {
    const walk = (tok: string) =>
      call(app, "/api/v1/kiosk/walk-ins", "POST", tok, {
        clientId: randomUUID(),
        lastName: "Прохожий",
        firstName: "Кирилл",
        company: "Улица",
        email: ALICE.email,
        phone: "+79990000004",
        print: false,
      });
    const at5 = await walk(tokens.kiosk5);
    expect(at5.status, JSON.stringify(at5.body)).toBeLessThan(300);
    await expectAliceIntact();
    expect((await byEmail(ids.e5, ALICE.email)).map((x) => x.lastName)).toEqual(["Прохожий"]);
    const at1 = await walk(tokens.kiosk1);
    expect(at1.status, JSON.stringify(at1.body)).toBeLessThan(300);
    const w = await db.query(`SELECT "registrationId" FROM "KioskWalkIn" k JOIN "Kiosk" x ON x.id = k."kioskId" WHERE x."eventId" = $1`, [ids.e1]);
    expect(w.rows.map((x) => x.registrationId)).toEqual([ids.alice]);
    await expectAliceIntact();
  });

  test("staff API: another exhibitor of the same event, A's sub-exhibitor, other roles and a manager of another event cannot edit Alice", async () => {
    const patch = { lastName: "Чужой", email: "attacker@evil.example", phone: "+79990000005" };
    const tries = [
      { path: `/api/v1/exhibitors/${ids.a}/staff/${ids.alice}`, token: tokens.b, status: 404 },
      { path: `/api/v1/exhibitors/${ids.b}/staff/${ids.alice}`, token: tokens.b, status: 404 },
      { path: `/api/v1/exhibitors/${ids.c}/staff/${ids.alice}`, token: tokens.c, status: 404 },
      { path: `/api/v1/exhibitors/${ids.a}/staff/${ids.alice}`, token: tokens.c, status: 404 },
      { path: `/api/v1/exhibitors/${ids.a}/staff/${ids.alice}`, token: tokens.aSub, status: 404 },
      { path: `/api/v1/exhibitors/${ids.aSub}/staff/${ids.alice}`, token: tokens.aSub, status: 404 },
      { path: `/api/v1/exhibitors/${ids.a}/staff/${ids.alice}`, token: tokens.manager2, status: 404 },
      { path: `/api/v1/exhibitors/${ids.a}/staff/${ids.alice}`, token: tokens.site, status: 404 },
      { path: `/api/v1/exhibitors/${ids.a}/staff/${ids.alice}`, token: tokens.kiosk1, status: 404 },
      { path: `/api/v1/exhibitors/${ids.a}/staff/${ids.alice}`, token: undefined, status: 401 },
    ];
    for (const t of tries) {
      const r = await call(app, t.path, "PATCH", t.token, patch);
      expect(r.status, `${t.path}: ${JSON.stringify(r.body)}`).toBe(t.status);
      const d = await call(app, t.path, "DELETE", t.token);
      expect(d.status, `DELETE ${t.path}`).toBe(t.status);
    }
    // B adding Alice's e-mail in the same event is refused, and changes nothing.
    const add = await call(app, `/api/v1/exhibitors/${ids.b}/staff`, "POST", tokens.b, { ...ATTACKER, email: ALICE.email });
    expect(add.status).toBe(409);
    expect(add.body.error.code).toBe("already_registered");
    // B renaming its own staff member to Alice's e-mail is refused too.
    const own = await call(app, `/api/v1/exhibitors/${ids.b}/staff`, "POST", tokens.b, { lastName: "Свой", firstName: "Борис", email: "boris@beta.example" });
    expect(own.status).toBe(201);
    const clash = await call(app, `/api/v1/exhibitors/${ids.b}/staff/${own.body.id}`, "PATCH", tokens.b, { email: ALICE.email, lastName: "Подменов" });
    expect(clash.status).toBe(409);
    await expectAliceIntact();
  });

  test("cabinet pages: B edits Alice's id through its own cabinet, B and C add her e-mail and edit what they added", async () => {
    const staffForm = (extra: Record<string, string>) => ({ lastName: "Кабинетов", firstName: "Семён", email: ALICE.email, phone: "+79990000006", ...extra });
    await postForm(app, "/cabinet?index", cookies.b, staffForm({ intent: "edit-staff", staffId: ids.alice }));
    await expectAliceIntact();
    await postForm(app, "/cabinet?index", cookies.b, staffForm({ intent: "remove-staff", staffId: ids.alice }));
    await expectAliceIntact();
    // B's session works: its add is answered with the duplicate message, nothing is added.
    const addB = await postForm(app, "/cabinet?index", cookies.b, staffForm({ intent: "add-staff" }));
    expect(addB.text).toContain("Этот человек уже зарегистрирован на выставку.");
    await expectAliceIntact();
    expect((await byEmail(ids.e1, ALICE.email)).map((x) => x.id)).toEqual([ids.alice]);

    await postForm(app, "/cabinet?index", cookies.c, staffForm({ intent: "add-staff" }));
    await expectAliceIntact();
    const mine = (await byEmail(ids.e3, ALICE.email)).find((x) => x.exhibitorId === ids.c && x.lastName === "Кабинетов");
    expect(mine).toBeTruthy();
    await postForm(app, "/cabinet?index", cookies.c, staffForm({ intent: "edit-staff", staffId: mine!.id, lastName: "Переделкин", email: "attacker2@evil.example" }));
    expect((await byEmail(ids.e3, "attacker2@evil.example")).map((x) => x.lastName)).toEqual(["Переделкин"]);
    await expectAliceIntact();
  });

  test("staff import: C's file with Alice's e-mail adds C's own staff; B's file (same event) skips her even when asked to update", async () => {
    await importStaff(cookies.c, [["Импортов", "Илья", "Грузчик", ALICE.email, "+79990000007"]]);
    await expectAliceIntact();
    expect((await byEmail(ids.e3, ALICE.email)).filter((x) => x.exhibitorId === ids.c).map((x) => x.lastName)).toEqual(["Импортов"]);
    // C updates its own imported staff member (found by phone) by importing again: Alice still unchanged.
    await importStaff(cookies.c, [["Импортов-Второй", "Илья", "Грузчик", "ilya@gamma.example", "+79990000007"]]);
    expect((await byEmail(ids.e3, ALICE.email)).filter((x) => x.exhibitorId === ids.c).map((x) => x.lastName)).toEqual(["Импортов-Второй"]);
    await expectAliceIntact();
    await importStaff(cookies.b, [["Импортов", "Илья", "Грузчик", ALICE.email, ALICE.phone]]);
    await expectAliceIntact();
    expect((await byEmail(ids.e1, ALICE.email)).map((x) => x.id)).toEqual([ids.alice]);
  });

  test("self-service link: the event-2 registrant with Alice's e-mail changes their phone; Alice's stays; the link does not open event 1", async () => {
    const url = await manageUrlOf(ids.siteReg);
    const path = new URL(url).pathname;
    const r = await postForm(app, path, "", { intent: "phone", phone: "+7 999 555-44-33" });
    expect(r.status).toBe(200);
    expect((await call(app, `/api/v1/registrations/${ids.siteReg}`, "GET", tokens.manager)).body.person.phone).toBe("+79995554433");
    await expectAliceIntact();
    const other = await postForm(app, path.replace(ids.e2, ids.e1), "", { intent: "phone", phone: "+7 999 555-44-22" });
    expect(other.status).toBe(404);
    await expectAliceIntact();
  });

  test("control: Alice's exhibitor and a manager of her event do change her record, and only hers", async () => {
    const before = await db.query(`SELECT r.id, p."lastName", p.email, p.phone FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE r.id <> $1 ORDER BY r.id`, [ids.alice]);
    const own = await call(app, `/api/v1/exhibitors/${ids.a}/staff/${ids.alice}`, "PATCH", tokens.a, { lastName: "Новикова" });
    expect(own.status).toBe(200);
    await waitUntil("the kiosk feed to show the new name", async () => (await alice()).kiosk?.name === "Новикова Алиса Петровна");
    expect((await alice()).staff?.lastName).toBe("Новикова");
    const managed = await call(app, `/api/v1/exhibitors/${ids.a}/staff/${ids.alice}`, "PATCH", tokens.manager, { phone: "+79160000000" });
    expect(managed.status).toBe(200);
    expect((await alice()).row.phone).toBe("+79160000000");
    const after = await db.query(`SELECT r.id, p."lastName", p.email, p.phone FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE r.id <> $1 ORDER BY r.id`, [ids.alice]);
    expect(after.rows).toEqual(before.rows);
  });
});
