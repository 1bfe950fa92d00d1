import type { z } from "zod";
import type { StandBookingCreate } from "~/api/schemas/stand-bookings";
import type { StandBooking } from "~/generated/prisma/client";
import { audit } from "~/utils/audit.server";
import { prisma } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { canSeeEvent, requireManager, type Actor } from "~/utils/permissions.server";
import { normalizePersonName, normalizePhones, normalizeWebsite } from "~/utils/validators";
import { createCabinetAccount } from "../accounts.server";
import { bookingContactOf } from "../crm/sync-mapping.server";
import { createExhibitor } from "../exhibitors/exhibitors.server";
import { NO_TAGS } from "./source";
import { enqueueCrmSync } from "../outbox.server";
import { openSubmission } from "./public-event.server";
import { UUID_RE, type Channel } from "./registrations.server";

// Stand booking requests: from the public page or the API into a manager list, and from there
// into an exhibitor in one step. The CRM job uses entity "standBooking" (a deal in the
// exhibition-services pipeline at stage "new"; once converted, the exhibitor carries the deal on).

export type StandBookingInput = z.infer<typeof StandBookingCreate>;

const blank = (s: string | null | undefined) => (s && s.trim() ? s.trim() : null);

export function serializeStandBooking(b: StandBooking) {
  return {
    id: b.id,
    eventId: b.eventId,
    status: b.status,
    company: { name: b.companyName, inn: b.inn, city: b.city, country: b.country, website: b.website },
    contact: bookingContactOf(b),
    areaM2: Number(b.areaM2),
    comment: b.comment,
    locale: b.locale,
    source: b.source,
    exhibitorId: b.exhibitorId,
    createdAt: b.createdAt.toISOString(),
  };
}

export async function createStandBooking(
  eventId: string,
  input: StandBookingInput,
  channel: Omit<Channel, "proof">,
): Promise<{ discarded: true } | { discarded: false; id: string; status: string }> {
  const closed = "Bookings for this event are closed.";
  const opened = await openSubmission(eventId, channel.actor, input.honeypot, { field: "contact.email", value: input.contact.email }, closed);
  if (!opened) return { discarded: true };
  const { event, email } = opened;
  const c = input.contact;
  const booking = await prisma().$transaction(async (tx) => {
    const b = await tx.standBooking.create({
      data: {
        eventId: event.id,
        companyName: input.company.name.trim(),
        inn: blank(input.company.inn),
        city: blank(input.company.city),
        country: blank(input.company.country),
        website: blank(input.company.website) ? normalizeWebsite(input.company.website!) : null,
        contactLastName: normalizePersonName(c.lastName) || c.lastName.trim(),
        contactFirstName: normalizePersonName(c.firstName) || c.firstName.trim(),
        contactMiddleName: blank(c.middleName) ? normalizePersonName(c.middleName!) || null : null,
        contactPosition: blank(c.position),
        contactEmail: email,
        contactPhone: blank(c.phone) ? (normalizePhones(c.phone!).phones[0] ?? null) : null,
        areaM2: input.areaM2,
        comment: blank(input.comment),
        locale: input.locale ?? "ru",
        source: channel.source,
        ...(channel.tags ?? NO_TAGS),
      },
    });
    await enqueueCrmSync("standBooking", b.id, tx);
    await audit(channel.actor, { action: "standBooking.create", entityType: "StandBooking", entityId: b.id, eventId: event.id, after: serializeStandBooking(b), ip: channel.ip }, tx);
    return b;
  });
  return { discarded: false, id: booking.id, status: booking.status };
}

export async function listStandBookings(actor: Actor | null, eventId: string) {
  requireManager(actor);
  if (!canSeeEvent(actor, eventId)) throw notFound("Event");
  const rows = await prisma().standBooking.findMany({ where: { eventId }, orderBy: { createdAt: "desc" }, take: 1000 });
  return rows.map(serializeStandBooking);
}

async function loadBooking(actor: Actor | null, id: string) {
  requireManager(actor);
  const b = UUID_RE.test(id) ? await prisma().standBooking.findUnique({ where: { id } }) : null;
  if (!b || !canSeeEvent(actor, b.eventId)) throw notFound("Stand booking");
  return b;
}

export type ConvertInput = { stand: string; staffQuota: number; areaM2?: number | null; createAccount?: boolean };

/**
 * Turns a booking into an exhibitor (company card from the booking, the contact's email and
 * phone on it) and, if asked, a cabinet login for the contact with a set-password mail.
 */
export async function convertStandBooking(actor: Actor | null, id: string, input: ConvertInput, ip?: string) {
  const booking = await loadBooking(actor, id);
  const fields: Record<string, string> = {};
  if (!input.stand.trim()) fields.stand = "Required";
  if (!Number.isInteger(input.staffQuota) || input.staffQuota < 0) fields.staffQuota = "expected number";
  if (input.areaM2 !== undefined && input.areaM2 !== null && !(input.areaM2 > 0)) fields.areaM2 = "expected number";
  if (Object.keys(fields).length) throw new HttpError(422, "validation_failed", "Some fields are invalid.", fields);
  // Claim the booking first so two managers cannot create two exhibitors from it.
  const claimed = await prisma().standBooking.updateMany({ where: { id: booking.id, status: "new" }, data: { status: "converting" } });
  if (claimed.count === 0) throw new HttpError(409, "invalid_state", `This booking is ${booking.status} already.`);
  let exhibitorId: string;
  try {
    const ex = await createExhibitor(
      actor!,
      booking.eventId,
      {
        company: {
          name: booking.companyName,
          inn: booking.inn,
          city: booking.city,
          country: booking.country,
          website: booking.website,
          emails: [booking.contactEmail],
          phones: booking.contactPhone ? [booking.contactPhone] : [],
        },
        stand: input.stand.trim(),
        areaM2: input.areaM2 ?? Number(booking.areaM2),
        staffQuota: input.staffQuota,
      },
      ip,
    );
    exhibitorId = ex.id;
  } catch (err) {
    await prisma().standBooking.update({ where: { id: booking.id }, data: { status: "new" } });
    throw err;
  }
  await prisma().$transaction(async (tx) => {
    await tx.standBooking.update({ where: { id: booking.id }, data: { status: "converted", exhibitorId } });
    await enqueueCrmSync("standBooking", booking.id, tx);
    await audit(
      actor,
      { action: "standBooking.convert", entityType: "StandBooking", entityId: booking.id, eventId: booking.eventId, exhibitorId, before: { status: "new" }, after: { status: "converted", exhibitorId }, ip },
      tx,
    );
  });
  let account: "created" | "exists" | null = null;
  if (input.createAccount) {
    const name = [booking.contactFirstName, booking.contactLastName].join(" ");
    try {
      await createCabinetAccount(
        actor!,
        exhibitorId,
        { email: booking.contactEmail, name, locale: booking.locale === "en" ? "en" : "ru" },
        ip,
      );
      account = "created";
    } catch (err) {
      if (!(err instanceof HttpError && err.code === "email_taken")) throw err;
      account = "exists";
    }
  }
  return { exhibitorId, account };
}

export async function declineStandBooking(actor: Actor | null, id: string, ip?: string) {
  const booking = await loadBooking(actor, id);
  await prisma().$transaction(async (tx) => {
    const done = await tx.standBooking.updateMany({ where: { id: booking.id, status: "new" }, data: { status: "declined" } });
    if (done.count === 0) throw new HttpError(409, "invalid_state", `This booking is ${booking.status} already.`);
    await enqueueCrmSync("standBooking", booking.id, tx);
    await audit(actor, { action: "standBooking.decline", entityType: "StandBooking", entityId: booking.id, eventId: booking.eventId, before: { status: booking.status }, after: { status: "declined" }, ip }, tx);
  });
}
