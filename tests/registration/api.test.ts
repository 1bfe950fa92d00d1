import { describe, expect, test } from "vitest";
import { verifyTicketCode } from "../../app/services/ticket-codes.server";
import type { ReceivedMail } from "../emulators/smtp";
import { decodeQrPng } from "../messaging/qr";
import { queueIdle } from "../setup/queue";
import { call, createToken, registrationWorldPerFile, visitor, waitUntil } from "./helpers";

const EVENT_NAME = "Иннопром Тест";
const w = registrationWorldPerFile(EVENT_NAME);

const regPath = () => `/api/v1/events/${w.eventId}/registrations`;
const mailsTo = (address: string) => w.smtp.messages.filter((m) => m.envelope.to.includes(address));

async function publicKeys(): Promise<string[]> {
  const r = await w.db.query(`SELECT "publicKey" FROM "EventKey" WHERE "eventId" = $1`, [w.eventId]);
  return r.rows.map((x) => x.publicKey as string);
}

/** The QR attachment of an invitation, decoded from pixels and verified with the event's public keys. */
async function verifiedQr(mail: ReceivedMail): Promise<string> {
  const png = mail.attachments.find((a) => a.contentType === "image/png" && a.contentDisposition === "attachment");
  expect(png, "QR attachment").toBeTruthy();
  const code = decodeQrPng(png!.content);
  expect(code).toBeTruthy();
  const result = verifyTicketCode(code!, await publicKeys());
  expect(result.ok, JSON.stringify(result)).toBe(true);
  return result.ok ? result.registrationId : "";
}

describe("registration API", () => {
  test("a visitor registers: 201 confirmed, the invitation arrives with a QR that verifies and the self-service link, the manager reads it back", async () => {
    const r = await call(
      w.app,
      regPath(),
      "POST",
      w.manager,
      visitor(1, { person: { ...visitor(1).person, email: "  Guest1@Expo-Test.EXAMPLE " } }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toEqual({ id: expect.any(String), status: "confirmed" });
    const mail = await w.smtp.waitFor((m) => m.envelope.to.includes("guest1@expo-test.example"), 20_000);
    expect(mail.subject).toBe(`Приглашение на «${EVENT_NAME}»`);
    expect(await verifiedQr(mail)).toBe(r.body.id);
    expect(mail.text).toMatch(new RegExp(`/e/${w.eventId}/my/[A-Za-z0-9_-]{32}`));
    expect(mail.attachments.some((a) => a.contentType.startsWith("text/calendar"))).toBe(true);

    const reg = await call(w.app, `/api/v1/registrations/${r.body.id}`, "GET", w.manager);
    expect(reg.status).toBe(200);
    expect(reg.body).toMatchObject({
      id: r.body.id,
      eventId: w.eventId,
      category: "visitor",
      status: "confirmed",
      source: "api",
      person: { email: "guest1@expo-test.example", lastName: "Петров", phone: "+79161000001" },
      company: { name: "ООО Ромашка", city: "Москва" },
      media: null,
    });
    await waitUntil(
      "inviteSentAt",
      async () => (await call(w.app, `/api/v1/registrations/${r.body.id}`, "GET", w.manager)).body.inviteSentAt,
    );
  });

  test("the same email again: 200 with the existing id and duplicate: true; the invitation is re-sent once, then rate-limited", async () => {
    const first = await call(w.app, regPath(), "POST", w.manager, visitor(2));
    expect(first.status).toBe(201);
    await w.smtp.waitFor((m) => m.envelope.to.includes("guest2@expo-test.example"), 20_000);
    const again = await call(
      w.app,
      regPath(),
      "POST",
      w.manager,
      visitor(2, { person: { ...visitor(2).person, email: "GUEST2@expo-test.example", lastName: "Другой" } }),
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: first.body.id, status: "confirmed", duplicate: true, invitationResent: true });
    const third = await call(w.app, regPath(), "POST", w.manager, visitor(2));
    expect(third.status).toBe(200);
    expect(third.body).toEqual({ id: first.body.id, status: "confirmed", duplicate: true, invitationResent: false });
    await waitUntil("the re-sent invitation", async () => mailsTo("guest2@expo-test.example").length >= 2);
    await queueIdle(w.db); // every mail the three calls enqueued has been sent: no third one is coming
    expect(mailsTo("guest2@expo-test.example")).toHaveLength(2);
    const rows = await w.db.query(
      `SELECT r.id, p."lastName" FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE p.email = 'guest2@expo-test.example'`,
    );
    expect(rows.rows).toEqual([{ id: first.body.id, lastName: "Петров" }]); // a duplicate changes nothing
  });

  test("validation: 422 with the failing fields; bad JSON is 400; no token is 401, a kiosk token 403", async () => {
    const bad = await call(w.app, regPath(), "POST", w.manager, {
      category: "visitor",
      person: { lastName: "", firstName: "Анна", email: "anna@", phone: "12345" },
      company: { name: "Гамма", inn: "7707083894", website: "not a url" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("validation_failed");
    expect(Object.keys(bad.body.error.fields).sort()).toEqual([
      "company.inn",
      "company.website",
      "person.email",
      "person.lastName",
      "person.phone",
    ]);
    const media = await call(w.app, regPath(), "POST", w.manager, {
      category: "media",
      person: { lastName: "Смирнова", firstName: "Анна", email: "anna@press.example" },
    });
    expect(media.status).toBe(422);
    expect(Object.keys(media.body.error.fields)).toEqual(["media.outlet"]);
    const extra = await call(w.app, regPath(), "POST", w.manager, { ...visitor(3), admin: true });
    expect(extra.status).toBe(422);
    const res = await fetch(w.app.url + regPath(), {
      method: "POST",
      headers: { authorization: `Bearer ${w.manager}`, "content-type": "application/json" },
      body: "{nope",
    });
    expect(res.status).toBe(400);
    expect((await call(w.app, regPath(), "POST", undefined, visitor(3))).status).toBe(401);
    expect((await call(w.app, regPath(), "POST", await createToken(w.app, "kiosk"), visitor(3))).status).toBe(403);
    expect(
      (await call(w.app, `/api/v1/events/00000000-0000-4000-8000-000000000000/registrations`, "POST", w.manager, visitor(3))).status,
    ).toBe(404);
    const none = await w.db.query(
      `SELECT count(*)::int AS n FROM "Person" WHERE email IN ('anna@press.example', 'guest3@expo-test.example')`,
    );
    expect(none.rows[0].n).toBe(0);
  });

  test("honeypot: 202 discarded, nothing stored and nothing mailed", async () => {
    const r = await call(w.app, regPath(), "POST", w.site, {
      ...visitor("honey"),
      person: { ...visitor(4).person, email: "bot@spam.example" },
      honeypot: "http://spam.example",
      clientIp: "192.0.2.44",
    });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ id: null, status: "discarded" });
    await queueIdle(w.db); // a mail would have been enqueued with the write: none is left to come
    const n = await w.db.query(`SELECT count(*)::int AS n FROM "Person" WHERE email = 'bot@spam.example'`);
    expect(n.rows[0].n).toBe(0);
    expect(mailsTo("bot@spam.example")).toHaveLength(0);
  });

  test("per-IP limit for site tokens: the 6th submission in the window is 429 in the envelope; by the caller's address or the clientIp it relays; manager tokens are not limited", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(w.app, regPath(), "POST", w.site, visitor(`20${i}`), "127.0.0.2")).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    const limited = await call(w.app, regPath(), "POST", w.site, visitor(210), "127.0.0.2");
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("rate_limited");
    expect(limited.body.error.message).toMatch(/try again in \d+ min/);
    // Another person's address, relayed by the site's server, has its own counter.
    const relayed: number[] = [];
    for (let i = 0; i < 6; i++)
      relayed.push((await call(w.app, regPath(), "POST", w.site, { ...visitor(`22${i}`), clientIp: "198.51.100.7" }, "127.0.0.2")).status);
    expect(relayed).toEqual([201, 201, 201, 201, 201, 429]);
    const booking = {
      company: { name: "X" },
      contact: { lastName: "A", firstName: "B", email: "x@x.example" },
      areaM2: 9,
      clientIp: "198.51.100.7",
    };
    expect((await call(w.app, `/api/v1/events/${w.eventId}/stand-bookings`, "POST", w.site, booking)).status).toBe(429);
    expect((await call(w.app, regPath(), "POST", w.manager, visitor(230), "127.0.0.2")).status).toBe(201);
  });

  test("media: pending approval (no mail yet); approve -> confirmed + invitation with QR; approving again is 409; only managers decide", async () => {
    const body = {
      category: "media",
      person: { lastName: "Смирнова", firstName: "Ольга", email: "olga@press.example", phone: "8 (912) 555-01-02" },
      company: { name: "Уральский вестник" },
      media: { outlet: "Уральский вестник", role: "фотограф", proofUrl: "vestnik.example/olga" },
    };
    const r = await call(w.app, regPath(), "POST", w.site, { ...body, clientIp: "192.0.2.10" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toEqual({ id: expect.any(String), status: "pending_approval" });
    const got = await call(w.app, `/api/v1/registrations/${r.body.id}`, "GET", w.manager);
    expect(got.body).toMatchObject({
      category: "media",
      status: "pending_approval",
      media: { outlet: "Уральский вестник", role: "фотограф", proofUrl: "https://vestnik.example/olga", proofFile: false },
      person: { phone: "+79125550102" },
    });
    expect((await call(w.app, `/api/v1/registrations/${r.body.id}`, "GET", w.site)).status).toBe(403);
    expect((await call(w.app, `/api/v1/registrations/${r.body.id}/approve`, "POST", w.site)).status).toBe(403);
    expect((await call(w.app, `/api/v1/registrations/${r.body.id}/approve`, "POST")).status).toBe(401);
    await queueIdle(w.db); // whatever the application enqueued has run: still no mail
    expect(mailsTo("olga@press.example")).toHaveLength(0);

    const ok = await call(w.app, `/api/v1/registrations/${r.body.id}/approve`, "POST", w.manager);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ id: r.body.id, status: "confirmed" });
    const mail = await w.smtp.waitFor((m) => m.envelope.to.includes("olga@press.example"), 20_000);
    expect(mail.subject).toBe(`Приглашение на «${EVENT_NAME}»`);
    expect(await verifiedQr(mail)).toBe(r.body.id);
    const twice = await call(w.app, `/api/v1/registrations/${r.body.id}/approve`, "POST", w.manager);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("invalid_state");
  });

  test("media: reject with a reason -> rejected + a polite email with the reason (no QR)", async () => {
    const r = await call(w.app, regPath(), "POST", w.manager, {
      category: "media",
      locale: "en",
      person: { lastName: "Brown", firstName: "Kate", email: "kate@blog.example" },
      media: { outlet: "Kate's blog" },
    });
    expect(r.status).toBe(201);
    const noReason = await call(w.app, `/api/v1/registrations/${r.body.id}/reject`, "POST", w.manager, { reason: "  " });
    expect(noReason.status).toBe(422);
    expect(Object.keys(noReason.body.error.fields)).toEqual(["reason"]);
    const rejected = await call(w.app, `/api/v1/registrations/${r.body.id}/reject`, "POST", w.manager, {
      reason: "We accredit registered media outlets only.",
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: "rejected", rejectionReason: "We accredit registered media outlets only." });
    const mail = await w.smtp.waitFor((m) => m.envelope.to.includes("kate@blog.example"), 20_000);
    expect(mail.subject).toBe(`Your application for ${EVENT_NAME}`);
    expect(mail.text).toContain("Dear Kate,");
    expect(mail.text).toContain("Reason: We accredit registered media outlets only.");
    expect(mail.attachments.filter((a) => a.contentType === "image/png")).toHaveLength(0);
    expect((await call(w.app, `/api/v1/registrations/${r.body.id}/reject`, "POST", w.manager, { reason: "again" })).status).toBe(409);
    const audit = await w.db.query(`SELECT action FROM "AuditLog" WHERE "entityId" = $1 ORDER BY id`, [r.body.id]);
    expect(audit.rows.map((x) => x.action)).toEqual(["registration.create", "registration.reject"]);
  });
});
