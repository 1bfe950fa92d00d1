// Shared set-up for the check-in and print-queue tests: the real server (startApp) on a fresh
// database, records created in-process with Prisma, a stand-in Zebra on loopback, HTTP helpers.
import { waitFor as waitForCondition } from "../setup/wait";
import { randomUUID } from "node:crypto";
import net from "node:net";
import { startApp, type RunningApp } from "../setup/app";
import { jsonCaller, type JsonCall } from "../setup/http";
import { perFile } from "../setup/per-file";

export type Category = "visitor" | "exhibitor_staff" | "media" | "speaker" | "organizer" | "vip";
export type Status = "pending_approval" | "confirmed" | "rejected" | "cancelled";

export interface Ctx {
  app: RunningApp;
  managerToken: string;
  eventId: string;
  call: JsonCall;
  db: Awaited<ReturnType<typeof loadDb>>;
}

async function loadDb() {
  const { prisma, pool } = await import("../../app/utils/db.server");
  const { ticketCode } = await import("../../app/services/codes.server");
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  return { prisma, pool, ticketCode, createApiToken };
}

export async function setup(opts: { timezone?: string; env?: Record<string, string> } = {}): Promise<Ctx> {
  const app = await startApp({ seed: false, env: opts.env });
  process.env.DATABASE_URL = app.databaseUrl;
  const db = await loadDb();
  const call = jsonCaller(app.url);
  const managerToken = (await db.createApiToken({ role: "manager", name: "test manager" })).token;
  const now = Date.now();
  const ctx = { app, managerToken, eventId: "", call, db };
  ctx.eventId = await createEvent(ctx, {
    name: "ИнноЭкспо 2026",
    venue: "Крокус Экспо",
    timezone: opts.timezone ?? "Europe/Moscow",
    startsAt: new Date(now - 86_400_000).toISOString(),
    endsAt: new Date(now + 2 * 86_400_000).toISOString(),
  });
  return ctx;
}

/** The file's Ctx: set up before the first test, the server stopped after the last. */
export const ctxPerFile = (opts: Parameters<typeof setup>[0] = {}) =>
  perFile(
    () => setup(opts),
    (ctx) => ctx.app.stop(),
  );

/** Ends this process's pool to the server's database, then stops the server. */
export async function stopCtx(ctx: Ctx | undefined): Promise<void> {
  await ctx?.db
    .pool()
    .end()
    .catch(() => {});
  await ctx?.app.stop();
}

/** Another event through the API (as a manager); returns its id. */
export async function createEvent(
  ctx: Pick<Ctx, "call" | "managerToken">,
  ev: { name: string; venue?: string; timezone: string; startsAt: string; endsAt: string },
): Promise<string> {
  const r = await ctx.call("/api/v1/events", "POST", ctx.managerToken, { venue: "Зал", ...ev });
  if (r.status !== 201) throw new Error(`event: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

let seq = 0;

/** A person with a registration; returns ids, the display name and the signed ticket code. */
export async function register(
  ctx: Ctx,
  p: {
    lastName?: string;
    firstName?: string;
    middleName?: string | null;
    category?: Category;
    status?: Status;
    exhibitorId?: string | null;
    eventId?: string;
    company?: string;
  },
) {
  const n = ++seq;
  const org = p.company ? await ctx.db.prisma().organization.create({ data: { name: p.company } }) : null;
  const person = await ctx.db.prisma().person.create({
    data: {
      lastName: p.lastName ?? `Иванов${n}`,
      firstName: p.firstName ?? "Пётр",
      middleName: p.middleName ?? null,
      email: `p${n}-${randomUUID().slice(0, 8)}@example.com`,
      organizationId: org?.id ?? null,
    },
  });
  const reg = await ctx.db.prisma().registration.create({
    data: {
      eventId: p.eventId ?? ctx.eventId,
      personId: person.id,
      category: p.category ?? "visitor",
      status: p.status ?? "confirmed",
      exhibitorId: p.exhibitorId ?? null,
      codeSecret: randomUUID(),
    },
  });
  const code = await ctx.db.ticketCode(reg);
  return { id: reg.id, personId: person.id, code, name: [person.lastName, person.firstName, person.middleName].filter(Boolean).join(" ") };
}

export async function createPrinter(ctx: Ctx, driver: "ipp" | "raw_tcp" | "browser", address: string, name = `${driver} printer`) {
  return ctx.db.prisma().printer.create({ data: { eventId: ctx.eventId, name, driver, address } });
}

export async function createKiosk(
  ctx: Ctx,
  opts: { name?: string; categories?: Category[]; printerId?: string | null; eventId?: string } = {},
) {
  const eventId = opts.eventId ?? ctx.eventId;
  const kiosk = await ctx.db.prisma().kiosk.create({
    data: { eventId, name: opts.name ?? "Киоск 1", categories: opts.categories ?? [], defaultPrinterId: opts.printerId ?? null },
  });
  const { token } = await ctx.db.createApiToken({ role: "kiosk", name: `kiosk ${kiosk.name}`, kioskId: kiosk.id, eventId });
  return { id: kiosk.id, name: kiosk.name, token };
}

/** Two plain kiosks of the event, as most check-in tests use them. */
export async function twoKiosks(ctx: Ctx) {
  return [await createKiosk(ctx, { name: "Киоск 1" }), await createKiosk(ctx, { name: "Киоск 2" })] as const;
}

/** The stored check-ins of a registration (one per event-local day). */
export const checkInsOf = async (ctx: Ctx, registrationId: string) =>
  (
    await ctx.db
      .pool()
      .query(`SELECT "clientId", "kioskId", "scannedAt", "eventDay"::text AS day FROM "CheckIn" WHERE "registrationId" = $1`, [
        registrationId,
      ])
  ).rows;

export const scan = (ctx: Ctx, token: string, body: Record<string, unknown>) =>
  ctx.call("/api/v1/kiosk/checkins", "POST", token, { clientId: randomUUID(), ...body });

export const waitFor = <T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> =>
  waitForCondition(what, fn, { timeoutMs });

// ---------------------------------------------------------------------------------------------
// A stand-in Zebra: stores each job (one connection, written then closed) and answers ~HS.

const STX = "\x02";
const ETX = "\x03";
export const ZEBRA_READY = `${STX}030,0,0,0812,000,0,0,0,000,0,0,0${ETX}\r\n${STX}000,0,0,0,0,2,6,0,00000000,1,000${ETX}\r\n${STX}1234,0${ETX}\r\n`;
/** ~HS of a Zebra out of labels (string 1 field 2) and paused (field 3). */
export const ZEBRA_PAPER_OUT_PAUSED = `${STX}030,1,1,0812,000,0,0,0,000,0,0,0${ETX}\r\n${STX}000,0,0,0,0,2,6,0,00000000,1,000${ETX}\r\n${STX}1234,0${ETX}\r\n`;

export interface FakeZebra {
  port: number;
  address: string;
  jobs: Array<{ data: Buffer; at: number }>;
  statusQueries: number;
  /** What it answers to ~HS (ZEBRA_READY unless a test changes it). */
  hostStatus: string;
  close(): Promise<void>;
}

export async function fakeZebra(port = 0): Promise<FakeZebra> {
  const sockets = new Set<net.Socket>();
  const z: FakeZebra = { port, address: "", jobs: [], statusQueries: 0, hostStatus: ZEBRA_READY, close: async () => {} };
  const server = net.createServer((sock) => {
    sockets.add(sock);
    const chunks: Buffer[] = [];
    sock.on("data", (c) => {
      chunks.push(c);
      if (Buffer.concat(chunks).toString("latin1") === "~HS") {
        z.statusQueries++;
        sock.write(z.hostStatus);
      }
    });
    sock.on("end", () => {
      const data = Buffer.concat(chunks);
      if (data.length && data.toString("latin1") !== "~HS") z.jobs.push({ data, at: performance.now() });
      sock.end();
    });
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  z.port = (server.address() as net.AddressInfo).port;
  z.address = `127.0.0.1:${z.port}`;
  z.close = () =>
    new Promise<void>((r) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => r());
    });
  return z;
}

/** A loopback port nothing listens on (yet). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** One character of a code changed to another valid base64url character. */
export function forge(code: string, at = Math.floor(code.length / 2)): string {
  const c = code[at];
  const other = c === "A" ? "B" : "A";
  return code.slice(0, at) + other + code.slice(at + 1);
}
