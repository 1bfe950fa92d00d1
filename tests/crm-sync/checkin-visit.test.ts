// A kiosk check-in moves the registration's deal to "visited" with a timeline comment: the
// check-in itself adds the crm-sync job (same statement), no one else has to.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { call, createToken } from "../registration/helpers";
import { diagnostics, drained, startWorld, waitFor, type World } from "./helpers";

let w: World;
beforeAll(async () => {
  w = await startWorld({ emulator: { drainPerSecond: 20, bucketLimit: 50 }, env: { BITRIX24_RATE_LIMIT: "20" } });
});
afterAll(() => w?.stop());

test("a registration from the site is a deal awaiting the visit; the kiosk check-in makes it visited, with time and kiosk", async () => {
  const ev = await w.db.query<{ id: string }>(
    `INSERT INTO "Event" (name, venue, timezone, "startsAt", "endsAt") VALUES ('МеталлЭкспо', 'ВДНХ', 'Europe/Moscow', now() - interval '1 hour', now() + interval '2 days') RETURNING id`,
  );
  const eventId = ev.rows[0].id;
  const site = await createToken(w.app, "site");
  const r = await call(w.app, `/api/v1/events/${eventId}/registrations`, "POST", site, {
    category: "visitor",
    person: { lastName: "Смирнова", firstName: "Анна", email: "anna.smirnova@example.com" },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const regId = r.body.id as string;
  await drained(w);
  const dealId = (await w.db.query(`SELECT "crmDealId" FROM "Registration" WHERE id = $1`, [regId])).rows[0].crmDealId as number;
  expect(w.emu.state.record("deal", dealId)!.STAGE_ID).toBe("NEW");

  // The kiosk, its token and the ticket code, made the way the server does.
  process.env.DATABASE_URL = w.app.databaseUrl;
  const { prisma } = await import("../../app/utils/db.server");
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  const { ticketCode } = await import("../../app/services/codes.server");
  const kiosk = await prisma().kiosk.create({ data: { eventId, name: "Вход Б" } });
  const { token } = await createApiToken({ role: "kiosk", name: "kiosk", kioskId: kiosk.id, eventId });
  const code = await ticketCode((await prisma().registration.findUnique({ where: { id: regId } }))!);

  const scannedAt = new Date();
  const res = await fetch(`${w.app.url}/api/v1/kiosk/checkins`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ code, clientId: randomUUID(), scannedAt: scannedAt.toISOString() }),
  });
  expect((await res.json()).result).toBe("checked_in");
  await waitFor("the deal in the visited stage", async () => w.emu.state.record("deal", dealId)!.STAGE_ID === "WON", 30_000).catch(async (e) => {
    throw new Error(`${e}\n${await diagnostics(w)}`);
  });
  const comment = w.emu.state.comments.find((c) => c.ENTITY_ID === dealId);
  expect(comment?.COMMENT).toContain("Вход Б");
  const hhmm = new Intl.DateTimeFormat("ru-RU", { timeStyle: "short", timeZone: "Europe/Moscow" }).format(scannedAt);
  expect(comment?.COMMENT).toContain(hhmm);
  expect(w.emu.state.count("deal")).toBe(1);
});
