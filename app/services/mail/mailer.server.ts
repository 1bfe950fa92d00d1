import { randomBytes } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import type { MailAttachment } from "./types";

// Sends mail over SMTP (SMTP_URL), or, without it, writes each message as an .eml file into an
// outbox folder so the demo works offline and a manager page can list what "was sent".
// Failures are classified so the job queue knows whether a retry can help.

export type MailAddress = string | { name: string; address: string };

export interface MailMessage {
  to: MailAddress | MailAddress[];
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  replyTo?: MailAddress;
  headers?: Record<string, string>;
}

export interface SendResult {
  messageId: string;
  accepted: string[];
  /** Recipients refused while others were accepted; when all are refused, send() throws. */
  rejected: string[];
  /** Outbox mode only: where the .eml file was written. */
  emlPath?: string;
}

export interface Mailer {
  readonly mode: "smtp" | "outbox";
  send(message: MailMessage): Promise<SendResult>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl?: string;
  /** "Expo Desk <noreply@example.org>" */
  from: string;
  outboxDir: string;
}

export type MailErrorReason = "recipient-rejected" | "message-rejected" | "auth" | "deferred" | "network" | "unknown";

/**
 * permanent: retrying the same message cannot succeed (the address or message was refused with a
 * 5xx, or the credentials are wrong); record it on the registration and stop.
 * temporary: the server was unreachable or said "try later" (4xx): retry with backoff.
 */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly kind: "permanent" | "temporary",
    readonly reason: MailErrorReason,
    readonly responseCode?: number,
    readonly rejected: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MailSendError";
  }
}

export function createMailer(options: MailerOptions): Mailer {
  return options.smtpUrl ? smtpMailer(options.smtpUrl, options.from) : outboxMailer(options.outboxDir, options.from);
}

function smtpMailer(smtpUrl: string, from: string): Mailer {
  // Short timeouts: a stuck server should fail the job (and be retried), not hold a worker for minutes.
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    mode: "smtp",
    async send(message) {
      try {
        const info = await transport.sendMail(toNodemailer(message, from));
        return { messageId: info.messageId, accepted: info.accepted.map(addressOf), rejected: info.rejected.map(addressOf) };
      } catch (err) {
        throw classifyMailError(err);
      }
    },
    close: () => transport.close(),
  };
}

function outboxMailer(outboxDir: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  return {
    mode: "outbox",
    async send(message) {
      const info = await transport.sendMail(toNodemailer(message, from));
      await mkdir(outboxDir, { recursive: true });
      // Sortable by time; written under a temporary name first so a reader never sees half a file.
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      const emlPath = path.resolve(outboxDir, `${stamp}-${randomBytes(4).toString("hex")}.eml`);
      await writeFile(`${emlPath}.tmp`, info.message);
      await rename(`${emlPath}.tmp`, emlPath);
      return { messageId: info.messageId, accepted: info.envelope.to ?? [], rejected: [], emlPath };
    },
    close: () => transport.close(),
  };
}

function toNodemailer(message: MailMessage, from: string): Mail.Options {
  return {
    from,
    to: message.to,
    replyTo: message.replyTo,
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: message.attachments,
    // Transactional mail: ask auto-responders (vacation replies) to stay quiet (RFC 3834).
    headers: { "Auto-Submitted": "auto-generated", ...message.headers },
  };
}

function addressOf(a: string | Mail.Address): string {
  return typeof a === "string" ? a : a.address;
}

const NETWORK_CODES = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENOTFOUND", "EPIPE"]);

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  command?: string;
  rejected?: Array<string | Mail.Address>;
  rejectedErrors?: Array<{ responseCode?: number }>;
}

/** Maps a nodemailer failure to permanent/temporary (exported for tests and other transports). */
export function classifyMailError(err: unknown): MailSendError {
  const e = (err instanceof Error ? err : new Error(String(err))) as NodemailerError;
  const rejected = (e.rejected ?? []).map(addressOf);
  const make = (kind: "permanent" | "temporary", reason: MailErrorReason, code = e.responseCode) =>
    new MailSendError(e.message, kind, reason, code, rejected, { cause: err });

  if (e.code === "EAUTH") return make(e.responseCode && e.responseCode < 500 ? "temporary" : "permanent", "auth");
  if (e.code === "EENVELOPE" && e.command === "RCPT TO") {
    // All recipients refused: permanent only if every refusal was a 5xx (a 4xx is "try later").
    const codes = (e.rejectedErrors ?? []).map((r) => r.responseCode ?? 0);
    if (codes.length === 0 && e.responseCode) codes.push(e.responseCode);
    const permanent = codes.length > 0 && codes.every((c) => c >= 500);
    return make(permanent ? "permanent" : "temporary", permanent ? "recipient-rejected" : "deferred");
  }
  if (e.responseCode && e.responseCode >= 500) return make("permanent", "message-rejected");
  if (e.responseCode && e.responseCode >= 400) return make("temporary", "deferred");
  if (e.code === "EENVELOPE") return make("permanent", /recipient/i.test(e.message) ? "recipient-rejected" : "message-rejected");
  if (e.code === "EMESSAGE") return make("permanent", "message-rejected");
  if (e.code && NETWORK_CODES.has(e.code)) return make("temporary", "network");
  // Unknown failures are retried: the queue's attempt limit still ends them.
  return make("temporary", "unknown");
}
