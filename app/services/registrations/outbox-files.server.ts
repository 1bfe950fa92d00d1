import { open, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { outboxDir } from "../mail/send-mail.server";

// The offline outbox: without SMTP_URL every mail is an .eml file in DATA_DIR/mail (see
// mail/mailer.server.ts). This reads them back for the manager's outbox page: headers for the
// list, and a small MIME walk (multipart, base64, quoted-printable, RFC 2047 words) to show one.
// mailparser is only a dev dependency, and these files are nodemailer's own, well-formed output.

export const EML_NAME = /^[A-Za-z0-9._-]+\.eml$/;

export type OutboxEntry = { file: string; subject: string; to: string; date: string | null; size: number };

export function outboxPath(file: string): string | null {
  if (!EML_NAME.test(file)) return null;
  const dir = outboxDir();
  const full = path.resolve(dir, file);
  return path.dirname(full) === dir ? full : null;
}

/** Newest first (file names start with an ISO time stamp). */
export async function listOutbox(limit = 200): Promise<{ total: number; entries: OutboxEntry[] }> {
  let names: string[];
  try {
    names = (await readdir(outboxDir())).filter((n) => EML_NAME.test(n));
  } catch {
    return { total: 0, entries: [] };
  }
  names.sort().reverse();
  const entries: OutboxEntry[] = [];
  for (const file of names.slice(0, limit)) {
    const full = path.join(outboxDir(), file);
    const head = await readHead(full, 16 * 1024);
    const headers = parseHeaders(head.split(/\r?\n\r?\n/)[0] ?? "");
    const size = (await stat(full).catch(() => ({ size: 0 }))).size;
    entries.push({ file, subject: headers.get("subject") ?? "", to: headers.get("to") ?? "", date: headers.get("date") ?? null, size });
  }
  return { total: names.length, entries };
}

async function readHead(file: string, bytes: number): Promise<string> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString("latin1");
  } finally {
    await fh.close();
  }
}

export type MailPart = { contentType: string; fileName: string | null; cid: string | null; inline: boolean; body: Buffer };
export type OutboxMail = { headers: Record<string, string>; text: string | null; html: string | null; attachments: MailPart[] };

export async function readOutboxMail(file: string): Promise<OutboxMail | null> {
  const full = outboxPath(file);
  if (!full) return null;
  const raw = await readFile(full).catch(() => null);
  if (!raw) return null;
  const parts: MailPart[] = [];
  const top = splitEntity(raw.toString("latin1"));
  walk(top, parts);
  const headers = Object.fromEntries(
    [...top.headers].filter(([k]) => ["from", "to", "subject", "date", "message-id", "reply-to", "cc"].includes(k)),
  );
  const textPart = parts.find((p) => p.contentType.startsWith("text/plain") && !p.fileName);
  const htmlPart = parts.find((p) => p.contentType.startsWith("text/html") && !p.fileName);
  let html = htmlPart ? decodeCharset(htmlPart.body, htmlPart.contentType) : null;
  // Inline images (the ticket QR) are referenced as cid:...: show them from data: URLs.
  for (const p of parts) {
    if (html && p.cid) html = html.split(`cid:${p.cid}`).join(`data:${p.contentType.split(";")[0]};base64,${p.body.toString("base64")}`);
  }
  return {
    headers,
    text: textPart ? decodeCharset(textPart.body, textPart.contentType) : null,
    html,
    attachments: parts.filter((p) => p !== textPart && p !== htmlPart),
  };
}

type Entity = { headers: Map<string, string>; body: string };

function splitEntity(text: string): Entity {
  const m = /\r?\n\r?\n/.exec(text);
  const rawHeaders = m ? text.slice(0, m.index) : text;
  const body = m ? text.slice(m.index + m[0].length) : "";
  return { headers: parseHeaders(rawHeaders), body };
}

/** Unfolded, lower-cased names; values with RFC 2047 encoded words decoded. */
function parseHeaders(block: string): Map<string, string> {
  const out = new Map<string, string>();
  const unfolded = block.replace(/\r?\n[ \t]+/g, " ");
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!out.has(name)) out.set(name, decodeWords(line.slice(i + 1).trim()));
  }
  return out;
}

export function decodeWords(value: string): string {
  // The file was read as latin1: raw UTF-8 header bytes become text first (encoded words are ASCII).
  const text = Buffer.from(value, "latin1").toString("utf8");
  // Adjacent encoded words are one run: their bytes are joined before decoding, since an encoder
  // may split a multi-byte character between two words.
  return text.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=(?:\s*=\?\1\?\2\?[^?]*\?=)*/g, (run: string, charset: string) => {
    const bytes = [...run.matchAll(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g)].map(([, enc, data]) =>
      enc.toUpperCase() === "B" ? Buffer.from(data, "base64") : qpBytes(data.replace(/_/g, " ")),
    );
    return decodeBytes(Buffer.concat(bytes), charset);
  });
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "=" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

function decodeBytes(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString("utf8");
  }
}

function decodeCharset(body: Buffer, contentType: string): string {
  return decodeBytes(body, param(contentType, "charset") ?? "utf-8");
}

function param(header: string, name: string): string | null {
  const m = new RegExp(`;\\s*${name}\\*?=\\s*(?:"([^"]*)"|([^;\\s]*))`, "i").exec(header);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function walk(entity: Entity, out: MailPart[], depth = 0): void {
  const contentType = entity.headers.get("content-type") ?? "text/plain; charset=utf-8";
  const boundary = param(contentType, "boundary");
  if (/^multipart\//i.test(contentType) && boundary && depth < 10) {
    const sections = entity.body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:--)?[ \\t]*\\r?\\n?`));
    for (const section of sections.slice(1)) if (section.trim()) walk(splitEntity(section), out, depth + 1);
    return;
  }
  const encoding = (entity.headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  const body =
    encoding === "base64"
      ? Buffer.from(entity.body.replace(/\s+/g, ""), "base64")
      : encoding === "quoted-printable"
        ? qpBytes(entity.body.replace(/=\r?\n/g, ""))
        : Buffer.from(entity.body, "latin1");
  const disposition = entity.headers.get("content-disposition") ?? "";
  const cid = entity.headers.get("content-id")?.replace(/^<|>$/g, "") ?? null;
  const fileName = param(disposition, "filename") ?? param(contentType, "name");
  out.push({ contentType, fileName: fileName ? decodeWords(fileName) : null, cid, inline: /^inline/i.test(disposition), body });
}
