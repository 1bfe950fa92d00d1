// /manage/crm over real HTTP: status, failures with the CRM's text and a retry button, the
// mapping loaded from the portal, "resync this event" with its progress, the paused alert.
import { beforeAll, describe, expect, test } from "vitest";
import {
  drained,
  fastWorldPerFile,
  getPage,
  managerSession,
  postForm,
  refsOf,
  seedEvent,
  stateOf,
  syncNow,
  waitFor,
  type Seeded,
} from "./helpers";

const w = fastWorldPerFile();
let cookie: string;
let s: Seeded;
const PASSWORD = "crm-page-test-password-1";

beforeAll(async () => {
  cookie = await managerSession(w, "crm.manager@example.com", PASSWORD);
  s = await seedEvent(w.db, { orgs: 1, perOrg: 3, tag: "pages" });
  await w.db.query(`UPDATE "Person" SET email = 'broken@@example' WHERE id = $1`, [s.personIds[0]]);
  await syncNow(w, [...refsOf("person", s.personIds), ...refsOf("registration", s.regIds)]);
});

describe("/manage/crm", () => {
  test("managers only", async () => {
    expect((await fetch(`${w.app.url}/manage/crm`, { redirect: "manual" })).status).toBe(302);
    const index = await getPage(w, "/manage", cookie);
    expect(index.text).toContain('href="/manage/crm"');
  });

  test("shows the state and the failure with the CRM's own message; retry queues the record again", async () => {
    const page = await getPage(w, "/manage/crm", cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain("CRM: sync with Bitrix24");
    expect(page.text).toContain('data-testid="crm-failures"');
    expect(page.text).toContain("contains an invalid address"); // the emulator's (the portal's) text
    expect(page.text).toContain("broken@@example");
    expect(page.text).toMatch(/In the CRM: [1-9]/);

    await w.db.query(`UPDATE "Person" SET email = 'fixed@example.com' WHERE id = $1`, [s.personIds[0]]);
    const retried = await postForm(w, "/manage/crm", cookie, { intent: "retry", entity: "person", id: s.personIds[0] });
    expect(retried.status).toBe(200);
    expect(retried.text).toContain("Queued: 1");
    await drained(w);
    expect(await stateOf(w.db, { entity: "person", id: s.personIds[0] })).toMatchObject({ status: "synced" });
    expect((await getPage(w, "/manage/crm", cookie)).text).toContain("No failures.");
  });

  test("the mapping offers the portal's pipelines, stages and users, and refuses a stage of another pipeline", async () => {
    const page = await getPage(w, "/manage/crm", cookie);
    expect(page.text).toContain("Exhibition services");
    expect(page.text).toContain("Awaiting verification");
    expect(page.text).toContain("Maria Marketing");
    const bad = await postForm(w, "/manage/crm", cookie, {
      intent: "settings",
      attendanceCategoryId: "3",
      stageVisited: "C5:WON",
      servicesCategoryId: "5",
    });
    expect(bad.text).toContain('<p class="field-error">Please check this value.</p>');
    expect((await w.db.query(`SELECT count(*)::int AS n FROM "CrmSettings" WHERE "attendanceCategoryId" = 3`)).rows[0].n).toBe(0);
    const ok = await postForm(w, "/manage/crm", cookie, {
      intent: "settings",
      innField: "uf_crm_inn",
      attendanceCategoryId: "3",
      stageVisited: "C3:WON",
      attendanceResponsibleId: "5",
      servicesCategoryId: "5",
      servicesStage: "C5:NEW",
      servicesResponsibleId: "7",
    });
    expect(ok.text).toContain("Saved.");
    const row = (await w.db.query(`SELECT * FROM "CrmSettings" WHERE id = 1`)).rows[0];
    expect(row).toMatchObject({
      innField: "UF_CRM_INN",
      attendanceCategoryId: 3,
      stageVisited: "C3:WON",
      attendanceResponsibleId: 5,
      servicesCategoryId: 5,
      servicesResponsibleId: 7,
    });
    await w.db.query(`DELETE FROM "CrmSettings"`);
  });

  test("resync this event: progress up to all records, one batch-friendly pass", async () => {
    const started = await postForm(w, "/manage/crm", cookie, { intent: "resync", eventId: s.eventId });
    expect(started.text).toContain("Queued: 3");
    await drained(w);
    const page = await getPage(w, "/manage/crm", cookie);
    expect(page.text).toContain("3 of 3 done");
    expect(page.text).toMatch(/<progress max="3" value="3"/);
  });

  test("a paused sync shows the alert; resume checks the credentials first", async () => {
    await w.db
      .query(`INSERT INTO "CrmSettings" (id, "pausedAt", "pausedReason") VALUES (1, now(), 'INVALID_CREDENTIALS: Invalid request credentials')
                      ON CONFLICT (id) DO UPDATE SET "pausedAt" = now(), "pausedReason" = EXCLUDED."pausedReason"`);
    const page = await getPage(w, "/manage/crm", cookie);
    expect(page.text).toContain('data-testid="crm-paused"');
    expect(page.text).toContain("INVALID_CREDENTIALS: Invalid request credentials");
    const resumed = await postForm(w, "/manage/crm", cookie, { intent: "resume" });
    expect(resumed.text).toContain("Sync resumed.");
    await waitFor(
      "the pause to be lifted",
      async () => (await w.db.query(`SELECT "pausedAt" FROM "CrmSettings"`)).rows[0].pausedAt === null,
    );
    expect((await getPage(w, "/manage/crm", cookie)).text).not.toContain('data-testid="crm-paused"');
  });
});
