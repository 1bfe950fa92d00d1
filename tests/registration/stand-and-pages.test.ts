// The registration side that is not the JSON registration API: stand bookings (API and the
// manager's conversion into an exhibitor), the public forms (media proof file, translated field
// errors, the trap, the per-IP limit's message), framing headers and the OpenAPI document.
import { describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { call, login, postForm, postPage, registrationWorldPerFile } from "./helpers";

const w = registrationWorldPerFile("Иннопром Тест");

describe("stand bookings, public pages, framing", () => {
  test("a stand booking: 201, listed; the manager turns it into an exhibitor (and a cabinet login) in one step", async () => {
    const bad = await call(w.app, `/api/v1/events/${w.eventId}/stand-bookings`, "POST", w.manager, {
      company: { name: "" },
      contact: { lastName: "Орлов", firstName: "Пётр", email: "nope" },
      areaM2: -3,
    });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["areaM2", "company.name", "contact.email"]);
    const r = await call(w.app, `/api/v1/events/${w.eventId}/stand-bookings`, "POST", w.site, {
      company: { name: "СтанкоМаш", inn: "7736050003", city: "Челябинск", website: "stankomash.example" },
      contact: {
        lastName: "Орлов",
        firstName: "Пётр",
        position: "Коммерческий директор",
        email: "Orlov@StankoMash.example",
        phone: "+7 351 200-00-00",
      },
      areaM2: 24.5,
      comment: "Угловой стенд",
      clientIp: "192.0.2.77",
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toEqual({ id: expect.any(String), status: "new" });
    const list = await call(w.app, `/api/v1/events/${w.eventId}/stand-bookings`, "GET", w.manager);
    expect(list.body.standBookings[0]).toMatchObject({
      id: r.body.id,
      status: "new",
      areaM2: 24.5,
      company: { name: "СтанкоМаш", website: "https://stankomash.example" },
      contact: { email: "orlov@stankomash.example", phone: "+73512000000" },
    });
    expect((await call(w.app, `/api/v1/events/${w.eventId}/stand-bookings`, "GET", w.site)).status).toBe(403);

    const cookie = await login(w.app, DEMO_USERS[1].email, DEMO_USERS[1].password);
    const page = `/manage/events/${w.eventId}/stand-bookings`;
    const missing = await postForm(w.app, page, cookie, { intent: "convert", bookingId: r.body.id, stand: "", staffQuota: "4" });
    expect(missing.status).toBe(200);
    expect((await call(w.app, `/api/v1/events/${w.eventId}/stand-bookings`, "GET", w.manager)).body.standBookings[0].status).toBe("new");
    const done = await postForm(w.app, page, cookie, {
      intent: "convert",
      bookingId: r.body.id,
      stand: "D-12",
      staffQuota: "4",
      areaM2: "24,5",
      createAccount: "on",
    });
    expect(done.status).toBe(200);
    const after = (await call(w.app, `/api/v1/events/${w.eventId}/stand-bookings`, "GET", w.manager)).body.standBookings[0];
    expect(after).toMatchObject({ status: "converted", exhibitorId: expect.any(String) });
    const ex = await call(w.app, `/api/v1/exhibitors/${after.exhibitorId}`, "GET", w.manager);
    expect(ex.body).toMatchObject({
      eventId: w.eventId,
      stand: "D-12",
      areaM2: 24.5,
      staffQuota: 4,
      company: { name: "СтанкоМаш", inn: "7736050003", city: "Челябинск", emails: ["orlov@stankomash.example"], phones: ["+73512000000"] },
    });
    const invite = await w.smtp.waitFor((m) => m.envelope.to.includes("orlov@stankomash.example"), 20_000);
    expect(invite.text).toMatch(/\/set-password\/[A-Za-z0-9_-]+/);
    // A second conversion is refused; still one exhibitor for the company.
    const again = await postForm(w.app, page, cookie, { intent: "convert", bookingId: r.body.id, stand: "D-13", staffQuota: "4" });
    expect(again.status).toBe(200);
    const count = await w.db.query(
      `SELECT count(*)::int AS n FROM "Exhibitor" e JOIN "Organization" o ON o.id = e."organizationId" WHERE o.inn = '7736050003'`,
    );
    expect(count.rows[0].n).toBe(1);
  });

  test("the public form takes a media application with a proof file that only managers can open", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    const form = new FormData();
    for (const [k, v] of Object.entries({
      lang: "ru",
      category: "media",
      lastName: "Кузнецов",
      firstName: "Олег",
      email: "oleg@radio.example",
      outlet: "Радио Урал",
      consent: "on",
      hp: "",
    }))
      form.set(k, v);
    form.set("proofFile", new Blob([png], { type: "image/png" }), "пресс-карта.png");
    const res = await fetch(`${w.app.url}/e/${w.eventId}/register`, { method: "POST", body: form, headers: { origin: w.app.url } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Заявка на аккредитацию принята");
    const row = await w.db.query(
      `SELECT r.id, r.status, r.source, m."proofFile", m."proofFileName" FROM "Registration" r JOIN "Person" p ON p.id = r."personId" JOIN "MediaAccreditation" m ON m."registrationId" = r.id WHERE p.email = 'oleg@radio.example'`,
    );
    expect(row.rows[0]).toMatchObject({ status: "pending_approval", source: "site", proofFileName: "пресс-карта.png" });
    const cookie = await login(w.app, DEMO_USERS[1].email, DEMO_USERS[1].password);
    const file = await fetch(`${w.app.url}/manage/media-proof/${row.rows[0].id}`, { headers: { cookie } });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    const anonymous = await fetch(`${w.app.url}/manage/media-proof/${row.rows[0].id}`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    // The manager's queue lists it with the link to the file.
    const queue = await fetch(`${w.app.url}/manage/events/${w.eventId}/media`, { headers: { cookie } });
    expect(await queue.text()).toContain(`/manage/media-proof/${row.rows[0].id}`);
  });

  test("public pages: translated errors next to the fields, the stand form, a trap that looks like success, and the per-IP limit with a clear message", async () => {
    const from = "127.0.0.3";
    const en = await postPage(
      w.app,
      `/e/${w.eventId}/register?lang=en`,
      { lang: "en", category: "visitor", lastName: "", firstName: "Tom", email: "tom@" },
      from,
    );
    expect(en.status).toBe(200);
    expect(en.text).toContain("Please check the marked fields.");
    expect(en.text).toContain('data-testid="error-lastName">Please fill in this field.');
    expect(en.text).toContain('data-testid="error-email">Enter an email address');
    const stand = {
      lang: "ru",
      companyName: "Дельта",
      lastName: "Иванова",
      firstName: "Ирина",
      email: "irina@delta.example",
      areaM2: "18,5",
      comment: "Остров",
      consent: "on",
    };
    const ok = await postPage(w.app, `/e/${w.eventId}/stand`, stand, from);
    expect(ok.text).toContain("Заявка на стенд принята");
    const row = await w.db.query(
      `SELECT "areaM2"::text AS area, source, "contactEmail" FROM "StandBooking" WHERE "companyName" = 'Дельта'`,
    );
    expect(row.rows).toEqual([{ area: "18.50", source: "site", contactEmail: "irina@delta.example" }]);
    const trap = await postPage(w.app, `/e/${w.eventId}/stand`, { ...stand, companyName: "Бот", hp: "http://spam.example" }, from);
    expect(trap.text).toContain("Заявка на стенд принята"); // the bot sees success...
    expect((await w.db.query(`SELECT count(*)::int AS n FROM "StandBooking" WHERE "companyName" = 'Бот'`)).rows[0].n).toBe(0); // ...and nothing is stored
    for (let i = 0; i < 2; i++) await postPage(w.app, `/e/${w.eventId}/stand`, { ...stand, companyName: `Дельта ${i}` }, from);
    const limited = await postPage(
      w.app,
      `/e/${w.eventId}/register`,
      { lang: "ru", category: "visitor", lastName: "Лимитов", firstName: "Лев", email: "lev@limit.example", consent: "on" },
      from,
    );
    expect(limited.status).toBe(200);
    expect(limited.text).toContain("Слишком много заявок с вашего адреса");
    expect((await w.db.query(`SELECT count(*)::int AS n FROM "Person" WHERE email = 'lev@limit.example'`)).rows[0].n).toBe(0);
  });

  test("framing: the public pages may be embedded anywhere, the rest may not; OpenAPI documents the endpoints", async () => {
    const pub = await fetch(`${w.app.url}/e/${w.eventId}/register`);
    expect(pub.status).toBe(200);
    expect(pub.headers.get("content-security-policy")).toBe("frame-ancestors *");
    expect(pub.headers.get("x-frame-options")).toBeNull();
    const loginPage = await fetch(`${w.app.url}/login`);
    expect(loginPage.headers.get("x-frame-options")).toBe("DENY");
    const doc = await call(w.app, "/api/v1/openapi.json");
    expect(doc.status).toBe(200);
    const paths = doc.body.paths;
    expect(Object.keys(paths["/api/v1/events/{eventId}/registrations"])).toEqual(["post"]);
    expect(Object.keys(paths["/api/v1/events/{eventId}/stand-bookings"]).sort()).toEqual(["get", "post"]);
    expect(Object.keys(paths["/api/v1/registrations/{id}"])).toEqual(["get"]);
    expect(Object.keys(paths["/api/v1/registrations/{id}/approve"])).toEqual(["post"]);
    expect(paths["/api/v1/registrations/{id}/reject"].post.requestBody.content["application/json"].schema.required).toEqual(["reason"]);
    expect(
      paths["/api/v1/events/{eventId}/registrations"].post.requestBody.content["application/json"].schema.properties.category.enum,
    ).toEqual(["visitor", "media"]);
  });
});
