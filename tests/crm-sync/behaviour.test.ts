// Record-level behaviour of the sync through the real worker: CRM-side rejections, multi-field
// updates without duplicates, linking to existing cards, lost answers, mapping and exhibitors.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rest } from "../crm/b24-helpers";
import { drained, enqueueSync, refsOf, seededRefs, seedEvent, startFastWorld, stateOf, states, type World } from "./helpers";

let w: World;
beforeAll(async () => {
  w = await startFastWorld();
});
afterAll(() => w?.stop());

const drain = () => drained(w);

describe("CRM-side rejection", () => {
  test("a refused field fails only that record, with the CRM's text, and is not retried", async () => {
    const s = await seedEvent(w.db, { orgs: 1, perOrg: 5, tag: "reject" });
    const bad = s.personIds[2];
    await w.db.query(`UPDATE "Person" SET position = 'Запрещённая должность' WHERE id = $1`, [bad]);
    const undo = w.emu.state.rejectField({
      entity: "contact",
      field: "POST",
      value: "Запрещённая должность",
      message: "Поле «Должность» содержит недопустимое значение",
    });
    const contactsBefore = w.emu.state.count("contact");
    const dealsBefore = w.emu.state.count("deal");
    try {
      await enqueueSync(w.db, [...refsOf("person", s.personIds), ...refsOf("registration", s.regIds)]);
      await drain(); // the failed record's job completes: nothing is left to retry
    } finally {
      undo();
    }
    const failed = await stateOf(w.db, { entity: "person", id: bad });
    expect(failed).toMatchObject({
      status: "failed",
      lastError: "Поле «Должность» содержит недопустимое значение",
      lastErrorCode: "ERROR_CORE",
    });
    const others = (await states(w.db, "person")).filter((x) => s.personIds.includes(x.localId) && x.localId !== bad);
    expect(others.map((x) => x.status)).toEqual(["synced", "synced", "synced", "synced"]);
    expect(w.emu.state.count("contact") - contactsBefore).toBe(4);
    // Its registration still gets its deal (without the contact, added once the contact exists).
    expect(w.emu.state.count("deal") - dealsBefore).toBe(5);
    const regOfBad = s.regIds[2];
    const dealId = (await w.db.query(`SELECT "crmDealId" FROM "Registration" WHERE id = $1`, [regOfBad])).rows[0].crmDealId;
    expect(w.emu.state.record("deal", dealId)!.CONTACT_IDS).toEqual([]);
    const addsOfBad = w.emu.state
      .calls("crm.contact.add")
      .filter((c) => (c.params?.fields as Record<string, unknown>)?.POST === "Запрещённая должность");
    expect(addsOfBad).toHaveLength(1); // validation errors are not retried

    // Fixed locally: the contact is created and the deal linked to it.
    await w.db.query(`UPDATE "Person" SET position = 'Инженер' WHERE id = $1`, [bad]);
    await enqueueSync(w.db, refsOf("person", [bad]));
    await drain();
    expect(await stateOf(w.db, { entity: "person", id: bad })).toMatchObject({ status: "synced", lastError: null });
    const contactId = (await w.db.query(`SELECT "crmContactId" FROM "Person" WHERE id = $1`, [bad])).rows[0].crmContactId;
    expect(w.emu.state.record("deal", dealId)!.CONTACT_IDS).toEqual([contactId]);
  });
});

describe("updates", () => {
  test("a new phone replaces the old one: no duplicated multi-field values, only changed fields sent", async () => {
    const s = await seedEvent(w.db, { orgs: 1, perOrg: 1, tag: "phone" });
    const person = s.personIds[0];
    await enqueueSync(w.db, [...refsOf("person", [person])]);
    await drain();
    const contactId = (await w.db.query(`SELECT "crmContactId" FROM "Person" WHERE id = $1`, [person])).rows[0].crmContactId;
    const before = w.emu.state.record("contact", contactId)!;
    const phone0 = (await w.db.query(`SELECT phone FROM "Person" WHERE id = $1`, [person])).rows[0].phone;
    expect((before.PHONE as { VALUE: string }[]).map((p) => p.VALUE)).toEqual([phone0]);

    for (const phone of ["+79991234567", "+79997654321"]) {
      await w.db.query(`UPDATE "Person" SET phone = $2 WHERE id = $1`, [person, phone]);
      await enqueueSync(w.db, refsOf("person", [person]));
      await drain();
      const after = w.emu.state.record("contact", contactId)!;
      expect((after.PHONE as { VALUE: string }[]).map((p) => p.VALUE)).toEqual([phone]);
      expect(after.EMAIL as unknown[]).toHaveLength(1);
    }
    const updates = w.emu.state.calls("crm.contact.update").filter((c) => String(c.params?.id) === String(contactId));
    expect(updates).toHaveLength(2);
    expect(Object.keys(updates[1].params!.fields as object)).toEqual(["PHONE"]);
    expect(w.emu.state.contacts.filter((c) => c.ORIGIN_ID === `person:${person}`)).toHaveLength(1);
  });

  test("an existing CRM contact with the same e-mail is linked, not duplicated, and keeps its other phone", async () => {
    const s = await seedEvent(w.db, { orgs: 1, perOrg: 1, tag: "dup" });
    const email = (await w.db.query(`SELECT email FROM "Person" WHERE id = $1`, [s.personIds[0]])).rows[0].email;
    const made = await rest(w.emu.baseUrl, "crm.contact.add", {
      fields: {
        NAME: "Уже",
        LAST_NAME: "Есть",
        EMAIL: [{ VALUE: email.toUpperCase(), VALUE_TYPE: "WORK" }],
        PHONE: [{ VALUE: "+7 (812) 000-00-00", VALUE_TYPE: "WORK" }],
      },
    });
    const existing = made.body.result as number;
    const count = w.emu.state.count("contact");
    await enqueueSync(w.db, refsOf("person", s.personIds));
    await drain();
    expect(w.emu.state.count("contact")).toBe(count);
    expect((await w.db.query(`SELECT "crmContactId" FROM "Person" WHERE id = $1`, [s.personIds[0]])).rows[0].crmContactId).toBe(existing);
    const c = w.emu.state.record("contact", existing)!;
    const phone = (await w.db.query(`SELECT phone FROM "Person" WHERE id = $1`, [s.personIds[0]])).rows[0].phone;
    expect((c.PHONE as { VALUE: string }[]).map((p) => p.VALUE).sort()).toEqual(["+7 (812) 000-00-00", phone]);
    expect(c.EMAIL as unknown[]).toHaveLength(1);
    expect(c.ORIGIN_ID).toBe(`person:${s.personIds[0]}`);
    expect(c.LAST_NAME).toBe("Фамилия1");
  });
});

describe("lost answers", () => {
  test("with a third of the answers lost after the portal acted, nothing is created twice", async () => {
    const s = await seedEvent(w.db, { orgs: 2, perOrg: 10, checkInEvery: 5, tag: "lost" });
    const c0 = w.emu.state.count("contact");
    const d0 = w.emu.state.count("deal");
    const k0 = w.emu.state.count("company");
    w.emu.setFaults({ lostResponseRate: 0.33 });
    try {
      await enqueueSync(w.db, seededRefs(s));
      await drained(w, 120_000);
    } finally {
      w.emu.setFaults({ lostResponseRate: 0 });
    }
    expect(w.emu.state.count("company") - k0).toBe(2);
    expect(w.emu.state.count("contact") - c0).toBe(20);
    expect(w.emu.state.count("deal") - d0).toBe(20);
    const origins = w.emu.state.deals.map((d) => d.ORIGIN_ID).filter((o) => s.regIds.some((id) => o === `registration:${id}`));
    expect(new Set(origins).size).toBe(20);
    expect(w.emu.state.calls().some((c) => c.method === "crm.deal.list" || c.method === "crm.contact.list")).toBe(true); // ORIGIN_ID lookups happened
    expect((await states(w.db)).filter((x) => s.regIds.includes(x.localId) && x.status !== "synced")).toEqual([]);
  });
});

describe("mapping", () => {
  test("configured pipelines, stages, responsible users and INN field; a stage moves with the status", async () => {
    await w.db.query(
      `INSERT INTO "CrmSettings" (id, "innField", "attendanceCategoryId", "stageConfirmed", "attendanceResponsibleId", "servicesCategoryId", "servicesResponsibleId")
       VALUES (1, 'UF_CRM_INN', 3, 'C3:PREPARATION', 5, 5, 7)
       ON CONFLICT (id) DO UPDATE SET "innField" = 'UF_CRM_INN', "attendanceCategoryId" = 3, "stageConfirmed" = 'C3:PREPARATION', "attendanceResponsibleId" = 5, "servicesCategoryId" = 5, "servicesResponsibleId" = 7`,
    );
    try {
      const s = await seedEvent(w.db, { orgs: 1, perOrg: 3, checkInEvery: 3, tag: "map" });
      await w.db.query(`UPDATE "Organization" SET inn = '7707083893' WHERE id = $1`, [s.orgIds[0]]);
      await w.db.query(`UPDATE "Registration" SET status = 'pending_approval', category = 'media' WHERE id = $1`, [s.regIds[1]]);
      const ex = await w.db.query<{ id: string }>(
        `INSERT INTO "Exhibitor" ("eventId", "organizationId", stand, "areaM2") VALUES ($1, $2, 'B-12', 24) RETURNING id`,
        [s.eventId, s.orgIds[0]],
      );
      await enqueueSync(w.db, [...refsOf("registration", s.regIds), ...refsOf("exhibitor", [ex.rows[0].id])]);
      await drain();
      const companyId = (await w.db.query(`SELECT "crmCompanyId" FROM "Organization" WHERE id = $1`, [s.orgIds[0]])).rows[0].crmCompanyId;
      expect(w.emu.state.record("company", companyId)!.UF_CRM_INN).toBe("7707083893");
      const deal = async (regId: string) =>
        w.emu.state.record("deal", (await w.db.query(`SELECT "crmDealId" FROM "Registration" WHERE id = $1`, [regId])).rows[0].crmDealId)!;
      expect(await deal(s.regIds[0])).toMatchObject({ CATEGORY_ID: "3", STAGE_ID: "C3:WON", ASSIGNED_BY_ID: "5" }); // checked in
      expect(await deal(s.regIds[1])).toMatchObject({ CATEGORY_ID: "3", STAGE_ID: "C3:NEW" }); // media awaiting verification
      expect((await deal(s.regIds[1])).TITLE).toContain("(сми)");
      expect(await deal(s.regIds[2])).toMatchObject({ CATEGORY_ID: "3", STAGE_ID: "C3:PREPARATION" }); // confirmed, mapped stage
      const exDeal = w.emu.state.record(
        "deal",
        (await w.db.query(`SELECT "crmDealId" FROM "Exhibitor" WHERE id = $1`, [ex.rows[0].id])).rows[0].crmDealId,
      )!;
      expect(exDeal).toMatchObject({ CATEGORY_ID: "5", STAGE_ID: "C5:NEW", ASSIGNED_BY_ID: "7", COMPANY_ID: String(companyId) });
      expect(exDeal.TITLE).toContain("B-12");

      // Cancelled: the deal goes to the lost stage of its pipeline; confirmed again: back.
      await w.db.query(`UPDATE "Registration" SET status = 'cancelled' WHERE id = $1`, [s.regIds[2]]);
      await enqueueSync(w.db, refsOf("registration", [s.regIds[2]]));
      await drain();
      expect((await deal(s.regIds[2])).STAGE_ID).toBe("C3:LOSE");
      expect(await stateOf(w.db, { entity: "registration", id: s.regIds[2] })).toMatchObject({ status: "synced", crmStageId: "C3:LOSE" });
    } finally {
      await w.db.query(`DELETE FROM "CrmSettings"`);
    }
  });
});
