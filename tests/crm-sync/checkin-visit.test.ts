// A kiosk check-in moves the registration's deal to "visited" with a timeline comment: the
// check-in itself adds the crm-sync job (same statement), no one else has to.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { call, createToken } from "../registration/helpers";
import { diagnostics, drained, startFastWorld, waitFor, type World } from "./helpers";

let w: World;
beforeAll(async () => {
  w = await startFastWorld();
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
  // The stage moves in one request, the visit note follows in a later one: wait for both.
  const comment = await waitFor(
    "the deal in the visited stage, with its visit note",
    async () => w.emu.state.record("deal", dealId)!.STAGE_ID === "WON" && w.emu.state.comments.find((c) => c.ENTITY_ID === dealId),
    30_000,
  ).catch(async (e) => {
    throw new Error(`${e}\n${await diagnostics(w)}`);
  });
  expect(comment.COMMENT).toContain("Вход Б");
  const hhmm = new Intl.DateTimeFormat("ru-RU", { timeStyle: "short", timeZone: "Europe/Moscow" }).format(scannedAt);
  expect(comment.COMMENT).toContain(hhmm);
  expect(w.emu.state.count("deal")).toBe(1);
});
