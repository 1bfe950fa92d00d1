import type { z } from "zod";
import type { EventCreate } from "~/api/schemas/events";
import { audit } from "~/utils/audit.server";
import { prisma } from "~/utils/db.server";
import { forbidden, notFound } from "~/utils/errors.server";
import { canSeeEvent, requireManager, type Actor } from "~/utils/permissions.server";
import { eventColumns, serializeEvent } from "./events.server";

// A new event as a copy of another (issue #14 item 4): its settings, badge templates, printers
// kiosks and budget lines (without figures), with the dates chosen in the form. Kiosks come without devices (no tokens, no
// pairing codes: each is paired again); exhibitors, registrations and keys are the new event's own.

export async function copyEvent(actor: Actor, sourceId: string, input: z.infer<typeof EventCreate>, ip?: string) {
  requireManager(actor);
  if (actor.type === "token" && actor.eventId !== null) throw forbidden();
  const source = await prisma().event.findUnique({
    where: { id: sourceId },
    include: { badgeTemplates: true, printers: true, kiosks: true, budgetLines: true, analytics: true },
  });
  if (!source || !canSeeEvent(actor, sourceId)) throw notFound("Event");
  const startsAt = new Date(input.startsAt);
  // The cabinets' deadline keeps its distance to the start, unless the form sets one.
  const editDeadline = input.editDeadline
    ? new Date(input.editDeadline)
    : source.editDeadline
      ? new Date(source.editDeadline.getTime() + (startsAt.getTime() - source.startsAt.getTime()))
      : null;
  return prisma().$transaction(async (tx) => {
    const event = await tx.event.create({
      data: {
        ...eventColumns(input),
        editDeadline,
        format: input.format ?? source.format,
        countsExits: source.countsExits,
        doorsOpen: source.doorsOpen,
        doorsClose: source.doorsClose,
      },
    });
    // Event-owned templates are copied; the shared built-in stocks (no event) are reused.
    const templateIds = new Map<string, string>();
    for (const t of source.badgeTemplates) {
      const copy = await tx.badgeTemplate.create({
        data: { eventId: event.id, name: t.name, category: t.category, stock: t.stock, definition: t.definition ?? {} },
      });
      templateIds.set(t.id, copy.id);
    }
    const printerIds = new Map<string, string>();
    for (const p of source.printers) {
      const templateId = p.templateId ? (templateIds.get(p.templateId) ?? p.templateId) : null;
      const copy = await tx.printer.create({ data: { eventId: event.id, name: p.name, driver: p.driver, address: p.address, templateId } });
      printerIds.set(p.id, copy.id);
    }
    for (const k of source.kiosks) {
      const defaultPrinterId = k.defaultPrinterId ? (printerIds.get(k.defaultPrinterId) ?? null) : null;
      await tx.kiosk.create({
        data: { eventId: event.id, name: k.name, location: k.location, categories: k.categories, mode: k.mode, defaultPrinterId },
      });
    }
    // Budget lines come as a checklist without figures; the attribution window stays.
    if (source.budgetLines.length)
      await tx.budgetLine.createMany({ data: source.budgetLines.map((b) => ({ eventId: event.id, kind: b.kind, channel: b.channel, note: b.note })) });
    if (source.analytics) await tx.eventAnalytics.create({ data: { eventId: event.id, attributionDays: source.analytics.attributionDays } });
    await audit(
      actor,
      {
        action: "event.copy",
        entityType: "Event",
        entityId: event.id,
        eventId: event.id,
        after: { ...serializeEvent(event), copiedFrom: source.name },
        ip,
      },
      tx,
    );
    return event;
  });
}
