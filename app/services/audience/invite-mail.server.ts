import { translate, type Locale } from "~/i18n";
import { prisma } from "~/utils/db.server";
import { eventPlace, formatEventDates, singleLine } from "../mail/format";
import { renderHtml, renderText, type Block } from "../mail/layout";
import { MailSendError, type Mailer } from "../mail/mailer.server";
import type { AudienceInviteJob } from "../outbox.server";
import { invitationLink } from "./invitation-link.server";

// The audience invitation mail (issue #14 item 5), sent by the send-mail job: the event, and a
// button to the public registration form with the invitation's token. Per recipient the
// invitation row says queued -> sent, or failed with the server's refusal.

export async function sendAudienceInvitation(job: AudienceInviteJob, mailer: Mailer): Promise<void> {
  const inv = await prisma().audienceInvitation.findUnique({ where: { id: job.invitationId }, include: { contact: true } });
  if (!inv || inv.status === "sent") return;
  const event = await prisma().event.findUnique({ where: { id: inv.eventId } });
  if (!event) return;
  const locale: Locale = job.locale === "en" ? "en" : "ru";
  const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, k, p);
  const name = [inv.contact.firstName, locale === "ru" ? inv.contact.middleName : null].filter(Boolean).join(" ");
  const blocks: Block[] = [
    { kind: "p", text: name ? t("aud.mailHello", { name }) : t("aud.mailHelloNoName") },
    { kind: "p", text: t("aud.mailBody", { event: event.name, dates: formatEventDates(locale, event), place: eventPlace(event) }) },
    { kind: "button", href: invitationLink(event.id, job.token, locale), label: t("aud.mailButton") },
    { kind: "note", text: t("aud.mailFooter") },
  ];
  const subject = singleLine(t("aud.mailSubject", { event: event.name }));
  const to = { name: [inv.contact.firstName, inv.contact.lastName].filter(Boolean).join(" "), address: inv.email };
  try {
    await mailer.send({ to, subject, html: renderHtml(locale, subject, blocks), text: renderText(blocks), attachments: [] });
    await prisma().audienceInvitation.update({ where: { id: inv.id }, data: { status: "sent", sentAt: new Date(), error: null } });
  } catch (err) {
    if (err instanceof MailSendError && err.kind === "permanent") {
      await prisma().audienceInvitation.update({ where: { id: inv.id }, data: { status: "failed", error: err.message.slice(0, 500) } });
      return;
    }
    throw err;
  }
}
