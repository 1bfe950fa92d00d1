// The crm-sync job through the real server and worker against the Bitrix24 emulator.
import { describe, expect, test } from "vitest";
import { fastWorldPerFile, refsOf, seedEvent, states, syncNow } from "./helpers";

const w = fastWorldPerFile();

describe("crm-sync", () => {
  test("companies, contacts and deals are created once, linked, with stages by semantics", async () => {
    const s = await seedEvent(w.db, { orgs: 3, perOrg: 4, checkInEvery: 3, tag: "basic" });
    // What the services enqueue: the organization, the person, the registration.
    await syncNow(w, [...refsOf("registration", s.regIds), ...refsOf("person", s.personIds), ...refsOf("organization", s.orgIds)]);
    const st = w.emu.state;
    expect(st.count("company")).toBe(3);
    expect(st.count("contact")).toBe(12);
    expect(st.count("deal")).toBe(12);

    const orgs = await w.db.query(`SELECT id, "crmCompanyId" FROM "Organization" WHERE id = ANY($1::uuid[])`, [s.orgIds]);
    const people = await w.db.query(`SELECT id, "organizationId", "crmContactId", email FROM "Person" WHERE id = ANY($1::uuid[])`, [
      s.personIds,
    ]);
    const regs = await w.db.query(`SELECT id, "personId", "crmDealId" FROM "Registration" WHERE id = ANY($1::uuid[])`, [s.regIds]);
    const companyOf = new Map(orgs.rows.map((o) => [o.id, o.crmCompanyId]));
    const contactOf = new Map(people.rows.map((p) => [p.id, p.crmContactId]));
    for (const p of people.rows) {
      const c = st.record("contact", p.crmContactId)!;
      expect(c.COMPANY_IDS).toEqual([companyOf.get(p.organizationId)]);
      expect(c.EMAIL).toEqual([expect.objectContaining({ VALUE: p.email })]);
      expect(c.ORIGINATOR_ID).toBe("expodesk");
      expect(c.ORIGIN_ID).toBe(`person:${p.id}`);
    }
    for (const r of regs.rows) {
      const d = st.record("deal", r.crmDealId)!;
      expect(d.CONTACT_IDS).toEqual([contactOf.get(r.personId)]);
      expect(d.CATEGORY_ID).toBe("0");
      // Default mapping: first process stage, success stage for visitors who came.
      expect(d.STAGE_ID).toBe(s.checkedIn.has(r.id) ? "WON" : "NEW");
    }
    const visited = regs.rows.filter((r) => s.checkedIn.has(r.id));
    const comments = st.comments;
    expect(comments).toHaveLength(visited.length);
    for (const r of visited) {
      const c = comments.find((x) => x.ENTITY_ID === r.crmDealId)!;
      expect(c.COMMENT).toContain("12.03.2026, 10:15"); // 07:15Z in Moscow
      expect(c.COMMENT).toContain("Вход А");
    }
    const all = await states(w.db);
    expect(all.filter((x) => x.status !== "synced")).toEqual([]);

    // The same jobs again: nothing to send, no new records, no calls at all.
    const before = st.calls().length;
    await syncNow(w, refsOf("registration", s.regIds));
    expect(st.count("deal")).toBe(12);
    expect(st.calls().length).toBe(before);
  });
});
