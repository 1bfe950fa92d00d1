// The check-in CRM tests' common steps: a site registration the CRM already has a deal for, and
// a kiosk that scans its ticket over HTTP.
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { call, createToken } from "../registration/helpers";
import { drained, type World } from "./helpers";

/** A registration from the site, synced: its deal waits for the visit (stage NEW). */
export async function registeredWithDeal(w: World): Promise<{ eventId: string; regId: string; dealId: number }> {
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
  return { eventId, regId, dealId };
}

/** Checks the registration in at a new kiosk `name` (its token and code made the way the server does); returns the result. */
export async function kioskCheckIn(w: World, eventId: string, regId: string, name: string, scannedAt = new Date()): Promise<string> {
  process.env.DATABASE_URL = w.app.databaseUrl;
  const { prisma } = await import("../../app/utils/db.server");
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  const { ticketCode } = await import("../../app/services/codes.server");
  const kiosk = await prisma().kiosk.create({ data: { eventId, name } });
  const { token } = await createApiToken({ role: "kiosk", name: "kiosk", kioskId: kiosk.id, eventId });
  const code = await ticketCode((await prisma().registration.findUnique({ where: { id: regId } }))!);
  const res = await fetch(`${w.app.url}/api/v1/kiosk/checkins`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ code, clientId: randomUUID(), scannedAt: scannedAt.toISOString() }),
  });
  return (await res.json()).result;
}
