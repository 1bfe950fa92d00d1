import { createHash } from "node:crypto";
import QRCode from "qrcode";
import {
  addressName,
  eventPlace,
  formatEventDates,
  formatEventDay,
  fullName,
  hoursText,
  singleLine,
  type MailEvent,
  type MailLocale,
  type PersonName,
} from "./format";
import { buildIcs, ICS_CONTENT_TYPE } from "./ics";
import { renderHtml, renderText, type Block } from "./layout";
import type { MailAttachment, RenderedMail } from "./types";

// RU/EN mail templates. Each returns subject + html + text + attachments, ready for
// Mailer.send({ to, ...rendered }).

export type { MailAttachment, MailEvent, MailLocale, PersonName, RenderedMail };

export interface InvitationArgs {
  locale: MailLocale;
  person: PersonName;
  event: MailEvent;
  /** The signed ticket code (see ticket-codes.server.ts); it goes into the QR. */
  code: string;
  manageUrl?: string;
  /** Calendar UID; pass the registration id so a re-sent invitation updates the same entry. */
  calendarUid?: string;
}

export interface RejectionArgs {
  locale: MailLocale;
  person: PersonName;
  event: MailEvent;
  reason?: string | null;
}

export interface ReminderArgs {
  locale: MailLocale;
  person: PersonName;
  event: MailEvent;
  /** When given, the QR is shown inline again so nobody has to dig out the invitation. */
  code?: string;
  manageUrl?: string;
}

export interface SetPasswordArgs {
  locale: MailLocale;
  name: string;
  link: string;
  expiresHours: number;
  portalName?: string;
}

export const TICKET_QR_CID = "ticket-qr@expo-desk";

/** The ticket QR as PNG: level M, a 4-module quiet zone, about 9 px per module for v7. */
export function ticketQrPng(code: string): Promise<Buffer> {
  return QRCode.toBuffer(code, { type: "png", errorCorrectionLevel: "M", margin: 4, width: 480 });
}

const t = {
  ru: {
    hello: (name: string) => `Здравствуйте, ${name}!`,
    when: "Когда",
    where: "Где",
    attendee: "Участник",
    qrAlt: "QR-код билета",
    qrCaption: "Покажите этот QR-код на входе — по нему распечатают ваш бейдж",
    myTicket: "Мой билет и регистрация",
    invitationSubject: (e: string) => `Приглашение на «${e}»`,
    invitationIntro: (e: string) => `Вы зарегистрированы на «${e}». Будем рады вас видеть!`,
    invitationNote:
      "QR-код также приложен к письму картинкой, а мероприятие — файлом для календаря (.ics). Код личный: не пересылайте это письмо.",
    calendarDescription: "Покажите QR-код из письма-приглашения на входе.",
    rejectionSubject: (e: string) => `Ваша заявка на «${e}»`,
    rejectionIntro: (e: string) => `Благодарим за интерес к «${e}». К сожалению, мы не можем подтвердить вашу заявку.`,
    reason: "Причина",
    rejectionOutro: "Если вы считаете, что произошла ошибка, или хотите уточнить детали, просто ответьте на это письмо.",
    signature: (e: string) => `С уважением,\nорганизаторы «${e}»`,
    reminderSubject: (e: string, day: string) => `Напоминание: «${e}», ${day}`,
    reminderIntro: (e: string) => `Напоминаем, что скоро «${e}». Ждём вас!`,
    reminderNote: "Если планы изменились, отмените регистрацию по ссылке выше.",
    setPasswordSubject: (p: string) => `Задайте пароль для входа в ${p}`,
    setPasswordIntro: (p: string) => `Чтобы задать пароль для входа в ${p}, нажмите кнопку ниже.`,
    setPasswordButton: "Задать пароль",
    setPasswordNote: (h: string) => `Ссылка действует ${h}. Если вы не ждали этого письма, просто проигнорируйте его.`,
  },
  en: {
    hello: (name: string) => `Dear ${name},`,
    when: "When",
    where: "Where",
    attendee: "Attendee",
    qrAlt: "Ticket QR code",
    qrCaption: "Show this QR code at the entrance to get your badge printed",
    myTicket: "My ticket and registration",
    invitationSubject: (e: string) => `Your invitation to ${e}`,
    invitationIntro: (e: string) => `You are registered for ${e}. We look forward to seeing you!`,
    invitationNote:
      "The QR code is also attached as an image, and the event as a calendar file (.ics). The code is personal: please do not forward this email.",
    calendarDescription: "Show the QR code from your invitation email at the entrance.",
    rejectionSubject: (e: string) => `Your application for ${e}`,
    rejectionIntro: (e: string) => `Thank you for your interest in ${e}. Unfortunately, we are unable to confirm your application.`,
    reason: "Reason",
    rejectionOutro: "If you think this is a mistake or would like more details, simply reply to this email.",
    signature: (e: string) => `Kind regards,\nthe ${e} team`,
    reminderSubject: (e: string, day: string) => `Reminder: ${e}, ${day}`,
    reminderIntro: (e: string) => `A friendly reminder that ${e} is coming up soon. We look forward to seeing you!`,
    reminderNote: "If your plans have changed, please cancel your registration with the link above.",
    setPasswordSubject: (p: string) => `Set your password for ${p}`,
    setPasswordIntro: (p: string) => `To set your password for ${p}, use the button below.`,
    setPasswordButton: "Set password",
    setPasswordNote: (h: string) => `The link is valid for ${h}. If you did not expect this email, you can ignore it.`,
  },
} satisfies Record<MailLocale, unknown>;

function compose(locale: MailLocale, subject: string, blocks: Block[], attachments: MailAttachment[] = []): RenderedMail {
  const oneLine = singleLine(subject);
  return { subject: oneLine, html: renderHtml(locale, oneLine, blocks), text: renderText(blocks), attachments };
}

function eventFacts(locale: MailLocale, event: MailEvent, extra: Array<[string, string]> = []): Block {
  const s = t[locale];
  return { kind: "facts", rows: [[s.when, formatEventDates(locale, event)], [s.where, eventPlace(event)], ...extra] };
}

function qrBlock(locale: MailLocale, code: string): Block {
  return { kind: "qr", cid: TICKET_QR_CID, code, alt: t[locale].qrAlt, caption: t[locale].qrCaption };
}

function inlineQr(png: Buffer): MailAttachment {
  return { filename: "ticket-qr.png", content: png, contentType: "image/png", cid: TICKET_QR_CID, contentDisposition: "inline" };
}

export async function renderInvitation(args: InvitationArgs): Promise<RenderedMail> {
  const { locale, person, event, code, manageUrl } = args;
  const s = t[locale];
  const png = await ticketQrPng(code);
  const blocks: Block[] = [
    { kind: "p", text: s.hello(addressName(locale, person)) },
    { kind: "p", text: s.invitationIntro(event.name) },
    eventFacts(locale, event, [[s.attendee, fullName(locale, person)]]),
    qrBlock(locale, code),
    ...(manageUrl ? [{ kind: "button", href: manageUrl, label: s.myTicket } as const] : []),
    { kind: "note", text: s.invitationNote },
  ];
  const ics = buildIcs({
    uid: args.calendarUid ? `${args.calendarUid}@expo-desk` : `${createHash("sha256").update(code).digest("hex").slice(0, 32)}@expo-desk`,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    summary: event.name,
    location: eventPlace(event),
    description: manageUrl ? `${s.calendarDescription}\n${s.myTicket}: ${manageUrl}` : s.calendarDescription,
    url: manageUrl,
  });
  return compose(locale, s.invitationSubject(event.name), blocks, [
    inlineQr(png),
    { filename: "ticket-qr.png", content: png, contentType: "image/png", contentDisposition: "attachment" },
    { filename: "invitation.ics", content: ics, contentType: ICS_CONTENT_TYPE, contentDisposition: "attachment" },
  ]);
}

export async function renderRejection(args: RejectionArgs): Promise<RenderedMail> {
  const { locale, person, event } = args;
  const s = t[locale];
  const reason = args.reason?.trim();
  const blocks: Block[] = [
    { kind: "p", text: s.hello(addressName(locale, person)) },
    { kind: "p", text: s.rejectionIntro(event.name) },
    ...(reason ? [{ kind: "facts", rows: [[s.reason, reason]] } as Block] : []),
    { kind: "p", text: s.rejectionOutro },
    { kind: "p", text: s.signature(event.name) },
  ];
  return compose(locale, s.rejectionSubject(event.name), blocks);
}

export async function renderReminder(args: ReminderArgs): Promise<RenderedMail> {
  const { locale, person, event, code, manageUrl } = args;
  const s = t[locale];
  const blocks: Block[] = [
    { kind: "p", text: s.hello(addressName(locale, person)) },
    { kind: "p", text: s.reminderIntro(event.name) },
    eventFacts(locale, event),
    ...(code ? [qrBlock(locale, code)] : []),
    ...(manageUrl
      ? [{ kind: "button", href: manageUrl, label: s.myTicket } as const, { kind: "note", text: s.reminderNote } as const]
      : []),
  ];
  const attachments = code ? [inlineQr(await ticketQrPng(code))] : [];
  return compose(locale, s.reminderSubject(event.name, formatEventDay(locale, event)), blocks, attachments);
}

export async function renderSetPassword(args: SetPasswordArgs): Promise<RenderedMail> {
  const { locale, name, link, expiresHours } = args;
  const s = t[locale];
  const portal = args.portalName ?? "Expo Desk";
  const blocks: Block[] = [
    { kind: "p", text: s.hello(name.trim()) },
    { kind: "p", text: s.setPasswordIntro(portal) },
    { kind: "button", href: link, label: s.setPasswordButton },
    { kind: "note", text: s.setPasswordNote(hoursText(locale, expiresHours)) },
  ];
  return compose(locale, s.setPasswordSubject(portal), blocks);
}
