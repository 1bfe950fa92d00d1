import { waitFor } from "../setup/wait";
import { request as httpRequest } from "node:http";
import pg from "pg";
import { startSmtpServer, type SmtpTestServer } from "../emulators/smtp";
import { startApp, type RunningApp } from "../setup/app";
import { postPageForm, sessionCookie } from "../setup/http";
import { perFile } from "../setup/per-file";

// Shared helpers of the registration tests: JSON calls (optionally from another loopback
// source address, for the per-IP limit), tokens, a database client, polling, page forms.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Reply = { status: number; body: any; headers: Record<string, string | string[] | undefined> };

export function call(app: RunningApp, path: string, method = "GET", token?: string, body?: unknown, from?: string): Promise<Reply> {
  const url = new URL(app.url + path);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress: from,
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { "content-length": String(payload.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** An API token made in-process against the server's database (scoped by `opts` where the role is). */
export async function createToken(
  app: RunningApp,
  role: "manager" | "site" | "kiosk" | "exhibitor",
  opts: { exhibitorId?: string; eventId?: string; kioskId?: string } = {},
): Promise<string> {
  process.env.DATABASE_URL = app.databaseUrl;
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  return (await createApiToken({ role, name: `test ${role}`, ...opts })).token;
}

/** Alice, the staff member of exhibitor A whose record the person-ownership tests guard. */
export const ALICE = {
  lastName: "Сотрудникова",
  firstName: "Алиса",
  middleName: "Петровна",
  position: "Менеджер стенда",
  email: "alice@alpha.example",
  phone: "+79161234567",
};

export async function dbClient(app: RunningApp): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  return client;
}

export const waitUntil = <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> =>
  waitFor(what, probe, { timeoutMs, everyMs });

/** Logs in through the real form and returns the session cookie. */
export const login = (app: RunningApp, email: string, password: string) => sessionCookie(app.url, email, password);

/** Posts a page form as a browser without JavaScript would (same origin, with the session cookie). */
export const postForm = (app: RunningApp, path: string, cookie: string, fields: Record<string, string>) =>
  postPageForm(app.url, path, cookie, fields);

export const visitor = (n: number | string, extra: Record<string, unknown> = {}) => ({
  category: "visitor",
  person: {
    lastName: "Петров",
    firstName: "Иван",
    middleName: "Сергеевич",
    email: `guest${n}@expo-test.example`,
    phone: `+7916${String(1000000 + Number(String(n).replace(/\D/g, "") || 0)).slice(0, 7)}`,
    position: "Инженер",
  },
  company: { name: "ООО Ромашка", city: "Москва" },
  ...extra,
});

/** Posts a public page form (urlencoded, same origin) from a chosen loopback address; returns the HTML. */
export function postPage(
  app: RunningApp,
  path: string,
  fields: Record<string, string>,
  from: string,
): Promise<{ status: number; text: string }> {
  const url = new URL(app.url + path);
  const payload = Buffer.from(new URLSearchParams(fields).toString());
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: "POST",
        localAddress: from,
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(payload.length), origin: app.url },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

export type RegistrationWorld = { app: RunningApp; smtp: SmtpTestServer; db: pg.Client; manager: string; site: string; eventId: string };

/**
 * The server with a loopback SMTP server, a tight per-IP limit (5 per 10 min), manager and site
 * tokens, and one event ten days ahead (Asia/Yekaterinburg) named `eventName`.
 */
export async function startRegistrationWorld(eventName: string): Promise<RegistrationWorld> {
  const smtp = await startSmtpServer();
  const app = await startApp({
    env: { SMTP_URL: smtp.url, RATE_LIMIT_PER_IP: "5", RATE_LIMIT_WINDOW_SECONDS: "600", INVITE_RESEND_MINUTES: "10" },
  });
  const db = await dbClient(app);
  const manager = await createToken(app, "manager");
  const site = await createToken(app, "site");
  const starts = new Date(Date.now() + 10 * 86_400_000);
  const ev = await call(app, "/api/v1/events", "POST", manager, {
    name: eventName,
    venue: "Екатеринбург-ЭКСПО",
    address: "Екатеринбург, Экспо-бульвар, 2",
    timezone: "Asia/Yekaterinburg",
    startsAt: starts.toISOString(),
    endsAt: new Date(starts.getTime() + 3 * 86_400_000).toISOString(),
  });
  if (ev.status !== 201) throw new Error(`event: ${ev.status} ${JSON.stringify(ev.body)}`);
  return { app, smtp, db, manager, site, eventId: ev.body.id };
}

export async function stopRegistrationWorld(w: RegistrationWorld | undefined): Promise<void> {
  await w?.db.end();
  await w?.app.stop();
  await w?.smtp.close();
}

/** The file's registration world: started before the first test, stopped after the last. */
export const registrationWorldPerFile = (eventName: string) => perFile(() => startRegistrationWorld(eventName), stopRegistrationWorld);
