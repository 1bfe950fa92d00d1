// Issue 4, "Done when": with 30 % injected 503s and a 60-second outage in the middle, syncing
// 2,000 registrations ends with exactly 2,000 contacts and 2,000 deals, no duplicates, companies
// linked, and the checked-in ones in the "visited" stage. At the portal's real default rate
// (2 requests/s, burst 50), on the emulator, through the real server's worker.
// A soak of several minutes: it runs only with SOAK=1 (.ci/run runs it in its own step after
// `npm test`); otherwise it is reported as skipped.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { crmJobs, diagnostics, enqueueSync, refsOf, seedEvent, startWorld, states, waitFor, type World } from "./helpers";

const ORGS = 100;
const PER_ORG = 20;
const N = ORGS * PER_ORG;
const OUTAGE_MS = 60_000;

describe.skipIf(!process.env.SOAK)("soak (runs with SOAK=1)", () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ emulator: { drainPerSecond: 2, bucketLimit: 50, seed: 2026 } });
  });
  afterAll(() => w?.stop());

  test("2,000 registrations through 30 % 503s and a 60 s outage: exactly 2,000 contacts and deals, linked, visited ones won", async () => {
    const s = await seedEvent(w.db, { orgs: ORGS, perOrg: PER_ORG, checkInEvery: 4, tag: "done" });
    expect(s.regIds).toHaveLength(N);
    w.emu.setFaults({ errorRate: 0.3, errorStyle: "mixed" });
    const started = Date.now();
    const log = (what: string) => process.stdout.write(`[done-when +${((Date.now() - started) / 1000).toFixed(0)}s] ${what}\n`);
    const progress = setInterval(() => {
      void crmJobs(w.db)
        .then((jobs) => {
          const calls = w.emu.state.calls();
          log(
            `jobs ${jobs}, companies ${w.emu.state.count("company")}, contacts ${w.emu.state.count("contact")}, deals ${w.emu.state.count("deal")}, ` +
              `requests ${calls.filter((c) => !c.batchKey).length} (injected 503 ${calls.filter((c) => c.injected).length}), commands run ${calls.filter((c) => c.batchKey).length}`,
          );
        })
        .catch(() => {});
    }, 15_000);
    try {
      await enqueueSync(w.db, [...refsOf("organization", s.orgIds), ...refsOf("person", s.personIds), ...refsOf("registration", s.regIds)]);

      // The outage starts once about half the deals exist, and lasts a full minute.
      await waitFor("half of the deals", async () => w.emu.state.count("deal") >= N / 2, 300_000, 100);
      const dealsAtOutage = w.emu.state.count("deal");
      log(`outage starts with ${dealsAtOutage} deals`);
      const logAt = w.app.output().length;
      w.emu.setFaults({ outageMode: "refuse", outage: { fromMs: 0, toMs: OUTAGE_MS } });
      // The worker has met the outage (its client logs a refused connection it will retry): from
      // then on only requests already under way can have added deals.
      await waitFor(
        "the worker to meet the outage",
        async () => w.app.output().slice(logAt).includes('"code":"NETWORK_ERROR"'),
        30_000,
        100,
      );
      expect(w.emu.state.count("deal") - dealsAtOutage).toBeLessThanOrEqual(50); // only what was already under way
      await waitFor("the queue to drain", async () => (await crmJobs(w.db)) === 0, 480_000, 500).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await diagnostics(w)}`);
      });
    } finally {
      clearInterval(progress);
    }
    const finished = Date.now();

    const st = w.emu.state;
    const contacts = st.contacts;
    const deals = st.deals;
    expect(contacts).toHaveLength(N);
    expect(deals).toHaveLength(N);
    expect(st.count("company")).toBe(ORGS);
    // No duplicates: one CRM record per local record, by ORIGIN_ID and by e-mail.
    expect(new Set(contacts.map((c) => c.ORIGIN_ID)).size).toBe(N);
    expect(new Set(deals.map((d) => d.ORIGIN_ID)).size).toBe(N);
    expect(new Set(contacts.map((c) => (c.EMAIL as { VALUE: string }[])[0].VALUE)).size).toBe(N);
    expect(contacts.every((c) => (c.EMAIL as unknown[]).length === 1 && (c.PHONE as unknown[]).length === 1)).toBe(true);

    const rows = await w.db.query<{ regId: string; dealId: number; contactId: number; companyId: number }>(
      `SELECT r.id AS "regId", r."crmDealId" AS "dealId", p."crmContactId" AS "contactId", o."crmCompanyId" AS "companyId"
       FROM "Registration" r JOIN "Person" p ON p.id = r."personId" JOIN "Organization" o ON o.id = p."organizationId" WHERE r."eventId" = $1`,
      [s.eventId],
    );
    expect(rows.rows).toHaveLength(N);
    let visited = 0;
    for (const r of rows.rows) {
      const deal = st.record("deal", r.dealId)!;
      const contact = st.record("contact", r.contactId)!;
      expect(deal.ORIGIN_ID).toBe(`registration:${r.regId}`);
      expect(deal.CONTACT_IDS).toEqual([r.contactId]);
      expect(deal.COMPANY_ID).toBe(String(r.companyId));
      expect(contact.COMPANY_IDS).toEqual([r.companyId]);
      const wasHere = s.checkedIn.has(r.regId);
      expect(deal.STAGE_ID, r.regId).toBe(wasHere ? "WON" : "NEW");
      if (wasHere) visited++;
    }
    expect(visited).toBe(N / 4);
    // One visit note per visited deal.
    const notes = new Map<number, number>();
    for (const c of st.comments) notes.set(c.ENTITY_ID, (notes.get(c.ENTITY_ID) ?? 0) + 1);
    expect(notes.size).toBe(N / 4);
    expect([...notes.values()].every((n) => n === 1)).toBe(true);
    const notSynced = (await states(w.db)).filter((x) => x.status !== "synced");
    expect(notSynced).toEqual([]);

    const calls = st.calls();
    log(
      `${N} registrations synced in ${((finished - started) / 1000).toFixed(1)} s (60 s outage included); ` +
        `HTTP requests ${calls.filter((c) => !c.batchKey).length}, injected 503s ${calls.filter((c) => c.injected).length}, ` +
        `commands run ${calls.filter((c) => c.batchKey).length}`,
    );
  }, 900_000);
});
