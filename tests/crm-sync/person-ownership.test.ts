// Issue #11 item 1, the CRM side (docs/decisions/0007): registrations of one address in two
// events have their own Person rows that share one Bitrix24 contact (dedupe stays), a row of
// another address never takes that contact, and neither the sync nor a contact edited in the
// portal changes another registration's local data.
import { beforeAll, describe, expect, test } from "vitest";
import { crmJobs, drained, fastWorldPerFile, waitFor } from "./helpers";
import { ALICE, call, createToken } from "../registration/helpers";

const w = fastWorldPerFile({ env: { RATE_LIMIT_PER_IP: "1000" } });
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

async function event(name: string) {
  const r = await call(w.app, "/api/v1/events", "POST", tokens.manager, {
    name,
    venue: "Экспоцентр",
    timezone: "Europe/Moscow",
    startsAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    endsAt: new Date(Date.now() + 12 * 86_400_000).toISOString(),
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const personOf = async (registrationId: string) =>
  (
    await w.db.query(
      `SELECT p.id, p."lastName", p."firstName", p.position, p.email, p.phone, p."crmContactId" FROM "Registration" r JOIN "Person" p ON p.id = r."personId" WHERE r.id = $1`,
      [registrationId],
    )
  ).rows[0];

beforeAll(async () => {
  tokens.manager = await createToken(w.app, "manager");
  tokens.site = await createToken(w.app, "site");
  ids.e1 = await event("Событие 1");
  ids.e2 = await event("Событие 2");
  const a = await call(w.app, `/api/v1/events/${ids.e1}/exhibitors`, "POST", tokens.manager, {
    company: { name: "Альфа" },
    stand: "A1",
    staffQuota: 5,
  });
  ids.a = a.body.id;
  tokens.a = await createToken(w.app, "exhibitor", { exhibitorId: ids.a });
  const alice = await call(w.app, `/api/v1/exhibitors/${ids.a}/staff`, "POST", tokens.a, ALICE);
  expect(alice.status).toBe(201);
  ids.alice = alice.body.id;
  await drained(w);
});

describe("people and the CRM", () => {
  test("another registration of the same address shares the CRM contact; Alice's local row is untouched by its push", async () => {
    const before = await personOf(ids.alice);
    expect(before.crmContactId).toBeTruthy();
    const contacts = w.emu.state.count("contact");
    const r = await call(w.app, `/api/v1/events/${ids.e2}/registrations`, "POST", tokens.site, {
      category: "visitor",
      person: { lastName: "Подменов", firstName: "Игорь", email: ALICE.email, phone: "+79990000001" },
    });
    expect(r.status).toBe(201);
    ids.other = r.body.id;
    await drained(w);
    const other = await personOf(ids.other);
    expect(other.id).not.toBe(before.id);
    // Dedupe stays: one CRM contact for the address, not a second one.
    expect(other.crmContactId).toBe(before.crmContactId);
    expect(w.emu.state.count("contact")).toBe(contacts);
    expect(await personOf(ids.alice)).toEqual(before);
  });

  test("a row of another address never takes that contact, even with the same phone", async () => {
    const before = await personOf(ids.alice);
    const r = await call(w.app, `/api/v1/events/${ids.e2}/registrations`, "POST", tokens.site, {
      category: "visitor",
      person: { lastName: "Коллегова", firstName: "Вера", email: "vera@alpha.example", phone: ALICE.phone },
    });
    expect(r.status).toBe(201);
    await drained(w);
    const vera = await personOf(r.body.id);
    expect(vera.crmContactId).toBeTruthy();
    expect(vera.crmContactId).not.toBe(before.crmContactId);
    expect(await personOf(ids.alice)).toEqual(before);
  });

  test("the contact edited in the portal changes no local person (inbound pulls company cards and deal stages only)", async () => {
    const alice = await personOf(ids.alice);
    const other = await personOf(ids.other);
    w.emu.state.bindEvent("ONCRMCONTACTUPDATE", `${w.app.url}/api/bitrix24/events`);
    const deliveries = await w.emu.state.editAsPortalUser("contact", alice.crmContactId, { NAME: "Портальная", LAST_NAME: "Правка" });
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    await waitFor("no CRM job left", async () => (await crmJobs(w.db)) === 0);
    expect(await personOf(ids.alice)).toEqual(alice);
    expect(await personOf(ids.other)).toEqual(other);
  });
});
