// Protocol tests of the Bitrix24 emulator over plain HTTP: what a client on the wire would see.
// Envelopes, errors, lists, multi-fields and batch; the portal side (rate limit, duplicates,
// pipelines, events, faults) is in bitrix24-emulator-portal.test.ts.
import { describe, expect, it } from "vitest";
import { emulatorPerTest, rest } from "./b24-helpers";

const b24 = emulatorPerTest();

describe("envelopes and calling conventions", () => {
  it("answers with result and the full time block; .json suffix is optional", async () => {
    const a = await rest(b24.emu.baseUrl, "crm.company.add.json", { fields: { TITLE: "ACME" } });
    expect(a.status).toBe(200);
    expect(a.contentType).toContain("application/json");
    expect(typeof a.body.result).toBe("number");
    expect(Object.keys(a.body.time ?? {})).toEqual([
      "start",
      "finish",
      "duration",
      "processing",
      "date_start",
      "date_finish",
      "operating_reset_at",
      "operating",
    ]);
    expect(a.body.time!.operating_reset_at).toBeGreaterThan(a.body.time!.start);

    const g = await rest(b24.emu.baseUrl, "crm.company.get", { id: a.body.result });
    expect(g.body.result).toMatchObject({ ID: String(a.body.result), TITLE: "ACME" });
    expect("error" in g.body).toBe(false);
  });

  it("accepts form-urlencoded bodies, query strings and upper-case top-level keys", async () => {
    const form = await rest(b24.emu.baseUrl, "crm.contact.add", undefined, {
      form: "fields[NAME]=Anna&fields[EMAIL][0][VALUE]=anna%40acme.test&fields[EMAIL][0][VALUE_TYPE]=WORK",
    });
    expect(form.status).toBe(200);
    const viaQuery = await rest(b24.emu.baseUrl, "crm.contact.get", undefined, { get: true, query: `id=${form.body.result}` });
    expect(viaQuery.body.result).toMatchObject({
      NAME: "Anna",
      EMAIL: [{ VALUE: "anna@acme.test", VALUE_TYPE: "WORK", TYPE_ID: "EMAIL" }],
    });
    const upper = await rest(b24.emu.baseUrl, "crm.contact.update", { ID: form.body.result, FIELDS: { LAST_NAME: "Petrova" } });
    expect(upper.body.result).toBe(true);
    expect(b24.emu.state.record("contact", form.body.result)?.LAST_NAME).toBe("Petrova");
  });

  it("ignores unknown fields silently and keeps multi-fields out of get when empty", async () => {
    const a = await rest(b24.emu.baseUrl, "crm.contact.add", {
      fields: { NAME: "Ivan", NO_SUCH_FIELD: "x", name: "lower-case is a different field" },
    });
    expect(a.status).toBe(200);
    const g = (await rest(b24.emu.baseUrl, "crm.contact.get", { id: a.body.result })).body.result;
    expect(g.NAME).toBe("Ivan");
    expect(g).not.toHaveProperty("NO_SUCH_FIELD");
    expect(g).not.toHaveProperty("PHONE");
    expect(g.HAS_PHONE).toBe("N");
  });
});

describe("errors", () => {
  it("wrong secret -> 401 INVALID_CREDENTIALS, no webhook -> 401 NO_AUTH_FOUND", async () => {
    const bad = await rest(b24.emu.baseUrl.replace(b24.emu.secret, "wrong"), "crm.contact.list");
    expect(bad).toMatchObject({ status: 401, body: { error: "INVALID_CREDENTIALS", error_description: "Invalid request credentials" } });
    const none = await rest(`http://127.0.0.1:${b24.emu.port}/rest/`, "crm.contact.list");
    expect(none).toMatchObject({ status: 401, body: { error: "NO_AUTH_FOUND" } });
    expect(b24.emu.state.count("contact")).toBe(0);
  });

  it("unknown method -> 404 ERROR_METHOD_NOT_FOUND", async () => {
    expect(await rest(b24.emu.baseUrl, "crm.contact.frobnicate")).toMatchObject({
      status: 404,
      body: { error: "ERROR_METHOD_NOT_FOUND", error_description: "Method not found!" },
    });
  });

  it("method errors are 400 with an empty code, or ERROR_CORE for an invalid e-mail", async () => {
    expect(await rest(b24.emu.baseUrl, "crm.contact.get", { id: 424242 })).toMatchObject({
      status: 400,
      body: { error: "", error_description: "Not found" },
    });
    expect(await rest(b24.emu.baseUrl, "crm.contact.get", {})).toMatchObject({
      status: 400,
      body: { error: "", error_description: "ID is not defined or invalid." },
    });
    const bad = await rest(b24.emu.baseUrl, "crm.contact.add", {
      fields: { NAME: "X", EMAIL: [{ VALUE: "not-an-address", VALUE_TYPE: "WORK" }] },
    });
    expect(bad).toMatchObject({
      status: 400,
      body: { error: "ERROR_CORE", error_description: 'The field "Work e-mail" contains an invalid address' },
    });
    expect(b24.emu.state.count("contact")).toBe(0);
  });

  it("rejectField makes the CRM refuse one specific record only", async () => {
    const undo = b24.emu.state.rejectField({
      entity: "contact",
      field: "LAST_NAME",
      value: "Blocked",
      message: "Last name is on the stop list",
    });
    const ok = await rest(b24.emu.baseUrl, "crm.contact.add", { fields: { NAME: "A", LAST_NAME: "Fine" } });
    const no = await rest(b24.emu.baseUrl, "crm.contact.add", { fields: { NAME: "B", LAST_NAME: "Blocked" } });
    expect(ok.status).toBe(200);
    expect(no).toMatchObject({ status: 400, body: { error: "ERROR_CORE", error_description: "Last name is on the stop list" } });
    undo();
    expect((await rest(b24.emu.baseUrl, "crm.contact.add", { fields: { LAST_NAME: "Blocked" } })).status).toBe(200);
  });
});

describe("lists", () => {
  it("pages by 50 with total and next only while more rows remain; start=-1 skips counting", async () => {
    await b24.addContacts(120);
    const p1 = (await rest(b24.emu.baseUrl, "crm.contact.list", { order: { ID: "ASC" } })).body;
    expect(p1.result).toHaveLength(50);
    expect(p1).toMatchObject({ total: 120, next: 50 });
    const p3 = (await rest(b24.emu.baseUrl, "crm.contact.list", { order: { ID: "ASC" }, start: 100 })).body;
    expect(p3.result).toHaveLength(20);
    expect(p3.total).toBe(120);
    expect(p3).not.toHaveProperty("next");
    const fast = (await rest(b24.emu.baseUrl, "crm.contact.list", { order: { ID: "ASC" }, filter: { ">ID": p1.result[49].ID }, start: -1 }))
      .body;
    expect(fast.result).toHaveLength(50);
    expect(fast.result[0].ID).toBe(String(Number(p1.result[49].ID) + 1));
    expect(fast).not.toHaveProperty("total");
    expect(fast).not.toHaveProperty("next");
  });

  it("filters, orders, and returns multi-fields only when selected", async () => {
    await b24.addContacts(5, (i) => ({
      NAME: `N${i}`,
      LAST_NAME: i % 2 ? "Odd" : "Even",
      PHONE: [{ VALUE: `+7900000000${i}`, VALUE_TYPE: "MOBILE" }],
    }));
    const odd = (await rest(b24.emu.baseUrl, "crm.contact.list", { filter: { LAST_NAME: "Odd" }, order: { ID: "DESC" } })).body.result;
    expect(odd.map((r: { NAME: string }) => r.NAME)).toEqual(["N3", "N1"]);
    expect(odd[0]).not.toHaveProperty("PHONE");
    const withPhone = (
      await rest(b24.emu.baseUrl, "crm.contact.list", { filter: { PHONE: "+79000000002" }, select: ["ID", "NAME", "PHONE"] })
    ).body.result;
    expect(withPhone).toEqual([
      { ID: expect.any(String), NAME: "N2", PHONE: [expect.objectContaining({ VALUE: "+79000000002", VALUE_TYPE: "MOBILE" })] },
    ]);
    expect(Object.keys(withPhone[0])).toEqual(["ID", "NAME", "PHONE"]);
  });
});

describe("multi-field update semantics", () => {
  it("adds items without ID, changes items with ID, removes {ID, DELETE: Y}", async () => {
    const [id] = await b24.addContacts(1, () => ({
      NAME: "M",
      PHONE: [
        { VALUE: "+111", VALUE_TYPE: "WORK" },
        { VALUE: "+222", VALUE_TYPE: "HOME" },
      ],
    }));
    const before = b24.emu.state.record("contact", id)!.PHONE as { ID: string; VALUE: string }[];
    const [p1, p2] = before;
    await rest(b24.emu.baseUrl, "crm.contact.update", {
      id,
      fields: {
        PHONE: [
          { ID: p1.ID, VALUE: "+111-changed" },
          { ID: p2.ID, DELETE: "Y" },
          { VALUE: "+333", VALUE_TYPE: "MOBILE" },
        ],
      },
    });
    const after = (await rest(b24.emu.baseUrl, "crm.contact.get", { id })).body.result.PHONE;
    expect(after).toEqual([
      { ID: p1.ID, VALUE_TYPE: "WORK", VALUE: "+111-changed", TYPE_ID: "PHONE" },
      { ID: expect.any(String), VALUE_TYPE: "MOBILE", VALUE: "+333", TYPE_ID: "PHONE" },
    ]);
  });

  it("re-sending values without their IDs duplicates them (the trap the client must avoid)", async () => {
    const [id] = await b24.addContacts(1, () => ({ PHONE: [{ VALUE: "+111" }] }));
    await rest(b24.emu.baseUrl, "crm.contact.update", { id, fields: { PHONE: [{ VALUE: "+111" }] } });
    expect((b24.emu.state.record("contact", id)!.PHONE as unknown[]).length).toBe(2);
  });
});

describe("batch", () => {
  it("runs commands in order with $result references and per-command errors", async () => {
    const r = await rest(b24.emu.baseUrl, "batch", {
      halt: 0,
      cmd: {
        company: "crm.company.add?fields[TITLE]=ACME%20Ltd",
        person:
          "crm.contact.add?fields[NAME]=Anna&fields[COMPANY_ID]=$result[company]&fields[EMAIL][0][VALUE]=anna%40acme.test&fields[EMAIL][0][VALUE_TYPE]=WORK",
        read: "crm.contact.get?id=$result[person]",
        title: "crm.deal.add?fields[TITLE]=Stand%20for%20$result[read][NAME]&fields[CONTACT_IDS][0]=$result[person]",
        broken: "crm.contact.get?id=999999",
        nope: "crm.nothing.here",
      },
    });
    expect(r.status).toBe(200);
    const { result, result_error, result_total, result_next } = r.body.result;
    expect(result.read).toMatchObject({ NAME: "Anna", COMPANY_ID: String(result.company) });
    expect(b24.emu.state.record("deal", result.title)).toMatchObject({ TITLE: "Stand for Anna", CONTACT_IDS: [result.person] });
    expect(result_error).toEqual({
      broken: { error: "", error_description: "Not found" },
      nope: { error: "ERROR_METHOD_NOT_FOUND", error_description: "Method not found!" },
    });
    expect(result_total).toEqual([]); // PHP empty array
    expect(result_next).toEqual([]);
  });

  it("halt stops at the first failing command; numeric keys come back as a list", async () => {
    const r = await rest(b24.emu.baseUrl, "batch", {
      halt: 1,
      cmd: ["crm.company.add?fields[TITLE]=A", "crm.company.get?id=1", "crm.company.add?fields[TITLE]=B"],
    });
    expect(r.body.result.result).toEqual([expect.any(Number)]);
    expect(Object.keys(r.body.result.result_error)).toEqual(["1"]);
    expect(b24.emu.state.count("company")).toBe(1);
  });

  it("reports list totals/next per command and refuses more than 50 commands", async () => {
    await b24.addContacts(60);
    const r = await rest(b24.emu.baseUrl, "batch", {
      cmd: { all: "crm.contact.list?order[ID]=ASC", odd: "crm.contact.list?filter[NAME]=N7" },
    });
    expect(r.body.result.result_total).toEqual({ all: 60, odd: 1 });
    expect(r.body.result.result_next).toEqual({ all: 50 });

    const cmd = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`c${i}`, "crm.company.add?fields[TITLE]=X"]));
    expect(await rest(b24.emu.baseUrl, "batch", { cmd })).toMatchObject({ status: 400, body: { error: "ERROR_BATCH_LENGTH_EXCEEDED" } });
    expect(b24.emu.state.count("company")).toBe(0);
  });
});
