import type { z } from "zod";
import type { CompanyCard, ExhibitorCreate, ExhibitorPatch } from "~/api/schemas/exhibitors";
import type { Prisma } from "~/generated/prisma/client";
import { audit } from "~/utils/audit.server";
import { prisma } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { canSeeEvent, isManager, requireManager, type Actor } from "~/utils/permissions.server";
import { assertQuotaFloor, editState, loadExhibitor, quotaUse, requireEditable } from "./cabinet.server";
import { enqueueCrmSync } from "../outbox.server";

type Card = z.infer<typeof CompanyCard>;
type Full = Awaited<ReturnType<typeof loadExhibitor>>;

export async function serializeExhibitor(ex: Full, db: Prisma.TransactionClient = prisma()) {
  const state = editState(ex);
  const use = await quotaUse(ex.id, db);
  const o = ex.organization;
  return {
    id: ex.id,
    eventId: ex.eventId,
    parentExhibitorId: ex.parentExhibitorId,
    stand: ex.stand,
    areaM2: ex.areaM2 === null ? null : Number(ex.areaM2),
    staffQuota: ex.staffQuota,
    staffUsed: use.withChildren,
    locked: !!ex.lockedAt,
    lockReason: ex.lockReason,
    deadline: state.deadline?.toISOString() ?? null,
    editable: state.editable,
    company: {
      id: o.id,
      name: o.name,
      legalName: o.legalName,
      inn: o.inn,
      country: o.country,
      city: o.city,
      address: o.address,
      website: o.website,
      phones: o.phones,
      emails: o.emails,
      descriptionRu: o.descriptionRu,
      descriptionEn: o.descriptionEn,
    },
  };
}

function cardData(card: Partial<Card>) {
  const data: Prisma.OrganizationUpdateInput = {};
  for (const key of ["name", "legalName", "inn", "country", "city", "address", "website", "descriptionRu", "descriptionEn", "phones", "emails"] as const) {
    if (card[key] !== undefined) (data as Record<string, unknown>)[key] = card[key];
  }
  return data;
}

export async function createExhibitor(actor: Actor, eventId: string, input: z.infer<typeof ExhibitorCreate>, ip?: string) {
  requireManager(actor);
  const event = /^[0-9a-f-]{36}$/i.test(eventId) ? await prisma().event.findUnique({ where: { id: eventId } }) : null;
  if (!event || !canSeeEvent(actor, eventId)) throw notFound("Event");
  if (input.parentExhibitorId) {
    const parent = await prisma().exhibitor.findUnique({ where: { id: input.parentExhibitorId } });
    if (!parent || parent.eventId !== eventId) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { parentExhibitorId: "No such exhibitor in this event" });
    if (parent.parentExhibitorId) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { parentExhibitorId: "A sub-exhibitor cannot have sub-exhibitors" });
  }
  const id = await prisma().$transaction(async (tx) => {
    // Reuse the company when the INN is known, so one company is one CRM record.
    const existing = input.company.inn ? await tx.organization.findFirst({ where: { inn: input.company.inn }, orderBy: { createdAt: "asc" } }) : null;
    const org = existing ?? (await tx.organization.create({ data: cardData(input.company) as Prisma.OrganizationCreateInput }));
    if (await tx.exhibitor.findUnique({ where: { eventId_organizationId: { eventId, organizationId: org.id } } })) {
      throw new HttpError(409, "already_exhibiting", "This company is already an exhibitor of the event.", { "company.inn": "Already an exhibitor" });
    }
    const ex = await tx.exhibitor.create({
      data: { eventId, organizationId: org.id, stand: input.stand, areaM2: input.areaM2 ?? null, staffQuota: input.staffQuota, parentExhibitorId: input.parentExhibitorId ?? null },
    });
    await enqueueCrmSync("organization", org.id, tx);
    await enqueueCrmSync("exhibitor", ex.id, tx);
    const full = await tx.exhibitor.findUniqueOrThrow({ where: { id: ex.id }, include: { event: true, organization: true, parent: true } });
    await audit(actor, { action: "exhibitor.create", entityType: "Exhibitor", entityId: ex.id, eventId, exhibitorId: ex.id, after: await serializeExhibitor(full, tx), ip }, tx);
    return ex.id;
  });
  return loadExhibitor(actor, id);
}

export async function updateExhibitor(actor: Actor, id: string, input: z.infer<typeof ExhibitorPatch>, opts: { ip?: string; now?: Date } = {}) {
  const ex = await loadExhibitor(actor, id, "write");
  requireEditable(actor, ex, opts.now);
  const managerOnly = (["stand", "areaM2", "staffQuota", "deadlineOverride"] as const).filter((k) => input[k] !== undefined);
  if (managerOnly.length && !isManager(actor)) {
    throw new HttpError(403, "forbidden", `Only the organiser can change ${managerOnly.join(", ")}.`);
  }
  const before = await serializeExhibitor(ex);
  return prisma().$transaction(async (tx) => {
    if (input.company && Object.keys(input.company).length) {
      await tx.organization.update({ where: { id: ex.organizationId }, data: cardData(input.company) });
      await enqueueCrmSync("organization", ex.organizationId, tx);
    }
    if (input.staffQuota !== undefined) {
      await tx.$queryRaw`SELECT id FROM "Exhibitor" WHERE id = ${id}::uuid FOR UPDATE`;
      await assertQuotaFloor(tx, id, input.staffQuota);
    }
    if (managerOnly.length) {
      await tx.exhibitor.update({
        where: { id },
        data: {
          ...(input.stand !== undefined && { stand: input.stand }),
          ...(input.areaM2 !== undefined && { areaM2: input.areaM2 }),
          ...(input.staffQuota !== undefined && { staffQuota: input.staffQuota }),
          ...(input.deadlineOverride !== undefined && { deadlineOverride: input.deadlineOverride ? new Date(input.deadlineOverride) : null }),
        },
      });
    } else await tx.exhibitor.update({ where: { id }, data: { updatedAt: new Date() } });
    const full = await tx.exhibitor.findUniqueOrThrow({ where: { id }, include: { event: true, organization: true, parent: true } });
    const after = await serializeExhibitor(full, tx);
    // The exhibitor's CRM deal carries the stand and the area.
    if (before.stand !== after.stand || before.areaM2 !== after.areaM2) await enqueueCrmSync("exhibitor", id, tx);
    await audit(actor, { action: "exhibitor.update", entityType: "Exhibitor", entityId: id, eventId: ex.eventId, exhibitorId: id, before, after, ip: opts.ip }, tx);
    return after;
  });
}

/** The exhibitor of an event whose company has this INN (for a page that names it). */
export async function exhibitorByInn(eventId: string, inn: string): Promise<{ id: string; name: string } | null> {
  if (!inn) return null;
  const ex = await prisma().exhibitor.findFirst({ where: { eventId, organization: { inn } }, include: { organization: true } });
  return ex ? { id: ex.id, name: ex.organization.name } : null;
}

/** A parent exhibitor's sub-exhibitors, by stand. */
export function subExhibitors(parentId: string) {
  return prisma().exhibitor.findMany({ where: { parentExhibitorId: parentId }, include: { organization: true }, orderBy: { stand: "asc" } });
}

/** The event's top-level exhibitors other than one: who it may be placed under. */
export function parentChoices(eventId: string, exceptId: string) {
  return prisma().exhibitor.findMany({ where: { eventId, parentExhibitorId: null, id: { not: exceptId } }, include: { organization: true }, orderBy: { stand: "asc" } });
}

/** The manager's exhibitor table of an event: quota use, lock and the last edit (audit or update). */
export async function eventExhibitorRows(eventId: string) {
  const exhibitors = await prisma().exhibitor.findMany({ where: { eventId }, include: { organization: true, parent: true, event: true }, orderBy: [{ stand: "asc" }] });
  return Promise.all(
    exhibitors.map(async (ex) => {
      const use = await quotaUse(ex.id);
      const lastAudit = await prisma().auditLog.findFirst({ where: { exhibitorId: ex.id }, orderBy: { at: "desc" }, select: { at: true } });
      return {
        id: ex.id,
        name: ex.organization.name,
        inn: ex.organization.inn,
        stand: ex.stand,
        parent: ex.parentExhibitorId ? (exhibitors.find((p) => p.id === ex.parentExhibitorId)?.organization.name ?? null) : null,
        quota: ex.staffQuota,
        used: use.withChildren,
        locked: editState(ex).reason === "cabinet_locked",
        lastEdit: (lastAudit?.at ?? ex.updatedAt).toISOString(),
      };
    }),
  );
}
