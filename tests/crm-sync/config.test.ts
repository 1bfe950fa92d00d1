// Sync switched off (no webhook URL) and paused (credentials refused): jobs are kept, nothing
// is lost, and they flow once the configuration is fixed and the server restarted.
import { afterAll, describe, expect, test } from "vitest";
import { startBitrix24Emulator, type Bitrix24Emulator } from "../emulators/bitrix24";
import {
  APP_TOKEN,
  crmJobs,
  diagnostics,
  drained,
  enqueueSync,
  refsOf,
  seededRefs,
  seedEvent,
  startWorld,
  states,
  waitFor,
  type World,
} from "./helpers";

const open: World[] = [];
let emu: Bitrix24Emulator;
afterAll(async () => {
  for (const w of open) await w.app.stop();
  for (const w of open) await w.db.end().catch(() => {});
  await emu?.close();
});

async function world(opts: Parameters<typeof startWorld>[0]) {
  emu ??= await startBitrix24Emulator({ seed: 3, applicationToken: APP_TOKEN, drainPerSecond: 20 });
  const w = await startWorld({ emu, env: { BITRIX24_RATE_LIMIT: "20", ...opts?.env }, ...opts });
  open.push(w);
  return w;
}

async function stop(w: World) {
  await w.app.stop();
  await w.db.end();
  open.splice(open.indexOf(w), 1);
}

describe("configuration", () => {
  test("without BITRIX24_WEBHOOK_URL jobs wait (status waiting_config) and flow once it is set", async () => {
    const off = await world({ webhook: false });
    const s = await seedEvent(off.db, { orgs: 1, perOrg: 3, tag: "wait" });
    const refs = seededRefs(s);
    await enqueueSync(off.db, refs);
    const enqueued = (await off.db.query<{ id: string }>(`SELECT id::text FROM graphile_worker.jobs WHERE task_identifier = 'crm-sync'`)).rows.map((r) => r.id);
    // A record is marked before its job is put back for later: wait until the last job is back too.
    const jobsNow = () =>
      off.db.query(
        `SELECT attempts, run_at > now() AS later, locked_at IS NOT NULL AS locked FROM graphile_worker.jobs WHERE task_identifier = 'crm-sync'`,
      );
    const waiting = await waitFor("records waiting for configuration", async () => {
      const rows = await states(off.db);
      const settled = (await jobsNow()).rows.every((j) => !j.locked);
      return settled && rows.length === refs.length && rows.every((r) => r.status === "waiting_config") ? rows : null;
    });
    expect(waiting).toHaveLength(7);
    // The jobs are still there, scheduled for later with fresh attempt counts; nothing was sent.
    const jobs = await jobsNow();
    expect(jobs.rows).toHaveLength(7);
    expect(jobs.rows.every((j) => j.attempts === 0 && j.later)).toBe(true);
    expect(emu.state.calls()).toHaveLength(0);
    // Parked in bulk: a job that runs puts the other due ones back as they are (same rows); only
    // the jobs the worker started at once (concurrency 5) were re-added as new rows.
    const kept = await off.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE id = ANY($1::bigint[])`, [enqueued]);
    expect(kept.rows[0].n).toBeGreaterThanOrEqual(refs.length - 5);
    const databaseUrl = off.app.databaseUrl;
    await stop(off);

    const on = await world({ databaseUrl });
    await drained(on, 30_000);
    expect((await states(on.db)).every((r) => r.status === "synced")).toBe(true);
    expect(emu.state.count("contact")).toBe(3);
    expect(emu.state.count("deal")).toBe(3);
    await stop(on);
  });

  test("credentials refused: the whole sync pauses, jobs are kept, and a new webhook URL lets them flow", async () => {
    const wrongUrl = emu.baseUrl.replace(emu.secret, "wrongsecret");
    const bad = await world({ env: { BITRIX24_WEBHOOK_URL: wrongUrl } });
    const s = await seedEvent(bad.db, { orgs: 1, perOrg: 4, tag: "auth" });
    const refs = [...refsOf("person", s.personIds), ...refsOf("registration", s.regIds)];
    const contactsBefore = emu.state.count("contact");
    await enqueueSync(bad.db, refs);
    const settings = await waitFor(
      "the pause",
      async () => (await bad.db.query(`SELECT "pausedAt", "pausedReason" FROM "CrmSettings" WHERE "pausedAt" IS NOT NULL`)).rows[0],
    );
    expect(settings.pausedReason).toMatch(/^INVALID_CREDENTIALS/);
    // Everything waits: no job lost, none run out of attempts, nothing created.
    await waitFor("the jobs to be put back", async () => {
      const r = await bad.db.query(
        `SELECT count(*) FILTER (WHERE locked_at IS NULL AND run_at > now() AND attempts < max_attempts)::int AS later, count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'crm-sync'`,
      );
      return r.rows[0].n === refs.length && r.rows[0].later === refs.length;
    });
    expect(emu.state.count("contact")).toBe(contactsBefore);
    const refused = (await states(bad.db)).filter((x) => x.lastErrorCode === "INVALID_CREDENTIALS");
    expect(refused.length).toBeGreaterThan(0);
    expect((await states(bad.db)).every((x) => x.status === "pending")).toBe(true);
    // Only a handful of requests were refused before the pause stopped the sync.
    const refusedCalls = emu.state.calls().filter((c) => c.error === "INVALID_CREDENTIALS").length;
    expect(refusedCalls).toBeLessThanOrEqual(5);
    const databaseUrl = bad.app.databaseUrl;
    await stop(bad);

    // Fixed webhook: the pause was made under another URL, so the start lifts it.
    const good = await world({ databaseUrl });
    await waitFor("the queue to drain", async () => (await crmJobs(good.db)) === 0, 30_000).catch(async (e: Error) =>
      Promise.reject(new Error(`${e.message}\n${await diagnostics(good)}`)),
    );
    expect((await good.db.query(`SELECT "pausedAt" FROM "CrmSettings"`)).rows[0].pausedAt).toBeNull();
    expect(emu.state.count("contact") - contactsBefore).toBe(4);
    expect((await states(good.db)).every((r) => r.status === "synced")).toBe(true);
    await stop(good);
  });
});
