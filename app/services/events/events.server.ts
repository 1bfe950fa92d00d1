import type { z } from "zod";
import type { EventCreate, EventPatch } from "~/api/schemas/events";
import { prisma } from "~/utils/db.server";
import { audit } from "~/utils/audit.server";
import { forbidden, HttpError, notFound } from "~/utils/errors.server";
import { canSeeEvent, requireManager, type Actor } from "~/utils/permissions.server";

type EventRow = Awaited<ReturnType<ReturnType<typeof prisma>["event"]["findFirstOrThrow"]>>;

export function serializeEvent(e: EventRow) {
  return {
    id: e.id,
    name: e.name,
    venue: e.venue,
    address: e.address,
    timezone: e.timezone,
    startsAt: e.startsAt.toISOString(),
    endsAt: e.endsAt.toISOString(),
    editDeadline: e.editDeadline?.toISOString() ?? null,
    doorsOpen: e.doorsOpen,
    doorsClose: e.doorsClose,
    format: e.format,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export async function listEvents(actor: Actor) {
  requireManager(actor);
  const rows = await prisma().event.findMany({ orderBy: { startsAt: "asc" } });
  return rows.filter((e) => canSeeEvent(actor, e.id));
}

/** The columns the event form sets, as Prisma data: creating and copying an event share them. */
export function eventColumns(input: z.infer<typeof EventCreate>) {
  return {
    name: input.name,
    venue: input.venue,
    address: input.address ?? null,
    timezone: input.timezone,
    startsAt: new Date(input.startsAt),
    endsAt: new Date(input.endsAt),
    editDeadline: input.editDeadline ? new Date(input.editDeadline) : null,
    doorsOpen: input.doorsOpen ?? null,
    doorsClose: input.doorsClose ?? null,
  };
}

export async function createEvent(actor: Actor, input: z.infer<typeof EventCreate>) {
  requireManager(actor);
  // A token pinned to one event works on that event only: it cannot make others.
  if (actor.type === "token" && actor.eventId !== null) throw forbidden();
  return prisma().$transaction(async (tx) => {
    const event = await tx.event.create({
      data: { ...eventColumns(input), ...(input.format && { format: input.format }) },
    });
    await audit(actor, { action: "event.create", entityType: "Event", entityId: event.id, eventId: event.id, after: serializeEvent(event) }, tx);
    return event;
  });
}

export async function updateEvent(actor: Actor, id: string, input: z.infer<typeof EventPatch>) {
  requireManager(actor);
  const before = await prisma().event.findUnique({ where: { id } });
  if (!before || !canSeeEvent(actor, id)) throw notFound("Event");
  const startsAt = input.startsAt ? new Date(input.startsAt) : before.startsAt;
  const endsAt = input.endsAt ? new Date(input.endsAt) : before.endsAt;
  const doorsOpen = input.doorsOpen !== undefined ? input.doorsOpen : before.doorsOpen;
  const doorsClose = input.doorsClose !== undefined ? input.doorsClose : before.doorsClose;
  if (doorsOpen && doorsClose && doorsClose <= doorsOpen) {
    throw new HttpError(422, "validation_failed", "Some fields are invalid.", { doorsClose: "Doors must close after they open" });
  }
  if (endsAt < startsAt) {
    throw new HttpError(422, "validation_failed", "Some fields are invalid.", { endsAt: "Must not be before startsAt" });
  }
  return prisma().$transaction(async (tx) => {
    const event = await tx.event.update({
      where: { id },
      data: {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.venue !== undefined && { venue: input.venue }),
        ...(input.address !== undefined && { address: input.address }),
        ...(input.timezone !== undefined && { timezone: input.timezone }),
        startsAt,
        endsAt,
        ...(input.editDeadline !== undefined && { editDeadline: input.editDeadline ? new Date(input.editDeadline) : null }),
        doorsOpen,
        doorsClose,
        ...(input.format !== undefined && { format: input.format }),
      },
    });
    await audit(actor, { action: "event.update", entityType: "Event", entityId: id, eventId: id, before: serializeEvent(before), after: serializeEvent(event) }, tx);
    return event;
  });
}

/** The managers' event list with its counts (exhibitors, confirmed registrations, check-ins). */
export async function eventOverview() {
  const events = await prisma().event.findMany({
    orderBy: { startsAt: "asc" },
    include: { _count: { select: { exhibitors: true, registrations: { where: { status: "confirmed" } }, checkIns: true } } },
  });
  return events.map((e) => ({
    id: e.id,
    name: e.name,
    venue: e.venue,
    timezone: e.timezone,
    startsAt: e.startsAt.toISOString(),
    endsAt: e.endsAt.toISOString(),
    editDeadline: e.editDeadline?.toISOString() ?? null,
    exhibitors: e._count.exhibitors,
    registered: e._count.registrations,
    checkedIn: e._count.checkIns,
  }));
}

/** Every event, newest first, for pickers. */
export function eventChoices() {
  return prisma().event.findMany({ orderBy: { startsAt: "desc" }, select: { id: true, name: true, timezone: true } });
}
