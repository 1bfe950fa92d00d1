import { randomBytes, randomUUID } from "node:crypto";
import type { z } from "zod";
import type { WalkInInput } from "~/api/schemas/kiosk";
import { audit } from "~/utils/audit.server";
import { prisma } from "~/utils/db.server";
import { HttpError } from "~/utils/errors.server";
import type { Actor } from "~/utils/permissions.server";
import { normalizeEmail, normalizePersonName, normalizePhones } from "~/utils/validators";
import { activeByEmail, lockEventEmail } from "../exhibitors/cabinet.server";
import { enqueueCrmSync, enqueueMail } from "../outbox.server";
import { findOrCreateOrganization, manageToken, manageUrl, sha256 } from "../registrations/registrations.server";
import type { CheckInAnswer } from "./answers.server";
import { checkIn } from "./checkin.server";
import type { KioskContext } from "./context.server";

// A walk-in at the kiosk (issue #6): register the person like a public registration (company
// reuse, a live registration of the same e-mail in this event checked in as it is, CRM jobs and
// invitation in the same transaction), then check in and print at once. The device's clientId
// makes it idempotent: KioskWalkIn(clientId) is written in the same transaction, and the check-in
// uses the same clientId, so a replay answers the same.

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
    // Registered before (by email, in this event): that registration is checked in as it is,
    // not a second one made, and nothing of it is changed (docs/decisions/0007).
    if (email) await lockEventEmail(tx, kiosk.eventId, email);
    const existing = email ? await activeByEmail(tx, kiosk.eventId, email, ["cancelled", "rejected"]) : null;
    if (existing && (existing.status === "confirmed" || existing.status === "pending_approval")) {
      await tx.kioskWalkIn.create({ data: { clientId: input.clientId, kioskId: kiosk.id, registrationId: existing.id } });
      return { id: existing.id, created: false };
    }
    const company = blank(input.company);
    const organizationId = company ? await findOrCreateOrganization(tx, { name: company }) : null;
    // The walk-in's own contact row: what the guest gave at the kiosk, nothing else.
    const person = await tx.person.create({
      data: {
        lastName: normalizePersonName(input.lastName) || input.lastName.trim(),
        firstName: normalizePersonName(input.firstName) || input.firstName.trim(),
        position: blank(input.position),
        email,
        phone,
        locale: input.locale ?? "ru",
        organizationId,
      },
    });
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
    if (organizationId) await enqueueCrmSync("organization", organizationId, tx);
    await enqueueCrmSync("person", person.id, tx);
    await enqueueCrmSync("registration", id, tx);
    // With an email the guest gets the usual invitation (their QR and self-service link).
    if (email) await enqueueMail({ kind: "invitation", registrationId: id, manageUrl: manageUrl({ id, eventId: kiosk.eventId, codeSecret }) }, tx);
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
