// POST /api/bitrix24/events: token check, both encodings, company card pulled back, a deal
// lost in the CRM cancels the registration, and our own changes echoed back change nothing.
import { beforeAll, describe, expect, test } from "vitest";
import { APP_TOKEN, crmJobs, fastWorldPerFile, refsOf, seededRefs, seedEvent, stateOf, syncNow, waitFor, type Seeded } from "./helpers";

const w = fastWorldPerFile({ emulator: { eventEncoding: "form" } });
let s: Seeded;
let handler: string;
beforeAll(async () => {
  handler = `${w.app.url}/api/bitrix24/events`;
  s = await seedEvent(w.db, { orgs: 1, perOrg: 2, tag: "inbound" });
  await syncNow(w, seededRefs(s));
  w.emu.state.bindEvent("ONCRMCOMPANYUPDATE", handler);
  w.emu.state.bindEvent("ONCRMDEALUPDATE", handler);
});

const companyId = async () =>
  (await w.db.query(`SELECT "crmCompanyId" FROM "Organization" WHERE id = $1`, [s.orgIds[0]])).rows[0].crmCompanyId as number;
const org = async () =>
  (await w.db.query(`SELECT name, phones, emails, city, website FROM "Organization" WHERE id = $1`, [s.orgIds[0]])).rows[0];
const inboundDone = () => waitFor("inbound jobs to finish", async () => (await crmJobs(w.db)) === 0, 20_000, 100);

describe("POST /api/bitrix24/events", () => {
  test("refuses a wrong or missing application token with 403, accepts form and JSON, never logs the token", async () => {
    const form = (token: string | null) =>
      new URLSearchParams({
        event: "ONCRMCOMPANYUPDATE",
        "data[FIELDS][ID]": "999999",
        ...(token === null ? {} : { "auth[application_token]": token }),
      });
    const post = (body: string, type: string) => fetch(handler, { method: "POST", headers: { "content-type": type }, body });
    expect((await post(form("nope-nope-nope").toString(), "application/x-www-form-urlencoded")).status).toBe(403);
    expect((await post(form(null).toString(), "application/x-www-form-urlencoded")).status).toBe(403);
    const ok = await post(form(APP_TOKEN).toString(), "application/x-www-form-urlencoded");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, queued: true });
    const json = await post(
      JSON.stringify({ event: "ONCRMDEALUPDATE", data: { FIELDS: { ID: "999998" } }, auth: { application_token: APP_TOKEN } }),
      "application/json",
    );
    expect(json.status).toBe(200);
    const other = await post(
      JSON.stringify({ event: "ONCRMLEADADD", data: { FIELDS: { ID: "1" } }, auth: { application_token: APP_TOKEN } }),
      "application/json",
    );
    expect(await other.json()).toEqual({ ok: true, queued: false });
    expect((await fetch(handler)).status).toBe(405);
    await inboundDone(); // unknown ids: nothing to pull, the jobs just complete
    expect(w.app.output()).not.toContain(APP_TOKEN);
    expect(w.app.output()).not.toContain("nope-nope-nope");
  });

  test("a company edited in the portal is pulled back; the pull is not pushed again", async () => {
    const id = await companyId();
    const updatesBefore = w.emu.state.calls("crm.company.update").length;
    const current = w.emu.state.record("company", id)!;
    const deliveries = await w.emu.state.editAsPortalUser("company", id, {
      TITLE: "ООО «Новое имя»",
      ADDRESS_CITY: "Казань",
      PHONE: [{ ID: (current.PHONE as { ID: string }[])[0].ID, VALUE: "+7 (843) 555-01-02" }],
    });
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    const pulled = await waitFor("the pull", async () => ((await org()).name === "ООО «Новое имя»" ? org() : null));
    expect(pulled).toMatchObject({ city: "Казань", phones: ["+78435550102"] });
    const audit = await w.db.query(`SELECT action FROM "AuditLog" WHERE "entityId" = $1`, [s.orgIds[0]]);
    expect(audit.rows.map((r) => r.action)).toContain("crm.company.pull");
    await inboundDone();
    // Nothing went back to the CRM: the local data equals what the CRM has.
    await syncNow(w, refsOf("organization", s.orgIds)); // even a job for it finds nothing to send
    expect(w.emu.state.calls("crm.company.update")).toHaveLength(updatesBefore);
    expect(await stateOf(w.db, { entity: "organization", id: s.orgIds[0] })).toMatchObject({ status: "synced" });
  });

  test("our own update echoed back by the portal changes nothing (no loop)", async () => {
    const id = await companyId();
    const eventsBefore = w.emu.state.events.length;
    await w.db.query(`UPDATE "Organization" SET website = 'https://renamed.example' WHERE id = $1`, [s.orgIds[0]]);
    await syncNow(w, refsOf("organization", s.orgIds));
    await w.emu.state.settleEvents();
    await inboundDone();
    // One update went out, its echo came back and was delivered...
    const echoes = w.emu.state.events.slice(eventsBefore).filter((e) => e.event === "ONCRMCOMPANYUPDATE" && e.recordId === id);
    expect(echoes.length).toBe(1);
    expect(echoes[0].status).toBe(200);
    const updates = w.emu.state.calls("crm.company.update");
    expect(updates.filter((c) => (c.params?.fields as Record<string, unknown>)?.WEB)).toHaveLength(1);
    // ...and settled: no further update, no pull changed anything. One more round of the same
    // positive signals: an echo of a further update would be delivered and worked off by now.
    await w.emu.state.settleEvents();
    await inboundDone();
    expect(await crmJobs(w.db)).toBe(0);
    expect(w.emu.state.calls("crm.company.update")).toHaveLength(updates.length);
    expect(await org()).toMatchObject({ name: "ООО «Новое имя»", website: "https://renamed.example" });
    const pulls = await w.db.query(`SELECT count(*)::int AS n FROM "AuditLog" WHERE "entityId" = $1 AND action = 'crm.company.pull'`, [
      s.orgIds[0],
    ]);
    expect(pulls.rows[0].n).toBe(1); // only the manager's edit of the previous test
  });

  test("a deal moved to the lost stage in the CRM cancels the registration; other stages and our own moves do not", async () => {
    const [a, b] = s.regIds;
    const dealOf = async (reg: string) =>
      (await w.db.query(`SELECT "crmDealId" FROM "Registration" WHERE id = $1`, [reg])).rows[0].crmDealId as number;
    const status = async (reg: string) =>
      (await w.db.query(`SELECT status FROM "Registration" WHERE id = $1`, [reg])).rows[0].status as string;

    await w.emu.state.editAsPortalUser("deal", await dealOf(b), { STAGE_ID: "PREPARATION" });
    await inboundDone();
    expect(await status(b)).toBe("confirmed");

    await w.emu.state.editAsPortalUser("deal", await dealOf(a), { STAGE_ID: "LOSE" });
    await waitFor("the cancellation", async () => (await status(a)) === "cancelled");
    await inboundDone();
    expect(await stateOf(w.db, { entity: "registration", id: a })).toMatchObject({ crmStageId: "LOSE" });

    // Our own move to lost (b cancelled here) comes back as an event and changes nothing else.
    const dealUpdates = w.emu.state.calls("crm.deal.update").length;
    await w.db.query(`UPDATE "Registration" SET status = 'rejected' WHERE id = $1`, [b]);
    await syncNow(w, refsOf("registration", [b]));
    await w.emu.state.settleEvents();
    await inboundDone();
    expect(w.emu.state.record("deal", await dealOf(b))!.STAGE_ID).toBe("LOSE");
    expect(await status(b)).toBe("rejected");
    expect(w.emu.state.calls("crm.deal.update")).toHaveLength(dealUpdates + 1);
  });
});
