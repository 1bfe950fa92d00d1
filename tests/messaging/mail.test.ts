import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { simpleParser, type Attachment } from "mailparser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freePort } from "../../app/server/embedded-postgres";
import { createMailer, MailSendError, type Mailer } from "~/services/mail/mailer.server";
import {
  renderInvitation,
  renderRejection,
  renderReminder,
  renderSetPassword,
  TICKET_QR_CID,
  type MailEvent,
} from "~/services/mail/templates.server";
import { generateEventKeyPair, signTicketCode, verifyTicketCode } from "~/services/ticket-codes.server";
import { startSmtpServer, type SmtpTestServer } from "../emulators/smtp";
import { parseIcs } from "./ics-reader";
import { decodeQrPng } from "./qr";

const FROM = "Expo Desk <noreply@expo-desk.test>";
const event: MailEvent = {
  name: "СтройЭкспо <2025> & Co",
  venue: "Крокус Экспо, павильон 3",
  address: "Красногорск, Международная ул., 16",
  startsAt: new Date("2025-03-12T07:00:00Z"), // 10:00 in Moscow
  endsAt: new Date("2025-03-14T15:00:00Z"),
  timezone: "Europe/Moscow",
};
const person = { firstName: "Иван", middleName: "Сергеевич", lastName: "Петров <script>alert(1)</script>" };
const key = generateEventKeyPair();

let smtp: SmtpTestServer;
let mailer: Mailer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  mailer = createMailer({ smtpUrl: smtp.url, from: FROM, outboxDir: "/nonexistent-not-used" });
});
afterAll(async () => {
  mailer?.close();
  await smtp?.close();
});

const uniqueAddress = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`;

function attachmentsOf(mail: { attachments: Attachment[] }) {
  const inline = mail.attachments.find((a) => a.cid === TICKET_QR_CID);
  const qrFile = mail.attachments.find((a) => a.contentType === "image/png" && a.cid !== TICKET_QR_CID);
  const ics = mail.attachments.find((a) => a.contentType === "text/calendar");
  return { inline, qrFile, ics };
}

describe("invitation over the loopback SMTP server", () => {
  test("arrives with a QR (inline and attached) that decodes to a code that verifies, and an .ics", async () => {
    const registrationId = randomUUID();
    const code = signTicketCode(registrationId, key);
    const rendered = await renderInvitation({
      locale: "ru",
      person,
      event,
      code,
      manageUrl: "https://expo.example.test/t/abc?x=1&y=2",
      calendarUid: registrationId,
    });
    const to = uniqueAddress("ivan");
    const result = await mailer.send({ to: { name: "Иван Петров", address: to }, ...rendered });
    expect(result.accepted).toEqual([to]);
    expect(result.rejected).toEqual([]);
    expect(result.emlPath).toBeUndefined();

    const mail = await smtp.waitFor((m) => m.envelope.to.includes(to));
    expect(mail.subject).toBe("Приглашение на «СтройЭкспо <2025> & Co»");
    expect(mail.headers.get("auto-submitted")).toBe("auto-generated");

    // The QR is an inline image referenced by cid from the HTML...
    const { inline, qrFile, ics } = attachmentsOf(mail);
    expect(inline?.contentType).toBe("image/png");
    expect(inline?.related).toBe(true);
    const withCidLinks = await simpleParser(mail.raw, { keepCidLinks: true });
    expect(withCidLinks.html).toContain(`<img src="cid:${TICKET_QR_CID}"`);
    const decoded = decodeQrPng(inline!.content);
    expect(decoded).toBe(code);
    expect(verifyTicketCode(decoded!, [key.publicKey])).toEqual({ ok: true, registrationId, keyId: key.keyId });
    // ...and also a normal attachment, with the same picture.
    expect(qrFile?.contentDisposition).toBe("attachment");
    expect(qrFile?.filename).toMatch(/\.png$/);
    expect(qrFile!.content.equals(inline!.content)).toBe(true);

    // The calendar file: method=PUBLISH, UTC times, the location.
    expect(ics?.filename).toMatch(/\.ics$/);
    expect(ics?.contentDisposition).toBe("attachment");
    const icsType = ics!.headers.get("content-type") as { value: string; params: Record<string, string> };
    expect(icsType.params.method).toBe("PUBLISH");
    const props = parseIcs(ics!.content.toString("utf8"));
    expect(props.get("METHOD")).toBe("PUBLISH");
    expect(props.get("DTSTART")).toBe("20250312T070000Z");
    expect(props.get("DTEND")).toBe("20250314T150000Z");
    expect(props.get("LOCATION")).toBe("Крокус Экспо, павильон 3, Красногорск, Международная ул., 16");
    expect(props.get("SUMMARY")).toBe(event.name);
    expect(props.get("UID")).toBe(`${registrationId}@expo-desk`);
    expect(props.get("URL")).toBe("https://expo.example.test/t/abc?x=1&y=2");

    // Names are escaped in HTML and dates shown in Moscow time, in Russian.
    expect(mail.html).toContain("Петров &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("СтройЭкспо &lt;2025&gt; &amp; Co");
    expect(mail.html).toContain('href="https://expo.example.test/t/abc?x=1&amp;y=2"');
    expect(mail.text).toContain("Здравствуйте, Иван Сергеевич!");
    // Intl puts no-break and thin spaces into dates; compare with plain spaces.
    expect(mail.text?.replace(/\s/g, " ")).toContain("12 марта 2025 г. в 10:00 – 14 марта 2025 г. в 18:00 (Москва, стандартное время)");
    expect(mail.text).toContain(code);
  });

  test("English invitation: English subject, text and dates", async () => {
    const code = signTicketCode(randomUUID(), key);
    const rendered = await renderInvitation({
      locale: "en",
      person: { firstName: "Anna", lastName: "Smith" },
      event: { ...event, name: "BuildExpo" },
      code,
    });
    const to = uniqueAddress("anna");
    await mailer.send({ to, ...rendered });
    const mail = await smtp.waitFor((m) => m.envelope.to.includes(to));
    expect(mail.subject).toBe("Your invitation to BuildExpo");
    expect(mail.text).toContain("Dear Anna,");
    expect(mail.text?.replace(/\s/g, " ")).toContain("When: March 12, 2025 at 10:00 AM – March 14, 2025 at 6:00 PM");
    expect(mail.text).toContain("Moscow Standard Time");
    expect(decodeQrPng(attachmentsOf(mail).inline!.content)).toBe(code);
  });

  test("a rejected recipient fails that message permanently; the next message still goes out", async () => {
    const bad = uniqueAddress("bounce");
    const lift = smtp.rejectRecipient(bad);
    const rendered = await renderRejection({ locale: "ru", person, event, reason: "Нет подтверждения аккредитации" });
    const error = await mailer.send({ to: bad, ...rendered }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailSendError);
    expect(error).toMatchObject({ kind: "permanent", reason: "recipient-rejected", responseCode: 550, rejected: [bad] });
    expect(smtp.messages.some((m) => m.envelope.to.includes(bad))).toBe(false);

    const good = uniqueAddress("good");
    await mailer.send({ to: good, ...rendered });
    const mail = await smtp.waitFor((m) => m.envelope.to.includes(good));
    expect(mail.subject).toBe("Ваша заявка на «СтройЭкспо <2025> & Co»");
    expect(mail.text).toContain("Причина: Нет подтверждения аккредитации");
    lift();
  });

  test("with two recipients, one refused, the message goes to the other and reports the refusal", async () => {
    const bad = uniqueAddress("bounce");
    const good = uniqueAddress("good");
    const lift = smtp.rejectRecipient(/^bounce-/);
    const result = await mailer.send({ to: [bad, good], subject: "x", text: "y" });
    expect(result).toMatchObject({ accepted: [good], rejected: [bad] });
    lift();
  });

  test("a 4xx refusal is temporary", async () => {
    const busy = uniqueAddress("busy");
    const lift = smtp.rejectRecipient(busy, 450);
    const error = await mailer.send({ to: busy, subject: "s", text: "t" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "temporary", reason: "deferred", responseCode: 450 });
    lift();
  });

  test("a refused connection is temporary", async () => {
    const port = await freePort();
    const offline = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM, outboxDir: "/unused" });
    const error = await offline.send({ to: uniqueAddress("x"), subject: "s", text: "t" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailSendError);
    expect(error).toMatchObject({ kind: "temporary", reason: "network" });
    offline.close();
  });
});

describe("offline outbox", () => {
  test("without SMTP_URL each message becomes a parseable .eml file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "outbox-"));
    try {
      const outbox = createMailer({ from: FROM, outboxDir: path.join(dir, "mail") });
      expect(outbox.mode).toBe("outbox");
      const code = signTicketCode(randomUUID(), key);
      const to = "visitor@example.test";
      const result = await outbox.send({ to, ...(await renderInvitation({ locale: "ru", person, event, code })) });
      expect(result.emlPath).toMatch(/\.eml$/);
      expect(result.accepted).toEqual([to]);
      expect(await readdir(path.join(dir, "mail"))).toEqual([path.basename(result.emlPath!)]); // no .tmp left over

      const raw = await readFile(result.emlPath!);
      expect(raw.toString("latin1")).toMatch(/\r\n/);
      const parsed = await simpleParser(raw);
      expect(parsed.subject).toBe("Приглашение на «СтройЭкспо <2025> & Co»");
      expect(parsed.messageId).toBe(result.messageId);
      expect(parsed.from?.text).toContain("noreply@expo-desk.test");
      const { inline, qrFile, ics } = attachmentsOf(parsed);
      expect(decodeQrPng(inline!.content)).toBe(code);
      expect(qrFile).toBeDefined();
      expect(parseIcs(ics!.content.toString("utf8")).get("DTSTART")).toBe("20250312T070000Z");
      outbox.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("other templates", () => {
  test("reminder: RU and EN subjects with the date, the QR inline when a code is given", async () => {
    const code = signTicketCode(randomUUID(), key);
    const ru = await renderReminder({ locale: "ru", person, event, code, manageUrl: "https://expo.example.test/t/1" });
    expect(ru.subject).toBe("Напоминание: «СтройЭкспо <2025> & Co», 12 марта");
    expect(ru.attachments).toHaveLength(1);
    expect(ru.attachments[0].cid).toBe(TICKET_QR_CID);
    expect(decodeQrPng(ru.attachments[0].content as Buffer)).toBe(code);
    expect(ru.text).toContain("https://expo.example.test/t/1");
    const en = await renderReminder({ locale: "en", person: { firstName: "Anna", lastName: "Smith" }, event: { ...event, name: "BuildExpo" } });
    expect(en.subject).toBe("Reminder: BuildExpo, March 12");
    expect(en.attachments).toEqual([]);
    expect(en.html).not.toContain("cid:");
  });

  test("rejection without a reason still reads politely; EN version", async () => {
    const en = await renderRejection({ locale: "en", person: { firstName: "Anna", lastName: "Smith" }, event: { ...event, name: "BuildExpo" } });
    expect(en.subject).toBe("Your application for BuildExpo");
    expect(en.text).toContain("Unfortunately, we are unable to confirm your application.");
    expect(en.text).not.toContain("Reason");
  });

  test("set password: link, plural hours, escaping, and no javascript: links", async () => {
    const ru = await renderSetPassword({ locale: "ru", name: "Анна <b>", link: "https://expo.example.test/p/tok", expiresHours: 24 });
    expect(ru.subject).toBe("Задайте пароль для входа в Expo Desk");
    expect(ru.text).toContain("Ссылка действует 24 часа.");
    expect(ru.text).toContain("https://expo.example.test/p/tok");
    expect(ru.html).toContain("Анна &lt;b&gt;");
    expect((await renderSetPassword({ locale: "ru", name: "A", link: "https://x.test/", expiresHours: 5 })).text).toContain("5 часов");
    expect((await renderSetPassword({ locale: "ru", name: "A", link: "https://x.test/", expiresHours: 1 })).text).toContain("1 час.");
    expect((await renderSetPassword({ locale: "en", name: "A", link: "https://x.test/", expiresHours: 48 })).text).toContain("48 hours");
    await expect(renderSetPassword({ locale: "en", name: "A", link: "javascript:alert(1)", expiresHours: 1 })).rejects.toThrow();
  });

  test("subjects stay on one line even if a name carries a newline", async () => {
    const r = await renderRejection({ locale: "ru", person, event: { ...event, name: "Expo\r\nBcc: evil@example.test" } });
    expect(r.subject).toBe("Ваша заявка на «Expo Bcc: evil@example.test»");
  });
});
