// The Bitrix24 emulator's deal list as the funnel's refresh uses it: filtering by CONTACT_ID
// (any bound contact) and COMPANY_ID with lists of ids, stage semantics and amounts, the close
// date stamped on closing, and paging by 50 with `next`.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startBitrix24Emulator, type Bitrix24Emulator } from "../emulators/bitrix24";
import { rest } from "../crm/b24-helpers";

let emu: Bitrix24Emulator;
beforeAll(async () => {
  emu = await startBitrix24Emulator({ seed: 3, drainPerSecond: 100, bucketLimit: 500 });
});
afterAll(() => emu?.close());

const add = async (fields: Record<string, unknown>) => (await rest(emu.baseUrl, "crm.deal.add", { fields })).body.result as number;

it("filters deals by bound contacts and companies, reports semantics and amounts, pages by 50", async () => {
  const won = await add({
    TITLE: "won",
    STAGE_ID: "WON",
    OPPORTUNITY: 1500.5,
    CURRENCY_ID: "RUB",
    CONTACT_IDS: [2001, 2002],
    ASSIGNED_BY_ID: 7,
  });
  const lost = await add({ TITLE: "lost", STAGE_ID: "LOSE", OPPORTUNITY: 10, COMPANY_ID: 101 });
  const open = await add({ TITLE: "open", STAGE_ID: "NEW", CONTACT_IDS: [2003] });
  for (let i = 0; i < 60; i++) await add({ TITLE: `bulk ${i}`, STAGE_ID: "NEW", COMPANY_ID: 102 });

  const byContact = (
    await rest(emu.baseUrl, "crm.deal.list", { filter: { CONTACT_ID: [2002, 2003] }, select: ["ID", "STAGE_SEMANTIC_ID", "CONTACT_ID"] })
  ).body;
  // 2002 is the won deal's second contact: found through the binding, though CONTACT_ID shows the first.
  expect(byContact.result).toEqual([
    { ID: String(won), STAGE_SEMANTIC_ID: "S", CONTACT_ID: "2001" },
    { ID: String(open), STAGE_SEMANTIC_ID: "P", CONTACT_ID: "2003" },
  ]);
  const one = (await rest(emu.baseUrl, "crm.deal.get", { id: won })).body.result;
  expect(one).toMatchObject({ OPPORTUNITY: "1500.5", CURRENCY_ID: "RUB", CLOSED: "Y", ASSIGNED_BY_ID: "7" });
  expect(one.CLOSEDATE).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  expect((await rest(emu.baseUrl, "crm.deal.get", { id: open })).body.result.CLOSEDATE).toBeNull();
  const byCompany = (await rest(emu.baseUrl, "crm.deal.list", { filter: { COMPANY_ID: [101] }, select: ["ID", "STAGE_SEMANTIC_ID"] })).body;
  expect(byCompany.result).toEqual([{ ID: String(lost), STAGE_SEMANTIC_ID: "F" }]);

  const p1 = (await rest(emu.baseUrl, "crm.deal.list", { filter: { COMPANY_ID: [102] }, order: { ID: "ASC" }, select: ["ID"] })).body;
  expect(p1.result).toHaveLength(50);
  expect(p1).toMatchObject({ total: 60, next: 50 });
  const p2 = (await rest(emu.baseUrl, "crm.deal.list", { filter: { COMPANY_ID: [102] }, order: { ID: "ASC" }, select: ["ID"], start: 50 }))
    .body;
  expect(p2.result).toHaveLength(10);
  expect(p2).not.toHaveProperty("next");
});
