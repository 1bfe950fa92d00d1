import { randomBytes, randomUUID } from "node:crypto";
import type { z } from "zod";
import type { WalkInInput } from "~/api/schemas";
import { audit } from "~/utils/audit.server";
import { prisma } from "~/utils/db.server";
import { HttpError } from "~/utils/errors.server";
import type { Actor } from "~/utils/permissions.server";
import { normalizeEmail, normalizePersonName, normalizePhones } from "~/utils/validators";
import { enqueueCrm } from "./cabinet.server";
import { checkIn, type CheckInAnswer, type KioskContext } from "./checkin.server";
import { enqueueMail } from "./mail.server";
import { findOrCreateOrganization, manageToken, manageUrl, sha256, txQueue } from "./registrations.server";

// A walk-in at the kiosk (issue #6): register the person like a public registration (same
// person/company reuse, CRM jobs and invitation in the same transaction), then check in and
// print at once. The device's clientId makes it idempotent: KioskWalkIn(clientId) is written in
// the same transaction, and the check-in uses the same clientId, so a replay answers the same.

export type WalkIn = z.infer<typeof WalkInInput>;

const blank = (s: string | null | undefined) => (s && s.trim() ? s.trim() : null);

export async function walkIn(kiosk: KioskContext, actor: Actor, input: WalkIn, ip?: string): Promise<CheckInAnswer> {
  if (kiosk.categories.length > 0 && !kiosk.categories.includes(input.category))
    throw new HttpError(422, "validation_failed", "Some fields are invalid.", { category: "Not admitted at this kiosk" });
  const email = blank(input.email) ? normalizeEmail(input.email!) : null;
  const phone = blank(input.phone) ? (normalizePhones(input.phone!).phones[0] ?? null) : null;

  const made = await prisma().$transaction(async (tx) => {
    // Replays of one walk-in wait here for the first to commit, then find its row.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`walkin:${input.clientId}`}))`;
    const prior = await tx.kioskWalkIn.findUnique({ where: { clientId: input.clientId }, include: { kiosk: true } });
    if (prior) {
      if (prior.kiosk.eventId !== kiosk.eventId) throw new HttpError(409, "client_id_reused", "This clientId belongs to another walk-in.");
      return { id: prior.registrationId, created: false };
    }
    if (email) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`registration:${kiosk.eventId}:${email}`}))`;
    let person = email ? await tx.person.findFirst({ where: { email }, orderBy: { createdAt: "asc" } }) : null;
    const existing = person
      ? await tx.registration.findUnique({ where: { eventId_personId: { eventId: kiosk.eventId, personId: person.id } } })
      : null;
    // Registered before (by email): that registration is checked in, not a second one made.
    if (existing && (existing.status === "confirmed" || existing.status === "pending_approval")) {
      await tx.kioskWalkIn.create({ data: { clientId: input.clientId, kioskId: kiosk.id, registrationId: existing.id } });
      return { id: existing.id, created: false };
    }
    const company = blank(input.company);
    const organizationId = company ? await findOrCreateOrganization(tx, { name: company }) : (person?.organizationId ?? null);
    const data = {
      lastName: normalizePersonName(input.lastName) || input.lastName.trim(),
      firstName: normalizePersonName(input.firstName) || input.firstName.trim(),
      position: blank(input.position),
      email,
      phone: phone ?? person?.phone ?? null,
      locale: input.locale ?? "ru",
      organizationId,
    };
    person = person ? await tx.person.update({ where: { id: person.id }, data }) : await tx.person.create({ data });
    if (existing) await tx.registration.delete({ where: { id: existing.id } });
    const id = randomUUID();
    const codeSecret = randomBytes(16).toString("base64url");
    await tx.registration.create({
      data: {
        id,
        eventId: kiosk.eventId,
        personId: person.id,
        category: input.category,
        status: "confirmed",
        codeSecret,
        source: "kiosk",
        manageTokenHash: sha256(manageToken({ id, codeSecret })),
      },
    });
    await tx.kioskWalkIn.create({ data: { clientId: input.clientId, kioskId: kiosk.id, registrationId: id } });
    if (organizationId) await enqueueCrm(tx, "organization", organizationId);
    await enqueueCrm(tx, "person", person.id);
    await enqueueCrm(tx, "registration", id);
    // With an email the guest gets the usual invitation (their QR and self-service link).
    if (email) await enqueueMail({ kind: "invitation", registrationId: id, manageUrl: manageUrl({ id, eventId: kiosk.eventId, codeSecret }) }, txQueue(tx));
    await audit(
      actor,
      { action: "registration.create", entityType: "Registration", entityId: id, eventId: kiosk.eventId, after: { category: input.category, status: "confirmed", source: "kiosk", kioskId: kiosk.id }, ip },
      tx,
    );
    return { id, created: true };
  });
  // A walk-in queued offline is checked in at the time it happened (earliest scan wins).
  return checkIn(kiosk, { registrationId: made.id, clientId: input.clientId, print: input.print, scannedAt: input.scannedAt }, { offline: !!input.scannedAt });
}
