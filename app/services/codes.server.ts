import { prisma } from "~/utils/db.server";
import { generateEventKeyPair, signTicketCode, verifyTicketCode } from "./ticket-codes.server";

// The one place that turns a registration into its signed QR code (staff invitations,
// public registration, badges and kiosks all use it).

/** The event's active signing key, created on first use (once, even when asked concurrently). */
export async function activeEventKey(eventId: string) {
  const db = prisma();
  const existing = await db.eventKey.findFirst({ where: { eventId, retiredAt: null }, orderBy: { createdAt: "desc" } });
  if (existing) return existing;
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`event-key:${eventId}`}))`;
    const again = await tx.eventKey.findFirst({ where: { eventId, retiredAt: null }, orderBy: { createdAt: "desc" } });
    if (again) return again;
    const taken = (await tx.eventKey.findMany({ where: { eventId }, select: { keyId: true } })).map((k) => k.keyId);
    const pair = generateEventKeyPair({ avoidKeyIds: taken });
    return tx.eventKey.create({ data: { eventId, keyId: pair.keyId, publicKey: pair.publicKey, privateKey: pair.privateKey } });
  });
}

export async function rotateEventKey(eventId: string) {
  await prisma().eventKey.updateMany({ where: { eventId, retiredAt: null }, data: { retiredAt: new Date() } });
  return activeEventKey(eventId);
}

export async function eventPublicKeys(eventId: string): Promise<string[]> {
  const keys = await prisma().eventKey.findMany({ where: { eventId }, select: { publicKey: true } });
  return keys.map((k) => k.publicKey);
}

export async function ticketCode(registration: { id: string; eventId: string }): Promise<string> {
  return signTicketCode(registration.id, await activeEventKey(registration.eventId));
}

export async function verifyCodeForEvent(code: string, eventId: string) {
  return verifyTicketCode(code, await eventPublicKeys(eventId));
}
