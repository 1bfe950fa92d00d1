import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";

// A loopback SMTP server for tests: accepts every message (any or no AUTH, no TLS), parses it
// with mailparser, and can refuse chosen recipients with a 5xx (or 4xx) reply.
//
//   const smtp = await startSmtpServer();
//   createMailer({ smtpUrl: smtp.url, ... });
//   const mail = await smtp.waitFor((m) => m.envelope.to.includes("a@b.c"));
//   await smtp.close();

export interface ReceivedMail extends ParsedMail {
  /** What the client said in MAIL FROM / RCPT TO (headers can differ, e.g. Bcc). */
  envelope: { from: string; to: string[] };
  /** The message exactly as received. */
  raw: Buffer;
}

export interface SmtpTestServer {
  port: number;
  /** smtp://127.0.0.1:PORT */
  url: string;
  /** Every accepted message, in arrival order. */
  messages: ReceivedMail[];
  /** Resolves with the first message (already received or future) that matches. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /**
   * Refuse RCPT TO for matching addresses (a string matches case-insensitively as a whole address).
   * 550 by default (permanent); pass 450 for "try later". Returns a function that lifts the rule.
   */
  rejectRecipient(pattern: string | RegExp, code?: number): () => void;
  close(): Promise<void>;
}

interface Rule {
  test(address: string): boolean;
  code: number;
}

export async function startSmtpServer(): Promise<SmtpTestServer> {
  const messages: ReceivedMail[] = [];
  const rules: Rule[] = [];
  const waiters = new Set<(mail: ReceivedMail) => void>();

  const server = new SMTPServer({
    name: "smtp-emulator.local",
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    size: 20 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? "anonymous" });
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const rule = rules.find((r) => r.test(address.address));
      if (!rule) return callback();
      const err = Object.assign(new Error(rule.code >= 500 ? "Mailbox unavailable" : "Mailbox busy, try again later"), {
        responseCode: rule.code,
      });
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", callback);
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const mailFrom = session.envelope.mailFrom;
            const mail: ReceivedMail = Object.assign(parsed, {
              envelope: { from: mailFrom ? mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address) },
              raw,
            });
            messages.push(mail);
            for (const notify of waiters) notify(mail);
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor(predicate, timeoutMs = 5000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const onMail = (mail: ReceivedMail) => {
          if (!predicate(mail)) return;
          clearTimeout(timer);
          waiters.delete(onMail);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          waiters.delete(onMail);
          reject(new Error(`no matching mail within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        waiters.add(onMail);
      });
    },
    rejectRecipient(pattern, code = 550) {
      const rule: Rule = {
        code,
        test: typeof pattern === "string" ? (a) => a.toLowerCase() === pattern.toLowerCase() : (a) => {
                pattern.lastIndex = 0; // a /g or /y pattern would otherwise remember the last match
                return pattern.test(a);
              },
      };
      rules.push(rule);
      return () => {
        const i = rules.indexOf(rule);
        if (i >= 0) rules.splice(i, 1);
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
