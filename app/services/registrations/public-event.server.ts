import type { Event } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { idParam, isUuid } from "~/utils/ids";
import { canSeeEvent, type Actor } from "~/utils/permissions.server";
import { normalizeEmail } from "~/utils/validators";
import { eventPlace, formatEventDates } from "../mail/format";
import { pageLocale } from "./forms.server";

// The event behind a public page or form (registration, stand booking), and the checks every
// public submission makes before it writes anything.

export async function publicEvent(eventId: string, now = new Date()) {
  const event = isUuid(eventId) ? await prisma().event.findUnique({ where: { id: eventId } }) : null;
  if (!event) throw notFound("Event");
  return { event, open: event.endsAt > now };
}

/** A public page's loader start: its language, the event (a 404 page when there is none) and whether it is open. */
export async function publicPage(request: Request, params: Record<string, string | undefined>) {
  const locale = pageLocale(request);
  const found = await publicEvent(idParam(params, "eventId")).catch(() => null);
  if (!found) throw new Response("Not found", { status: 404 });
  const { event, open } = found;
  return { locale, open, event: { id: event.id, name: event.name, dates: formatEventDates(locale, event), place: eventPlace(event) } };
}

/**
 * A public submission's event and normalized email, or null for a filled trap (answered like a
 * person, so a bot learns nothing). An API actor must see the event; a past event refuses with
 * `closedMessage`; a bad address is a field error at `email.field`.
 */
export async function openSubmission(
  eventId: string,
  actor: Actor | null,
  honeypot: string | null | undefined,
  email: { field: string; value: string },
  closedMessage: string,
): Promise<{ event: Event; email: string } | null> {
  const { event, open } = await publicEvent(eventId);
  if (actor && !canSeeEvent(actor, event.id)) throw notFound("Event");
  if (honeypot && honeypot.trim()) return null;
  if (!open) throw new HttpError(409, "registration_closed", closedMessage);
  const normalized = normalizeEmail(email.value);
  if (!normalized) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { [email.field]: "Invalid email" });
  return { event, email: normalized };
}
