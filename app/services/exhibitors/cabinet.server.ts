import { randomBytes } from "node:crypto";
import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { audit } from "~/utils/audit.server";
import { FieldRefusal, HttpError, notFound } from "~/utils/errors.server";
import { canSeeEvent, isManager, requireExhibitorRead, requireExhibitorWrite, requireManager, type Actor } from "~/utils/permissions.server";
import { normalizeEmail } from "~/utils/validators";
import { enqueueCrmSync, enqueueMail } from "../outbox.server";

// Exhibitor cabinets: the company card, staff (badge holders) with quotas, and the rules
// that close editing (deadline, manager lock). Every write path calls requireEditable.

type Tx = Prisma.TransactionClient;
export type EditState = { editable: boolean; reason: null | "cabinet_locked" | "edit_deadline_passed"; deadline: Date | null; lockReason: string | null };

const exhibitorInclude = { event: true, organization: true, parent: true } as const;
type ExhibitorFull = Prisma.ExhibitorGetPayload<{ include: typeof exhibitorInclude }>;

/** Deadline: the exhibitor's override first, else the event's. A locked parent locks its sub-exhibitors. */
export function editState(ex: ExhibitorFull, now = new Date()): EditState {
  const lockedBy = ex.lockedAt ? ex : ex.parent?.lockedAt ? ex.parent : null;
  const deadline = ex.deadlineOverride ?? ex.event.editDeadline ?? null;
  // A parent's lock reason is the manager's note to the parent (it may be about payment): a
  // sub-exhibitor learns only that the cabinet is locked.
  if (lockedBy) return { editable: false, reason: "cabinet_locked", deadline, lockReason: lockedBy === ex ? ex.lockReason : null };
  if (deadline && now >= deadline) return { editable: false, reason: "edit_deadline_passed", deadline, lockReason: null };
  return { editable: true, reason: null, deadline, lockReason: null };
}

/** Exhibitors are refused with 423 once editing is closed; managers may still correct data. */
export function requireEditable(actor: Actor, ex: ExhibitorFull, now = new Date()): void {
  if (isManager(actor)) return;
  const state = editState(ex, now);
  if (state.reason === "cabinet_locked") throw new HttpError(423, "cabinet_locked", `The cabinet is locked${state.lockReason ? `: ${state.lockReason}` : ""}.`);
  if (state.reason === "edit_deadline_passed") throw new HttpError(423, "edit_deadline_passed", `Editing closed at ${state.deadline!.toISOString()}.`);
}

export async function loadExhibitor(actor: Actor | null, id: string, mode: "read" | "write" = "read"): Promise<ExhibitorFull> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound("Exhibitor");
  const ex = await prisma().exhibitor.findUnique({ where: { id }, include: exhibitorInclude });
  if (mode === "write") requireExhibitorWrite(actor, ex);
  else requireExhibitorRead(actor, ex);
  return ex!;
}

// --- quotas -------------------------------------------------------------------------------

const ACTIVE = { status: { notIn: ["cancelled", "rejected"] as ("cancelled" | "rejected")[] } };

export async function quotaUse(exhibitorId: string, db: Tx = prisma()) {
  const ex = await db.exhibitor.findUniqueOrThrow({ where: { id: exhibitorId }, include: { children: { select: { id: true } } } });
  const own = await db.registration.count({ where: { exhibitorId, category: "exhibitor_staff", ...ACTIVE } });
  const children = ex.children.length
    ? await db.registration.count({ where: { exhibitorId: { in: ex.children.map((c) => c.id) }, category: "exhibitor_staff", ...ACTIVE } })
    : 0;
  return { quota: ex.staffQuota, own, withChildren: own + children };
}

/** A quota may not go below the staff already registered (sub-exhibitors' staff count in their parent's). Lock the row first. */
export async function assertQuotaFloor(tx: Tx, exhibitorId: string, quota: number) {
  const use = await quotaUse(exhibitorId, tx);
  if (quota < use.withChildren) {
    throw new FieldRefusal(422, "quota_below_usage", {
      staffQuota: { key: "exedit.quotaBelowUsage", params: { count: use.withChildren }, en: `Below the ${use.withChildren} staff already registered` },
    });
  }
}

/** Locks the exhibitor (and its parent) rows so parallel additions cannot overrun a quota. */
async function assertQuota(tx: Tx, ex: ExhibitorFull, adding: number) {
  const ids = [ex.id, ...(ex.parentExhibitorId ? [ex.parentExhibitorId] : [])];
  await tx.$queryRaw`SELECT id FROM "Exhibitor" WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  const mine = await quotaUse(ex.id, tx);
  // A sub-exhibitor's staff count against its own quota and inside its parent's.
  if (mine.withChildren + adding > mine.quota) throw quotaError(mine.quota);
  if (ex.parentExhibitorId) {
    const parent = await quotaUse(ex.parentExhibitorId, tx);
    if (parent.withChildren + adding > parent.quota) throw quotaError(parent.quota, true);
  }
}

const quotaError = (quota: number, parent = false) =>
  parent
    ? new HttpError(409, "quota_exceeded", `The parent exhibitor's badge quota (${quota}) is used up.`, undefined, "exedit.parentQuotaExceeded")
    : new HttpError(409, "quota_exceeded", `The badge quota (${quota}) is used up.`);

// --- staff --------------------------------------------------------------------------------

export type StaffInput = { lastName: string; firstName: string; middleName?: string | null; position?: string | null; email: string; phone?: string | null };

export function serializeStaff(r: Prisma.RegistrationGetPayload<{ include: { person: true } }>) {
  return {
    id: r.id,
    registrationId: r.id,
    personId: r.personId,
    lastName: r.person.lastName,
    firstName: r.person.firstName,
    middleName: r.person.middleName,
    position: r.person.position,
    email: r.person.email,
    phone: r.person.phone,
    status: r.status,
    inviteSentAt: r.inviteSentAt?.toISOString() ?? null,
    inviteError: r.inviteError,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function listStaff(actor: Actor, exhibitorId: string) {
  await loadExhibitor(actor, exhibitorId);
  return prisma().registration.findMany({
    where: { exhibitorId, category: "exhibitor_staff", status: { not: "cancelled" } },
    include: { person: true },
    orderBy: [{ person: { lastName: "asc" } }, { createdAt: "asc" }],
  });
}

export async function addStaff(actor: Actor, exhibitorId: string, input: StaffInput, opts: { ip?: string; now?: Date } = {}) {
  const ex = await loadExhibitor(actor, exhibitorId, "write");
  requireEditable(actor, ex, opts.now);
  const email = normalizeEmail(input.email);
  if (!email) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { email: "Invalid email" });
  const reg = await prisma().$transaction(async (tx) => {
    await assertQuota(tx, ex, 1);
    // The same address in this event is a duplicate (read only: someone else's registration is
    // never changed or taken over). Registrations of the address are serialised per event.
    await lockEventEmail(tx, ex.eventId, email);
    const existing = await activeByEmail(tx, ex.eventId, email, ["cancelled"]);
    if (existing) {
      throw new HttpError(409, "already_registered", existing.exhibitorId === ex.id ? "This person is already on the staff list." : "This person is already registered for the event.", { email: "Already registered" });
    }
    // A new contact row of this registration's own (docs/decisions/0007).
    const person = await tx.person.create({ data: personData(input, email, ex.organizationId) });
    const reg = await tx.registration.create({
      data: { eventId: ex.eventId, personId: person.id, exhibitorId: ex.id, category: "exhibitor_staff", status: "confirmed", codeSecret: randomBytes(16).toString("base64url"), source: "cabinet" },
      include: { person: true },
    });
    await enqueueCrmSync("person", person.id, tx);
    await enqueueCrmSync("registration", reg.id, tx);
    await enqueueMail({ kind: "invitation", registrationId: reg.id }, tx);
    await audit(actor, { action: "staff.add", entityType: "Registration", entityId: reg.id, eventId: ex.eventId, exhibitorId: ex.id, after: serializeStaff(reg), ip: opts.ip }, tx);
    return reg;
  });
  return reg;
}

/** Serialises registrations of one address in one event (the same key as public registration and walk-ins). */
export async function lockEventEmail(tx: Tx, eventId: string, email: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`registration:${eventId}:${email}`}))`;
}

/** The oldest registration of this event whose contact has this e-mail, other than the excluded statuses. */
export function activeByEmail(tx: Tx, eventId: string, email: string, excluded: ("cancelled" | "rejected")[], not?: string) {
  return tx.registration.findFirst({
    where: { eventId, person: { email }, status: { notIn: excluded }, ...(not && { id: { not } }) },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}

function personData(input: StaffInput, email: string, organizationId: string) {
  return {
    lastName: input.lastName.trim(),
    firstName: input.firstName.trim(),
    middleName: input.middleName?.trim() || null,
    position: input.position?.trim() || null,
    email,
    phone: input.phone || null,
    organizationId,
  };
}

async function loadStaff(actor: Actor, exhibitorId: string, staffId: string, now?: Date) {
  const ex = await loadExhibitor(actor, exhibitorId, "write");
  requireEditable(actor, ex, now);
  if (!/^[0-9a-f-]{36}$/i.test(staffId)) throw notFound("Staff member");
  const reg = await prisma().registration.findFirst({ where: { id: staffId, exhibitorId, category: "exhibitor_staff", status: { not: "cancelled" } }, include: { person: true } });
  if (!reg) throw notFound("Staff member");
  return { ex, reg };
}

export async function updateStaff(actor: Actor, exhibitorId: string, staffId: string, input: Partial<StaffInput>, opts: { ip?: string; now?: Date } = {}) {
  const { ex, reg } = await loadStaff(actor, exhibitorId, staffId, opts.now);
  const email = input.email !== undefined ? normalizeEmail(input.email) : reg.person.email;
  if (input.email !== undefined && !email) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { email: "Invalid email" });
  const updated = await prisma().$transaction(async (tx) => {
    if (email && email !== reg.person.email) {
      await lockEventEmail(tx, ex.eventId, email);
      if (await activeByEmail(tx, ex.eventId, email, ["cancelled"], reg.id))
        throw new HttpError(409, "already_registered", "Another registration of this event uses this email.", { email: "Already registered" });
    }
    // Only this registration's own contact row (Registration.personId is unique).
    await tx.person.update({
      where: { id: reg.personId },
      data: {
        ...(input.lastName !== undefined && { lastName: input.lastName.trim() }),
        ...(input.firstName !== undefined && { firstName: input.firstName.trim() }),
        ...(input.middleName !== undefined && { middleName: input.middleName?.trim() || null }),
        ...(input.position !== undefined && { position: input.position?.trim() || null }),
        ...(input.phone !== undefined && { phone: input.phone || null }),
        email,
      },
    });
    await enqueueCrmSync("person", reg.personId, tx);
    const updated = await tx.registration.update({ where: { id: reg.id }, data: { updatedAt: new Date() }, include: { person: true } });
    await audit(actor, { action: "staff.update", entityType: "Registration", entityId: reg.id, eventId: ex.eventId, exhibitorId: ex.id, before: serializeStaff(reg), after: serializeStaff(updated), ip: opts.ip }, tx);
    return updated;
  });
  return updated;
}

export async function removeStaff(actor: Actor, exhibitorId: string, staffId: string, opts: { ip?: string; now?: Date } = {}) {
  const { ex, reg } = await loadStaff(actor, exhibitorId, staffId, opts.now);
  await prisma().$transaction(async (tx) => {
    await tx.registration.update({ where: { id: reg.id }, data: { status: "cancelled" } });
    await enqueueCrmSync("registration", reg.id, tx);
    await audit(actor, { action: "staff.remove", entityType: "Registration", entityId: reg.id, eventId: ex.eventId, exhibitorId: ex.id, before: serializeStaff(reg), ip: opts.ip }, tx);
  });
}

// --- lock and deadline ----------------------------------------------------------------------

// Each change and its audit entry commit in one transaction: a failing audit write leaves nothing changed.

async function setLock(tx: Tx, actor: Actor, ex: ExhibitorFull, lock: boolean, reason: string, ip?: string) {
  const updated = await tx.exhibitor.update({
    where: { id: ex.id },
    data: lock ? { lockedAt: new Date(), lockReason: reason, lockedById: actor.type === "user" ? actor.id : null } : { lockedAt: null, lockReason: null, lockedById: null },
  });
  const entry = lock
    ? { action: "cabinet.lock", before: { locked: !!ex.lockedAt }, after: { locked: true, reason } }
    : { action: "cabinet.unlock", before: { locked: !!ex.lockedAt, reason: ex.lockReason }, after: { locked: false } };
  await audit(actor, { ...entry, entityType: "Exhibitor", entityId: ex.id, eventId: ex.eventId, exhibitorId: ex.id, ip }, tx);
  return updated;
}

export async function lockExhibitor(actor: Actor, exhibitorId: string, reason: string, ip?: string) {
  requireManager(actor);
  const ex = await loadExhibitor(actor, exhibitorId);
  return prisma().$transaction((tx) => setLock(tx, actor, ex, true, reason, ip));
}

export async function unlockExhibitor(actor: Actor, exhibitorId: string, ip?: string) {
  requireManager(actor);
  const ex = await loadExhibitor(actor, exhibitorId);
  return prisma().$transaction((tx) => setLock(tx, actor, ex, false, "", ip));
}

/** All of the event's cabinets in one transaction: every one changes with its audit entry, or none does. */
export async function lockAllOfEvent(actor: Actor, eventId: string, lock: boolean, reason: string | null, ip?: string) {
  requireManager(actor);
  if (!canSeeEvent(actor, eventId)) throw notFound("Event");
  const exhibitors = await prisma().exhibitor.findMany({ where: { eventId }, include: exhibitorInclude });
  await prisma().$transaction(
    async (tx) => {
      for (const ex of exhibitors) await setLock(tx, actor, ex, lock, reason ?? "", ip);
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  return exhibitors.length;
}

export async function setDeadlineOverride(actor: Actor, exhibitorId: string, deadline: Date | null, ip?: string) {
  requireManager(actor);
  const ex = await loadExhibitor(actor, exhibitorId);
  return prisma().$transaction(async (tx) => {
    const updated = await tx.exhibitor.update({ where: { id: ex.id }, data: { deadlineOverride: deadline } });
    await audit(actor, { action: "cabinet.deadline", entityType: "Exhibitor", entityId: ex.id, eventId: ex.eventId, exhibitorId: ex.id, before: { deadlineOverride: ex.deadlineOverride }, after: { deadlineOverride: deadline }, ip }, tx);
    return updated;
  });
}
