import path from "node:path";
import { appUrl, env } from "~/utils/env.server";
import { prisma } from "~/utils/db.server";
import { registerTask } from "~/utils/jobs.server";
import { logger } from "~/utils/logger.server";
import { singleton } from "~/utils/singleton.server";
import { ticketCode } from "../codes.server";
import { createMailer, MailSendError, type Mailer } from "./mailer.server";
import { renderInvitation, renderRejection, renderSetPassword } from "./templates.server";
import { sendAudienceInvitation } from "../audience/invite-mail.server";
import type { MailJob } from "../outbox.server";

// Every mail goes through the job queue: `send-mail` retries temporary failures with
// graphile-worker's backoff and records permanent ones where a manager sees them.

export const mailer = (): Mailer =>
  singleton("mailer", () => createMailer({ smtpUrl: env().SMTP_URL, from: env().MAIL_FROM, outboxDir: outboxDir() }));

export const outboxDir = () => path.resolve(env().DATA_DIR, "mail");

async function sendInvitation(registrationId: string, manageUrl?: string): Promise<void> {
  const reg = await prisma().registration.findUnique({ where: { id: registrationId }, include: { person: true, event: true } });
  if (!reg || reg.status !== "confirmed" || !reg.person.email) return;
  const locale = reg.person.locale === "en" ? "en" : "ru";
  const mail = await renderInvitation({
    locale,
    person: reg.person,
    event: reg.event,
    code: await ticketCode(reg),
    manageUrl,
    calendarUid: `${reg.id}@expodesk`,
  });
  try {
    await mailer().send({ to: { name: `${reg.person.firstName} ${reg.person.lastName}`, address: reg.person.email }, ...mail });
    await prisma().registration.update({ where: { id: reg.id }, data: { inviteSentAt: new Date(), inviteError: null } });
  } catch (err) {
    if (err instanceof MailSendError && err.kind === "permanent") {
      await prisma().registration.update({ where: { id: reg.id }, data: { inviteError: err.message.slice(0, 500) } });
      return;
    }
    throw err;
  }
}

/** The polite "we cannot confirm your application" mail; a refused address is recorded like an invitation's. */
async function sendRejection(registrationId: string): Promise<void> {
  const reg = await prisma().registration.findUnique({ where: { id: registrationId }, include: { person: true, event: true } });
  if (!reg || reg.status !== "rejected" || !reg.person.email) return;
  const mail = await renderRejection({ locale: reg.person.locale === "en" ? "en" : "ru", person: reg.person, event: reg.event, reason: reg.rejectionReason });
  try {
    await mailer().send({ to: { name: `${reg.person.firstName} ${reg.person.lastName}`, address: reg.person.email }, ...mail });
  } catch (err) {
    if (err instanceof MailSendError && err.kind === "permanent") {
      await prisma().registration.update({ where: { id: reg.id }, data: { inviteError: err.message.slice(0, 500) } });
      return;
    }
    throw err;
  }
}

async function sendSetPassword(userId: string, link: string): Promise<void> {
  const user = await prisma().user.findUnique({ where: { id: userId } });
  if (!user || !user.active) return;
  const mail = await renderSetPassword({ locale: user.locale === "en" ? "en" : "ru", name: user.name, link, expiresHours: 72 });
  try {
    await mailer().send({ to: { name: user.name, address: user.email }, ...mail });
  } catch (err) {
    if (err instanceof MailSendError && err.kind === "permanent") {
      logger().warn({ userId, err: err.message }, "set-password mail refused");
      return;
    }
    throw err;
  }
}

export function registerMailTasks(): void {
  registerTask("send-mail", async (payload) => {
    const job = payload as MailJob;
    if (job.kind === "invitation") await sendInvitation(job.registrationId, job.manageUrl);
    else if (job.kind === "rejection") await sendRejection(job.registrationId);
    else if (job.kind === "set-password") await sendSetPassword(job.userId, job.link);
    else if (job.kind === "audience-invite") await sendAudienceInvitation(job, mailer());
  });
}

export const setPasswordLink = (token: string) => `${appUrl()}/set-password/${token}`;
