// Shared setup of the manager-side printing tests (issue #7) over the real server on the seeded
// demo data: exhibitor ids, session cookies of a manager and three exhibitor users, page GET/POST,
// fake Zebras. The test file calls stop() after all.
import { afterAll, beforeAll } from "vitest";
import { startApp } from "../setup/app";
import { jsonCaller, sessionCookie } from "../setup/http";
import { postForm } from "../registration/helpers";
import { fakeZebra, register, type Ctx, type FakeZebra } from "../checkin/helpers";

export interface ManagerWorld {
  ctx: Ctx;
  ids: { stroymash: string; techno: string; detali: string };
  cookies: { manager: string; stroymash: string; techno: string; detali: string };
  /** A page or file as a browser asks for it (English), not following redirects. */
  get: (path: string, cookie?: string) => Promise<Response>;
  /** A page form posted in English; returns the HTML. */
  post: (path: string, cookie: string, fields: Record<string, string>) => Promise<{ status: number; text: string }>;
  /** A fake Zebra on loopback, closed by stop(). */
  zebra: () => Promise<FakeZebra>;
  stop: () => Promise<void>;
}

/** The world of a test file: filled in before all its tests, stopped after them. */
export function useManagerWorld(opts: { bulkStaff?: boolean } = {}): ManagerWorld {
  const w = {} as ManagerWorld;
  beforeAll(async () => {
    Object.assign(w, await managerWorld(opts));
  }, 120_000);
  afterAll(() => w.stop?.());
  return w;
}

/** Adds `n` confirmed staff of an exhibitor named Сотрудник001 Иван, ... (so their order can be checked). */
export async function addNumberedStaff(
  pool: () => { query: (sql: string, params: unknown[]) => Promise<unknown> },
  eventId: string,
  exhibitorId: string,
  emailPrefix: string,
  n = 200,
): Promise<void> {
  await pool().query(
    `WITH p AS (
       INSERT INTO "Person" ("lastName", "firstName", "email")
       SELECT 'Сотрудник' || lpad(i::text, 3, '0'), 'Иван', $3 || i || '@stroymash.example' FROM generate_series(1, $4::int) i RETURNING "id")
     INSERT INTO "Registration" ("eventId", "personId", "exhibitorId", "category", "status", "codeSecret")
     SELECT $1, p."id", $2, 'exhibitor_staff', 'confirmed', gen_random_uuid()::text FROM p`,
    [eventId, exhibitorId, emailPrefix, n],
  );
}

/** Starts the app; with `bulkStaff`, adds 200 numbered confirmed staff of СтройМаш and one cancelled. */
export async function managerWorld(opts: { bulkStaff?: boolean } = {}): Promise<ManagerWorld> {
  const app = await startApp({ seed: true });
  const zebras: FakeZebra[] = [];
  process.env.DATABASE_URL = app.databaseUrl;
  const { prisma, pool } = await import("../../app/utils/db.server");
  const { ticketCode } = await import("../../app/services/codes.server");
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  const db = { prisma, pool, ticketCode, createApiToken };
  const exs = await pool().query<{ id: string; name: string; eventId: string }>(
    `SELECT x."id", o."name", x."eventId" FROM "Exhibitor" x JOIN "Organization" o ON o."id" = x."organizationId"`,
  );
  const by = (re: RegExp) => exs.rows.find((r) => re.test(r.name))!;
  const ids = { stroymash: by(/СтройМаш/i).id, techno: by(/Техно/i).id, detali: by(/Детал/i).id };
  const eventId = by(/СтройМаш/i).eventId;
  // A user of another exhibitor (same password hash as the demo exhibitor's).
  await pool().query(
    `INSERT INTO "User" ("email", "name", "role", "passwordHash", "exhibitorId")
     SELECT 'techno.user@example.com', 'Техно', 'exhibitor', "passwordHash", $1 FROM "User" WHERE "email" = 'exhibitor@stroymash.example'`,
    [ids.techno],
  );
  const managerToken = (await createApiToken({ role: "manager", name: "test manager" })).token;
  const ctx: Ctx = { app, managerToken, eventId, call: jsonCaller(app.url), db };
  const cookies = {
    manager: await sessionCookie(app.url, "manager@expodesk.local", "demo-manager-2026"),
    stroymash: await sessionCookie(app.url, "exhibitor@stroymash.example", "demo-exhibitor-2026"),
    techno: await sessionCookie(app.url, "techno.user@example.com", "demo-exhibitor-2026"),
    detali: await sessionCookie(app.url, "sub@detali.example", "demo-subexhibitor-2026"),
  };
  if (opts.bulkStaff) {
    // 200 confirmed staff of СтройМаш, numbered so the order in the PDF can be checked.
    await addNumberedStaff(pool, eventId, ids.stroymash, "bulk");
    // Not in any PDF: cancelled.
    await register(ctx, {
      lastName: "Отменённый",
      firstName: "Пётр",
      exhibitorId: ids.stroymash,
      status: "cancelled",
      category: "exhibitor_staff",
    });
  }
  return {
    ctx,
    ids,
    cookies,
    get: (path, cookie) => fetch(app.url + path, { redirect: "manual", headers: cookie ? { cookie: `${cookie}; lang=en` } : {} }),
    post: (path, cookie, fields) => postForm(app, path, `${cookie}; lang=en`, fields),
    zebra: async () => {
      const z = await fakeZebra();
      zebras.push(z);
      return z;
    },
    stop: async () => {
      await Promise.all(zebras.map((z) => z.close()));
      await app.stop();
    },
  };
}

/** Reads a streamed body, timing the first chunk against the whole. */
export async function readStream(res: Response): Promise<{ pdf: Buffer; firstChunkMs: number; totalMs: number; chunks: number }> {
  const t0 = performance.now();
  const reader = res.body!.getReader();
  const parts: Uint8Array[] = [];
  let firstChunkMs = -1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (firstChunkMs < 0) firstChunkMs = performance.now() - t0;
    parts.push(value);
  }
  return { pdf: Buffer.concat(parts), firstChunkMs, totalMs: performance.now() - t0, chunks: parts.length };
}
