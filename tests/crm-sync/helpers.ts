// Shared setup for the CRM sync tests: the Bitrix24 emulator, the real server (with its worker)
// and data written straight into its database, with the crm-sync jobs the services would add.
import { waitFor as waitForCondition } from "../setup/wait";
import pg from "pg";
import { runAdmin, startApp, type RunningApp } from "../setup/app";
import { startBitrix24Emulator, type Bitrix24Emulator, type Bitrix24EmulatorOptions } from "../emulators/bitrix24";
import { getPageText, postPageForm, sessionCookie } from "../setup/http";
import { perFile } from "../setup/per-file";

export type World = { emu: Bitrix24Emulator; app: RunningApp; db: pg.Pool; stop: () => Promise<void> };

export const APP_TOKEN = "test-application-token-0123456789";

export async function startWorld(
  opts: {
    emulator?: Bitrix24EmulatorOptions;
    env?: Record<string, string>;
    webhook?: boolean;
    databaseUrl?: string;
    emu?: Bitrix24Emulator;
  } = {},
): Promise<World> {
  const emu = opts.emu ?? (await startBitrix24Emulator({ seed: 7, applicationToken: APP_TOKEN, ...opts.emulator }));
  const app = await startApp({
    seed: false,
    databaseUrl: opts.databaseUrl,
    env: {
      ...(opts.webhook === false ? {} : { BITRIX24_WEBHOOK_URL: emu.baseUrl }),
      BITRIX24_APPLICATION_TOKEN: APP_TOKEN,
      ...opts.env,
    },
  });
  const db = new pg.Pool({ connectionString: app.databaseUrl, max: 4 });
  return {
    emu,
    app,
    db,
    stop: async () => {
      await app.stop();
      await db.end();
      await emu.close();
    },
  };
}

/** The usual world: the emulator drains 20 requests/s (bucket 50), the client is set to match. */
export const startFastWorld = (opts: { emulator?: Bitrix24EmulatorOptions; env?: Record<string, string> } = {}) =>
  startWorld({ emulator: { drainPerSecond: 20, bucketLimit: 50, ...opts.emulator }, env: { BITRIX24_RATE_LIMIT: "20", ...opts.env } });

/** The file's usual world: started before the first test, stopped after the last. */
export const fastWorldPerFile = (opts: Parameters<typeof startFastWorld>[0] = {}) =>
  perFile(
    () => startFastWorld(opts),
    (w) => w.stop(),
  );

/** An event ten days ahead (Europe/Moscow), written straight into the database; returns its id. */
export async function insertEvent(db: pg.Pool, name: string, venue = "Экспоцентр"): Promise<string> {
  const ev = await db.query<{ id: string }>(
    `INSERT INTO "Event" (name, venue, timezone, "startsAt", "endsAt") VALUES ($1, $2, 'Europe/Moscow', now() + interval '10 days', now() + interval '12 days') RETURNING id`,
    [name, venue],
  );
  return ev.rows[0].id;
}

export type Seeded = { eventId: string; kioskId: string; orgIds: string[]; personIds: string[]; regIds: string[]; checkedIn: Set<string> };

/**
 * `orgs` organizations with `perOrg` people each, every person registered for one event;
 * every `checkInEvery`-th registration checked in at a kiosk. Unique e-mails and phones.
 */
export async function seedEvent(db: pg.Pool, opts: { orgs: number; perOrg: number; checkInEvery?: number; tag?: string }): Promise<Seeded> {
  const tag = opts.tag ?? Math.random().toString(36).slice(2, 8);
  const eventId = await insertEvent(db, `Выставка ${tag}`);
  const kiosk = await db.query<{ id: string }>(`INSERT INTO "Kiosk" ("eventId", name) VALUES ($1, 'Вход А') RETURNING id`, [eventId]);
  const orgs = await db.query<{ id: string }>(
    `INSERT INTO "Organization" (name, city, website, phones, emails)
     SELECT 'ООО Компания ' || $1 || '-' || n, 'Москва', 'https://c' || n || '-' || $1 || '.example',
            ARRAY['+7495' || lpad(($3::int + n)::text, 7, '0')], ARRAY['office' || n || '@c' || $1 || '.example']
     FROM generate_series(1, $2::int) AS n ORDER BY n RETURNING id`,
    [tag, opts.orgs, phoneBase(tag)],
  );
  const orgIds = orgs.rows.map((r) => r.id);
  const people = await db.query<{ id: string }>(
    `INSERT INTO "Person" ("lastName", "firstName", "middleName", position, email, phone, "organizationId")
     SELECT 'Фамилия' || n, 'Имя' || n, 'Отчество', 'Инженер', 'p' || n || '.' || $1 || '@example.com', '+7916' || lpad(($5::int + n)::text, 7, '0'),
            ($2::uuid[])[1 + (n - 1) / $3::int]
     FROM generate_series(1, $4::int) AS n ORDER BY n RETURNING id`,
    [tag, orgIds, opts.perOrg, opts.orgs * opts.perOrg, phoneBase(tag)],
  );
  const personIds = people.rows.map((r) => r.id);
  const regs = await db.query<{ id: string }>(
    `INSERT INTO "Registration" ("eventId", "personId", category, status, "codeSecret", source)
     SELECT $1, p, 'visitor', 'confirmed', md5(p::text), 'test' FROM unnest($2::uuid[]) WITH ORDINALITY AS t(p, n) ORDER BY n RETURNING id`,
    [eventId, personIds],
  );
  const regIds = regs.rows.map((r) => r.id);
  const checkedIn = new Set<string>();
  if (opts.checkInEvery) {
    const ids = regIds.filter((_, i) => i % opts.checkInEvery! === 0);
    await db.query(
      `INSERT INTO "CheckIn" ("eventId", "registrationId", "kioskId", "clientId", "eventDay", "scannedAt")
       SELECT $1, r, $2, gen_random_uuid(), current_date, '2026-03-12T07:15:00Z' FROM unnest($3::uuid[]) AS r`,
      [eventId, kiosk.rows[0].id, ids],
    );
    ids.forEach((id) => checkedIn.add(id));
  }
  return { eventId, kioskId: kiosk.rows[0].id, orgIds, personIds, regIds, checkedIn };
}

/** Phone numbers differ between seeds (a shared phone would rightly link to the existing card). */
function phoneBase(tag: string): number {
  let h = 0;
  for (const ch of tag) h = (h * 31 + ch.charCodeAt(0)) % 997;
  return h * 10_000;
}

export type Ref = { entity: "organization" | "person" | "registration" | "exhibitor" | "standBooking"; id: string };

/** The jobs the services add: `crm-sync` with queue and key `crm:<entity>:<id>`. */
export async function enqueueSync(db: pg.Pool, refs: Ref[]): Promise<void> {
  for (let i = 0; i < refs.length; i += 1000) {
    const chunk = refs.slice(i, i + 1000);
    await db.query(
      `SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
         SELECT ROW('crm-sync', json_build_object('entity', e, 'id', id), 'crm:' || e || ':' || id, NULL, 25, 'crm:' || e || ':' || id, 0, NULL)::graphile_worker.job_spec
         FROM unnest($1::text[], $2::text[]) AS t(e, id)))`,
      [chunk.map((r) => r.entity), chunk.map((r) => r.id)],
    );
  }
}

export const refsOf = (entity: Ref["entity"], ids: string[]): Ref[] => ids.map((id) => ({ entity, id }));

/** Every organization, person and registration of a seed. */
export const seededRefs = (s: Seeded): Ref[] => [
  ...refsOf("organization", s.orgIds),
  ...refsOf("person", s.personIds),
  ...refsOf("registration", s.regIds),
];

export async function crmJobs(db: pg.Pool): Promise<number> {
  const r = await db.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier IN ('crm-sync', 'crm-inbound')`);
  return r.rows[0].n;
}

export async function states(db: pg.Pool, entity?: Ref["entity"]) {
  const r = await db.query<{
    entityType: string;
    localId: string;
    status: string;
    crmId: number | null;
    lastError: string | null;
    lastErrorCode: string | null;
    crmStageId: string | null;
  }>(
    `SELECT "entityType", "localId"::text, status::text, "crmId", "lastError", "lastErrorCode", "crmStageId" FROM "CrmSyncState" ${entity ? `WHERE "entityType" = $1` : ""}`,
    entity ? [entity] : [],
  );
  return r.rows;
}

export async function stateOf(db: pg.Pool, ref: Ref) {
  return (await states(db, ref.entity)).find((s) => s.localId === ref.id);
}

export const waitFor = <T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 250): Promise<T> =>
  waitForCondition(what, fn, { timeoutMs, everyMs });

/** Waits until no crm job is left; the error says what the queue and the server were doing. */
export const drained = (w: World, timeoutMs = 60_000) =>
  waitFor("the CRM queue to drain", async () => (await crmJobs(w.db)) === 0, timeoutMs, 200).catch(async (e: Error) =>
    Promise.reject(new Error(`${e.message}\n${await diagnostics(w)}`)),
  );

/** Adds the crm-sync jobs for `refs` as the services would and waits until they have run. */
export async function syncNow(w: World, refs: Ref[]): Promise<void> {
  await enqueueSync(w.db, refs);
  await drained(w);
}

/** Queue, lease and status details for a failure message. */
export async function diagnostics(w: World): Promise<string> {
  const jobs = await w.db.query(
    `SELECT key, attempts, locked_at IS NOT NULL AS locked, round(extract(epoch FROM run_at - now())) AS in_s, left(last_error, 200) AS err
     FROM graphile_worker.jobs ORDER BY locked DESC, attempts DESC LIMIT 12`,
  );
  const leases = await w.db.query(
    `SELECT "entityType", status, "leaseOwner", "lastError" FROM "CrmSyncState" WHERE "leaseUntil" > now() LIMIT 8`,
  );
  const byStatus = await w.db.query(`SELECT "entityType", status, count(*)::int AS n FROM "CrmSyncState" GROUP BY 1, 2 ORDER BY 1, 2`);
  return `${JSON.stringify({ jobs: jobs.rows, leases: leases.rows, byStatus: byStatus.rows })}\n--- server output (tail) ---\n${w.app.output().slice(-4000)}`;
}

/** Logs in through the real form and returns the session cookie. */
export const login = (w: World, email: string, password: string) => sessionCookie(w.app.url, email, password);

/** A manager made with the admin CLI, logged in: the session cookie. */
export async function managerSession(w: World, email: string, password: string): Promise<string> {
  const made = await runAdmin(
    ["create-user", "--email", email, "--role", "manager", "--password-stdin"],
    { DATABASE_URL: w.app.databaseUrl },
    password,
  );
  if (made.code !== 0) throw new Error(`create-user failed (${made.code}): ${made.stderr}`);
  return login(w, email, password);
}

/** A page form posted as a browser would (same origin, session cookie, English); returns the HTML. */
export const postForm = (w: World, path: string, cookie: string, fields: Record<string, string>) =>
  postPageForm(w.app.url, path, `${cookie}; lang=en`, fields);

export const getPage = (w: World, path: string, cookie: string) => getPageText(w.app.url, path, `${cookie}; lang=en`);
