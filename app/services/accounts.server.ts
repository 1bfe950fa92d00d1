import { audit } from "~/utils/audit.server";
import { createPasswordToken, lucia } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { requireManager, type Actor } from "~/utils/permissions.server";
import { normalizeEmail } from "~/utils/validators";
import { loadExhibitor } from "./exhibitors/cabinet.server";
import type { Prisma } from "~/generated/prisma/client";
import { setPasswordLink } from "./mail/send-mail.server";
import { enqueueMail } from "./outbox.server";

// Cabinet logins: created by a manager; the person sets a password from a one-time emailed
// link (never a password in clear).

export async function createCabinetAccount(actor: Actor, exhibitorId: string, input: { email: string; name: string; locale?: "ru" | "en" }, ip?: string) {
  requireManager(actor);
  const ex = await loadExhibitor(actor, exhibitorId);
  const email = normalizeEmail(input.email);
  if (!email) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { email: "Invalid email" });
  if (!input.name.trim()) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { name: "Required" });
  if (await prisma().user.findUnique({ where: { email } })) throw new HttpError(409, "email_taken", "A user with this email exists already.", { email: "Taken" });
  // The login, its link, the mail job and the audit entry commit together.
  return prisma().$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email, name: input.name.trim(), role: "exhibitor", exhibitorId: ex.id, locale: input.locale ?? "ru" } });
    await sendPasswordLink(user.id, tx);
    await audit(actor, { action: "account.create", entityType: "User", entityId: user.id, eventId: ex.eventId, exhibitorId: ex.id, after: { email, name: user.name }, ip }, tx);
    return user;
  });
}

/** A new link; the user's earlier unused links stop working. */
export async function sendPasswordLink(userId: string, tx?: Prisma.TransactionClient): Promise<void> {
  if (!tx) return prisma().$transaction((t) => sendPasswordLink(userId, t));
  const token = await createPasswordToken(userId, tx);
  await enqueueMail({ kind: "set-password", userId, link: setPasswordLink(token) }, tx);
}

async function accountOf(actor: Actor, exhibitorId: string, userId: string) {
  requireManager(actor);
  await loadExhibitor(actor, exhibitorId);
  const user = await prisma().user.findFirst({ where: { id: userId, exhibitorId } });
  if (!user) throw notFound("Account");
  return user;
}

export async function resendPasswordLink(actor: Actor, exhibitorId: string, userId: string) {
  const user = await accountOf(actor, exhibitorId, userId);
  await sendPasswordLink(user.id);
  return user;
}

export async function deactivateAccount(actor: Actor, exhibitorId: string, userId: string, ip?: string) {
  const user = await accountOf(actor, exhibitorId, userId);
  await prisma().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { active: false } });
    const ex = await tx.exhibitor.findUnique({ where: { id: exhibitorId }, select: { eventId: true } });
    await audit(actor, { action: "account.deactivate", entityType: "User", entityId: user.id, eventId: ex?.eventId ?? null, exhibitorId, before: { active: user.active }, after: { active: false }, ip }, tx);
  });
  await lucia().invalidateUserSessions(user.id);
}

/** An exhibitor's cabinet logins, oldest first. */
export function cabinetLogins(exhibitorId: string) {
  return prisma().user.findMany({ where: { exhibitorId }, orderBy: { createdAt: "asc" } });
}
