import type { Prisma } from "~/generated/prisma/client";
import { audit, auditMany } from "~/utils/audit.server";
import { prisma } from "~/utils/db.server";
import { FieldRefusal, HttpError, notFound } from "~/utils/errors.server";
import { canSeeEvent, requireManager, type Actor } from "~/utils/permissions.server";
import { isUuid } from "~/utils/ids";
import { assertQuotaFloor, loadExhibitor, quotaUse, serializeStaff } from "./cabinet.server";
import { serializeExhibitor } from "./exhibitors.server";
import { enqueueCrmSync, enqueueMail } from "../outbox.server";

// A manager changes an exhibitor after creating it (issue #13 item 1): stand, area, quota and
// parent, the quota of several exhibitors at once, and a staff member's invitation again. The
// card and staff go through the cabinet's own services (a manager passes their lock check).

type Tx = Prisma.TransactionClient;
export type Settings = { stand: string; areaM2: number | null; staffQuota: number; parentExhibitorId: string | null };

/** Row locks in id order: the same rows addStaff locks, so a quota is never checked against a moving count. */
async function lockRows(tx: Tx, ids: (string | null | undefined)[]) {
  const list = [...new Set(ids.filter((x): x is string => !!x))];
  await tx.$queryRaw`SELECT id FROM "Exhibitor" WHERE id = ANY(${list}::uuid[]) ORDER BY id FOR UPDATE`;
}

/** Same event, not itself, no sub-exhibitor of a sub-exhibitor (so no cycles), and room in the parent's quota. */
async function checkParent(tx: Tx, ex: { id: string; eventId: string; parentExhibitorId: string | null }, parentId: string) {
  const refuse = (key: "exedit.parentSelf" | "exedit.parentNotInEvent" | "exedit.parentIsSub" | "exedit.hasSubs", en: string) =>
    new FieldRefusal(422, "validation_failed", { parentExhibitorId: { key, en } });
  if (parentId === ex.id) throw refuse("exedit.parentSelf", "An exhibitor cannot be its own parent");
  const parent = isUuid(parentId) ? await tx.exhibitor.findUnique({ where: { id: parentId }, include: { organization: true } }) : null;
  if (!parent || parent.eventId !== ex.eventId) throw refuse("exedit.parentNotInEvent", "No such exhibitor in this event");
  if (parent.parentExhibitorId) throw refuse("exedit.parentIsSub", "A sub-exhibitor cannot have sub-exhibitors");
  if (await tx.exhibitor.count({ where: { parentExhibitorId: ex.id } })) throw refuse("exedit.hasSubs", "An exhibitor with sub-exhibitors cannot become one");
  if (ex.parentExhibitorId === parentId) return;
  const [mine, theirs] = await Promise.all([quotaUse(ex.id, tx), quotaUse(parentId, tx)]);
  if (theirs.withChildren + mine.own > theirs.quota) {
    throw new FieldRefusal(422, "parent_quota_exceeded", {
      parentExhibitorId: {
        key: "exedit.parentQuota",
        params: { name: parent.organization.name, used: theirs.withChildren, quota: theirs.quota, count: mine.own },
        en: `The parent's quota (${theirs.quota}, ${theirs.withChildren} used) has no room for ${mine.own} more`,
      },
    });
  }
}

/** Stand, area, quota and parent in one transaction with one audit entry; the CRM deal hears of a new stand or area. */
export async function updateSettings(actor: Actor, id: string, input: Settings, ip?: string) {
  requireManager(actor);
  const ex = await loadExhibitor(actor, id, "write");
  const before = await serializeExhibitor(ex);
  return prisma().$transaction(async (tx) => {
    await lockRows(tx, [ex.id, ex.parentExhibitorId, input.parentExhibitorId]);
    if (input.parentExhibitorId) await checkParent(tx, ex, input.parentExhibitorId);
    await assertQuotaFloor(tx, ex.id, input.staffQuota);
    await tx.exhibitor.update({
      where: { id },
      data: { stand: input.stand, areaM2: input.areaM2, staffQuota: input.staffQuota, parentExhibitorId: input.parentExhibitorId },
    });
    const full = await tx.exhibitor.findUniqueOrThrow({ where: { id }, include: { event: true, organization: true, parent: true } });
    const after = await serializeExhibitor(full, tx);
    if (before.stand !== after.stand || before.areaM2 !== after.areaM2) await enqueueCrmSync("exhibitor", id, tx);
    await audit(actor, { action: "exhibitor.update", entityType: "Exhibitor", entityId: id, eventId: ex.eventId, exhibitorId: id, before, after, ip }, tx);
    return after;
  });
}

/** One quota for several exhibitors of an event: all change, each with its audit entry, or none does. */
export async function bulkSetQuota(actor: Actor, eventId: string, ids: string[], quota: number, ip?: string) {
  requireManager(actor);
  if (!canSeeEvent(actor, eventId)) throw notFound("Event");
  const unique = [...new Set(ids)].filter(isUuid);
  if (!unique.length) throw new FieldRefusal(422, "validation_failed", { exhibitorIds: { key: "exedit.bulkNone", en: "Select at least one exhibitor" } });
  return prisma().$transaction(
    async (tx) => {
      const rows = await tx.exhibitor.findMany({ where: { id: { in: unique }, eventId }, include: { organization: true } });
      if (rows.length !== unique.length) throw notFound("Exhibitor");
      await lockRows(tx, rows.map((r) => r.id));
      const used = await usageOf(tx, unique);
      const below = rows.filter((r) => quota < used(r.id)).map((r) => `${r.organization.name} (${used(r.id)})`);
      if (below.length) {
        throw new FieldRefusal(422, "quota_below_usage", {
          staffQuota: { key: "exedit.bulkBelowUsage", params: { list: below.join(", ") }, en: `Below the staff already registered: ${below.join(", ")}` },
        });
      }
      await tx.exhibitor.updateMany({ where: { id: { in: unique } }, data: { staffQuota: quota } });
      await auditMany(actor, rows.map((r) => ({ action: "exhibitor.quota", entityType: "Exhibitor", entityId: r.id, eventId, exhibitorId: r.id, before: { staffQuota: r.staffQuota }, after: { staffQuota: quota }, ip })), tx);
      return rows.length;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/** Staff registered by each exhibitor with its sub-exhibitors' (quotaUse's count), in two queries for many exhibitors. */
async function usageOf(tx: Tx, ids: string[]) {
  const children = await tx.exhibitor.findMany({ where: { parentExhibitorId: { in: ids } }, select: { id: true, parentExhibitorId: true } });
  const counts = await tx.registration.groupBy({
    by: ["exhibitorId"],
    where: { exhibitorId: { in: [...ids, ...children.map((c) => c.id)] }, category: "exhibitor_staff", status: { notIn: ["cancelled", "rejected"] } },
    _count: { _all: true },
  });
  const own = (id: string) => counts.find((c) => c.exhibitorId === id)?._count._all ?? 0;
  return (id: string) => own(id) + children.filter((c) => c.parentExhibitorId === id).reduce((n, c) => n + own(c.id), 0);
}

/** The staff member's invitation (QR code) again, through the mail queue, audited. */
export async function resendInvitation(actor: Actor, exhibitorId: string, staffId: string, ip?: string) {
  requireManager(actor);
  const ex = await loadExhibitor(actor, exhibitorId, "write");
  const reg = isUuid(staffId)
    ? await prisma().registration.findFirst({ where: { id: staffId, exhibitorId, category: "exhibitor_staff", status: "confirmed" }, include: { person: true } })
    : null;
  if (!reg) throw notFound("Staff member");
  if (!reg.person.email) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { email: "Required" });
  await prisma().$transaction(async (tx) => {
    await enqueueMail({ kind: "invitation", registrationId: reg.id }, tx);
    await audit(actor, { action: "staff.resend", entityType: "Registration", entityId: reg.id, eventId: ex.eventId, exhibitorId: ex.id, after: serializeStaff(reg), ip }, tx);
  });
  return reg.person.email;
}
