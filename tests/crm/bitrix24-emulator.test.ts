// Protocol tests of the Bitrix24 emulator over plain HTTP: what a client on the wire would see.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BITRIX24_SEED, startBitrix24Emulator, type Bitrix24Emulator } from "../emulators/bitrix24";
import { rest, sleep, startEventSink } from "./b24-helpers";

let emu: Bitrix24Emulator;

// A fast drain where the limit itself is not under test.
beforeEach(async () => {
  emu = await startBitrix24Emulator({ drainPerSecond: 1000, seed: 7 });
});
afterEach(async () => {
  await emu.close();
});

async function addContacts(n: number, make: (i: number) => Record<string, unknown> = (i) => ({ NAME: `N${i}` })) {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await rest(emu.baseUrl, "crm.contact.add", { fields: make(i) })).body.result);
  return ids;
}

describe("envelopes and calling conventions", () => {
  it("answers with result and the full time block; .json suffix is optional", async () => {
    const a = await rest(emu.baseUrl, "crm.company.add.json", { fields: { TITLE: "ACME" } });
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

    const g = await rest(emu.baseUrl, "crm.company.get", { id: a.body.result });
    expect(g.body.result).toMatchObject({ ID: String(a.body.result), TITLE: "ACME" });
    expect("error" in g.body).toBe(false);
  });

  it("accepts form-urlencoded bodies, query strings and upper-case top-level keys", async () => {
    const form = await rest(emu.baseUrl, "crm.contact.add", undefined, {
      form: "fields[NAME]=Anna&fields[EMAIL][0][VALUE]=anna%40acme.test&fields[EMAIL][0][VALUE_TYPE]=WORK",
    });
    expect(form.status).toBe(200);
    const viaQuery = await rest(emu.baseUrl, "crm.contact.get", undefined, { get: true, query: `id=${form.body.result}` });
    expect(viaQuery.body.result).toMatchObject({
      NAME: "Anna",
      EMAIL: [{ VALUE: "anna@acme.test", VALUE_TYPE: "WORK", TYPE_ID: "EMAIL" }],
    });
    const upper = await rest(emu.baseUrl, "crm.contact.update", { ID: form.body.result, FIELDS: { LAST_NAME: "Petrova" } });
    expect(upper.body.result).toBe(true);
    expect(emu.state.record("contact", form.body.result)?.LAST_NAME).toBe("Petrova");
  });

  it("ignores unknown fields silently and keeps multi-fields out of get when empty", async () => {
    const a = await rest(emu.baseUrl, "crm.contact.add", {
      fields: { NAME: "Ivan", NO_SUCH_FIELD: "x", name: "lower-case is a different field" },
    });
    expect(a.status).toBe(200);
    const g = (await rest(emu.baseUrl, "crm.contact.get", { id: a.body.result })).body.result;
    expect(g.NAME).toBe("Ivan");
    expect(g).not.toHaveProperty("NO_SUCH_FIELD");
    expect(g).not.toHaveProperty("PHONE");
    expect(g.HAS_PHONE).toBe("N");
  });
});

describe("errors", () => {
  it("wrong secret -> 401 INVALID_CREDENTIALS, no webhook -> 401 NO_AUTH_FOUND", async () => {
    const bad = await rest(emu.baseUrl.replace(emu.secret, "wrong"), "crm.contact.list");
    expect(bad).toMatchObject({ status: 401, body: { error: "INVALID_CREDENTIALS", error_description: "Invalid request credentials" } });
    const none = await rest(`http://127.0.0.1:${emu.port}/rest/`, "crm.contact.list");
    expect(none).toMatchObject({ status: 401, body: { error: "NO_AUTH_FOUND" } });
    expect(emu.state.count("contact")).toBe(0);
  });

  it("unknown method -> 404 ERROR_METHOD_NOT_FOUND", async () => {
    expect(await rest(emu.baseUrl, "crm.contact.frobnicate")).toMatchObject({
      status: 404,
      body: { error: "ERROR_METHOD_NOT_FOUND", error_description: "Method not found!" },
    });
  });

  it("method errors are 400 with an empty code, or ERROR_CORE for an invalid e-mail", async () => {
    expect(await rest(emu.baseUrl, "crm.contact.get", { id: 424242 })).toMatchObject({
      status: 400,
      body: { error: "", error_description: "Not found" },
    });
    expect(await rest(emu.baseUrl, "crm.contact.get", {})).toMatchObject({
      status: 400,
      body: { error: "", error_description: "ID is not defined or invalid." },
    });
    const bad = await rest(emu.baseUrl, "crm.contact.add", {
      fields: { NAME: "X", EMAIL: [{ VALUE: "not-an-address", VALUE_TYPE: "WORK" }] },
    });
    expect(bad).toMatchObject({
      status: 400,
      body: { error: "ERROR_CORE", error_description: 'The field "Work e-mail" contains an invalid address' },
    });
    expect(emu.state.count("contact")).toBe(0);
  });

  it("rejectField makes the CRM refuse one specific record only", async () => {
    const undo = emu.state.rejectField({
      entity: "contact",
      field: "LAST_NAME",
      value: "Blocked",
      message: "Last name is on the stop list",
    });
    const ok = await rest(emu.baseUrl, "crm.contact.add", { fields: { NAME: "A", LAST_NAME: "Fine" } });
    const no = await rest(emu.baseUrl, "crm.contact.add", { fields: { NAME: "B", LAST_NAME: "Blocked" } });
    expect(ok.status).toBe(200);
    expect(no).toMatchObject({ status: 400, body: { error: "ERROR_CORE", error_description: "Last name is on the stop list" } });
    undo();
    expect((await rest(emu.baseUrl, "crm.contact.add", { fields: { LAST_NAME: "Blocked" } })).status).toBe(200);
  });
});

describe("lists", () => {
  it("pages by 50 with total and next only while more rows remain; start=-1 skips counting", async () => {
    await addContacts(120);
    const p1 = (await rest(emu.baseUrl, "crm.contact.list", { order: { ID: "ASC" } })).body;
    expect(p1.result).toHaveLength(50);
    expect(p1).toMatchObject({ total: 120, next: 50 });
    const p3 = (await rest(emu.baseUrl, "crm.contact.list", { order: { ID: "ASC" }, start: 100 })).body;
    expect(p3.result).toHaveLength(20);
    expect(p3.total).toBe(120);
    expect(p3).not.toHaveProperty("next");
    const fast = (await rest(emu.baseUrl, "crm.contact.list", { order: { ID: "ASC" }, filter: { ">ID": p1.result[49].ID }, start: -1 }))
      .body;
    expect(fast.result).toHaveLength(50);
    expect(fast.result[0].ID).toBe(String(Number(p1.result[49].ID) + 1));
    expect(fast).not.toHaveProperty("total");
    expect(fast).not.toHaveProperty("next");
  });

  it("filters, orders, and returns multi-fields only when selected", async () => {
    await addContacts(5, (i) => ({
      NAME: `N${i}`,
      LAST_NAME: i % 2 ? "Odd" : "Even",
      PHONE: [{ VALUE: `+7900000000${i}`, VALUE_TYPE: "MOBILE" }],
    }));
    const odd = (await rest(emu.baseUrl, "crm.contact.list", { filter: { LAST_NAME: "Odd" }, order: { ID: "DESC" } })).body.result;
    expect(odd.map((r: { NAME: string }) => r.NAME)).toEqual(["N3", "N1"]);
    expect(odd[0]).not.toHaveProperty("PHONE");
    const withPhone = (await rest(emu.baseUrl, "crm.contact.list", { filter: { PHONE: "+79000000002" }, select: ["ID", "NAME", "PHONE"] }))
      .body.result;
    expect(withPhone).toEqual([
      { ID: expect.any(String), NAME: "N2", PHONE: [expect.objectContaining({ VALUE: "+79000000002", VALUE_TYPE: "MOBILE" })] },
    ]);
    expect(Object.keys(withPhone[0])).toEqual(["ID", "NAME", "PHONE"]);
  });
});

describe("multi-field update semantics", () => {
  it("adds items without ID, changes items with ID, removes {ID, DELETE: Y}", async () => {
    const [id] = await addContacts(1, () => ({
      NAME: "M",
      PHONE: [
        { VALUE: "+111", VALUE_TYPE: "WORK" },
        { VALUE: "+222", VALUE_TYPE: "HOME" },
      ],
    }));
    const before = emu.state.record("contact", id)!.PHONE as { ID: string; VALUE: string }[];
    const [p1, p2] = before;
    await rest(emu.baseUrl, "crm.contact.update", {
      id,
      fields: {
        PHONE: [
          { ID: p1.ID, VALUE: "+111-changed" },
          { ID: p2.ID, DELETE: "Y" },
          { VALUE: "+333", VALUE_TYPE: "MOBILE" },
        ],
      },
    });
    const after = (await rest(emu.baseUrl, "crm.contact.get", { id })).body.result.PHONE;
    expect(after).toEqual([
      { ID: p1.ID, VALUE_TYPE: "WORK", VALUE: "+111-changed", TYPE_ID: "PHONE" },
      { ID: expect.any(String), VALUE_TYPE: "MOBILE", VALUE: "+333", TYPE_ID: "PHONE" },
    ]);
  });

  it("re-sending values without their IDs duplicates them (the trap the client must avoid)", async () => {
    const [id] = await addContacts(1, () => ({ PHONE: [{ VALUE: "+111" }] }));
    await rest(emu.baseUrl, "crm.contact.update", { id, fields: { PHONE: [{ VALUE: "+111" }] } });
    expect((emu.state.record("contact", id)!.PHONE as unknown[]).length).toBe(2);
  });
});

describe("batch", () => {
  it("runs commands in order with $result references and per-command errors", async () => {
    const r = await rest(emu.baseUrl, "batch", {
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
    expect(emu.state.record("deal", result.title)).toMatchObject({ TITLE: "Stand for Anna", CONTACT_IDS: [result.person] });
    expect(result_error).toEqual({
      broken: { error: "", error_description: "Not found" },
      nope: { error: "ERROR_METHOD_NOT_FOUND", error_description: "Method not found!" },
    });
    expect(result_total).toEqual([]); // PHP empty array
    expect(result_next).toEqual([]);
  });

  it("halt stops at the first failing command; numeric keys come back as a list", async () => {
    const r = await rest(emu.baseUrl, "batch", {
      halt: 1,
      cmd: ["crm.company.add?fields[TITLE]=A", "crm.company.get?id=1", "crm.company.add?fields[TITLE]=B"],
    });
    expect(r.body.result.result).toEqual([expect.any(Number)]);
    expect(Object.keys(r.body.result.result_error)).toEqual(["1"]);
    expect(emu.state.count("company")).toBe(1);
  });

  it("reports list totals/next per command and refuses more than 50 commands", async () => {
    await addContacts(60);
    const r = await rest(emu.baseUrl, "batch", { cmd: { all: "crm.contact.list?order[ID]=ASC", odd: "crm.contact.list?filter[NAME]=N7" } });
    expect(r.body.result.result_total).toEqual({ all: 60, odd: 1 });
    expect(r.body.result.result_next).toEqual({ all: 50 });

    const cmd = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`c${i}`, "crm.company.add?fields[TITLE]=X"]));
    expect(await rest(emu.baseUrl, "batch", { cmd })).toMatchObject({ status: 400, body: { error: "ERROR_BATCH_LENGTH_EXCEEDED" } });
    expect(emu.state.count("company")).toBe(0);
  });
});

describe("rate limit (leaky bucket per portal)", () => {
  it("with the cloud defaults (2/s, 50), a burst of 60 gets 50 through and 503 QUERY_LIMIT_EXCEEDED for the rest", async () => {
    const strict = await startBitrix24Emulator();
    try {
      const t = performance.now();
      const answers = await Promise.all(Array.from({ length: 60 }, () => rest(strict.baseUrl, "crm.contact.list", { start: -1 })));
      const burstSeconds = (performance.now() - t) / 1000;
      const ok = answers.filter((a) => a.status === 200).length;
      const limited = answers.filter(
        (a) => a.status === 503 && a.body.error === "QUERY_LIMIT_EXCEEDED" && a.body.error_description === "Too many requests",
      );
      expect(ok).toBeGreaterThanOrEqual(50);
      expect(ok).toBeLessThanOrEqual(50 + Math.ceil(burstSeconds * 2)); // only what drained while the burst arrived
      expect(limited.length).toBe(60 - ok);
      await sleep(600); // 2/s drain frees a slot within half a second
      expect((await rest(strict.baseUrl, "crm.contact.list", { start: -1 })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it("a batch of 50 commands counts as one request", async () => {
    const strict = await startBitrix24Emulator({ bucketLimit: 3 });
    try {
      const cmd = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`c${i}`, `crm.company.add?fields[TITLE]=C${i}`]));
      expect((await rest(strict.baseUrl, "batch", { cmd })).status).toBe(200);
      expect(strict.state.count("company")).toBe(50);
      expect(strict.state.bucketLevel()).toBeLessThan(1.01);
    } finally {
      await strict.close();
    }
  });
});

describe("crm.duplicate.findbycomm", () => {
  it("answers [] when nothing matches and {CONTACT, COMPANY: [ids]} oldest first otherwise", async () => {
    expect((await rest(emu.baseUrl, "crm.duplicate.findbycomm", { type: "EMAIL", values: ["x@y.z"] })).body.result).toEqual([]);
    const [c1, c2] = await addContacts(2, () => ({ EMAIL: [{ VALUE: "Shared@Acme.test" }], PHONE: [{ VALUE: "+7 (900) 123-45-67" }] }));
    const co = (await rest(emu.baseUrl, "crm.company.add", { fields: { TITLE: "ACME", EMAIL: [{ VALUE: "shared@acme.test" }] } })).body
      .result;
    const byEmail = (await rest(emu.baseUrl, "crm.duplicate.findbycomm", { type: "EMAIL", values: ["shared@acme.test"] })).body.result;
    expect(byEmail).toEqual({ CONTACT: [c1, c2], COMPANY: [co] });
    const byPhone = (
      await rest(emu.baseUrl, "crm.duplicate.findbycomm", { type: "PHONE", values: ["79001234567"], entity_type: "CONTACT" })
    ).body.result;
    expect(byPhone).toEqual({ CONTACT: [c1, c2] });
  });

  it("validates type and the 20-value maximum", async () => {
    expect((await rest(emu.baseUrl, "crm.duplicate.findbycomm", { values: ["a@b.c"] })).status).toBe(400);
    const tooMany = Array.from({ length: 21 }, (_, i) => `u${i}@x.test`);
    expect((await rest(emu.baseUrl, "crm.duplicate.findbycomm", { type: "EMAIL", values: tooMany })).status).toBe(400);
  });
});

describe("deals, pipelines and stages", () => {
  const att = BITRIX24_SEED.attendanceCategoryId;

  it("lists pipelines as result.categories and stages with EXTRA.SEMANTICS", async () => {
    const cats = (await rest(emu.baseUrl, "crm.category.list", { entityTypeId: 2 })).body;
    expect(cats.result.categories.map((c: { name: string }) => c.name)).toEqual(["Attendance", "Exhibition services", "General"]);
    const stages = (await rest(emu.baseUrl, "crm.status.list", { filter: { ENTITY_ID: `DEAL_STAGE_${att}` }, order: { SORT: "ASC" } })).body
      .result;
    expect(
      stages.map((s: { STATUS_ID: string; NAME: string; EXTRA: { SEMANTICS: string } }) => [s.STATUS_ID, s.NAME, s.EXTRA.SEMANTICS]),
    ).toEqual([
      [`C${att}:NEW`, "Awaiting verification", "process"],
      [`C${att}:PREPARATION`, "Awaiting visit", "process"],
      [`C${att}:WON`, "Visited", "success"],
      [`C${att}:LOSE`, "Lost", "failure"],
    ]);
    const general = (await rest(emu.baseUrl, "crm.status.list", { filter: { ENTITY_ID: "DEAL_STAGE" } })).body.result;
    expect(general[0].STATUS_ID).toBe("NEW");
  });

  it("puts deals in a pipeline, moves stages within it, and never moves pipelines on update", async () => {
    const id = (await rest(emu.baseUrl, "crm.deal.add", { fields: { TITLE: "Visit", CATEGORY_ID: att } })).body.result;
    expect(emu.state.record("deal", id)).toMatchObject({
      CATEGORY_ID: String(att),
      STAGE_ID: `C${att}:NEW`,
      CLOSED: "N",
      STAGE_SEMANTIC_ID: "P",
    });
    await rest(emu.baseUrl, "crm.deal.update", { id, fields: { CATEGORY_ID: 0, STAGE_ID: `C${att}:WON` } });
    expect(emu.state.record("deal", id)).toMatchObject({
      CATEGORY_ID: String(att),
      STAGE_ID: `C${att}:WON`,
      CLOSED: "Y",
      STAGE_SEMANTIC_ID: "S",
    });
    const wrong = await rest(emu.baseUrl, "crm.deal.update", { id, fields: { STAGE_ID: "WON" } });
    expect(wrong.status).toBe(400);
    const inferred = (await rest(emu.baseUrl, "crm.deal.add", { fields: { STAGE_ID: `C${att}:PREPARATION` } })).body.result;
    expect(emu.state.record("deal", inferred)?.CATEGORY_ID).toBe(String(att));
    const dflt = (await rest(emu.baseUrl, "crm.deal.add", { fields: {} })).body.result;
    expect(emu.state.record("deal", dflt)).toMatchObject({ CATEGORY_ID: "0", STAGE_ID: "NEW", TITLE: `Deal #${dflt}` });
  });

  it("CONTACT_IDS on update replaces the whole list", async () => {
    const [a, b, c] = await addContacts(3);
    const id = (await rest(emu.baseUrl, "crm.deal.add", { fields: { CONTACT_IDS: [a, b] } })).body.result;
    await rest(emu.baseUrl, "crm.deal.update", { id, fields: { CONTACT_IDS: [c] } });
    expect(emu.state.record("deal", id)?.CONTACT_IDS).toEqual([c]);
  });

  it("timeline comments need lower-case fields", async () => {
    const id = (await rest(emu.baseUrl, "crm.deal.add", { fields: {} })).body.result;
    const ok = await rest(emu.baseUrl, "crm.timeline.comment.add", {
      fields: { ENTITY_ID: id, ENTITY_TYPE: "deal", COMMENT: "Checked in at 10:02, kiosk 3" },
    });
    expect(typeof ok.body.result).toBe("number");
    expect(
      (await rest(emu.baseUrl, "crm.timeline.comment.add", { FIELDS: { ENTITY_ID: id, ENTITY_TYPE: "deal", COMMENT: "x" } })).status,
    ).toBe(400);
    expect(emu.state.comments).toEqual([
      expect.objectContaining({ ENTITY_ID: id, ENTITY_TYPE: "deal", COMMENT: "Checked in at 10:02, kiosk 3" }),
    ]);
  });

  it("links contacts to companies and lists users", async () => {
    const [contact] = await addContacts(1);
    const co = (await rest(emu.baseUrl, "crm.company.add", { fields: { TITLE: "ACME" } })).body.result;
    expect((await rest(emu.baseUrl, "crm.contact.company.add", { id: contact, fields: { COMPANY_ID: co } })).body.result).toBe(true);
    expect((await rest(emu.baseUrl, "crm.contact.company.add", { id: contact, fields: { COMPANY_ID: co } })).body.result).toBe(false);
    expect(emu.state.record("contact", contact)).toMatchObject({ COMPANY_ID: String(co), COMPANY_IDS: [co] });
    const users = (await rest(emu.baseUrl, "user.get", { filter: { ACTIVE: true } })).body;
    expect(users.result.map((u: { ID: string }) => u.ID)).toEqual(["1", "3", "5", "7"]);
  });
});

describe("outbound events", () => {
  it("a portal user's edit POSTs ONCRMCOMPANYUPDATE form-urlencoded with auth[application_token]", async () => {
    const sink = await startEventSink();
    try {
      const co = (await rest(emu.baseUrl, "crm.company.add", { fields: { TITLE: "ACME" } })).body.result;
      emu.state.bindEvent("ONCRMCOMPANYUPDATE", sink.url);
      const deliveries = await emu.state.editAsPortalUser("company", co, { TITLE: "ACME Group" });
      expect(deliveries).toEqual([expect.objectContaining({ event: "ONCRMCOMPANYUPDATE", recordId: co, status: 200 })]);
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0].contentType).toBe("application/x-www-form-urlencoded");
      const form = new URLSearchParams(sink.received[0].body);
      expect(form.get("event")).toBe("ONCRMCOMPANYUPDATE");
      expect(form.get("data[FIELDS][ID]")).toBe(String(co));
      expect(form.get("auth[application_token]")).toBe(emu.applicationToken);
      expect(emu.state.record("company", co)).toMatchObject({ TITLE: "ACME Group", MODIFY_BY_ID: "7" });

      // Our own REST update is echoed back too, as on a real portal (loop detection is the app's job).
      await rest(emu.baseUrl, "crm.company.update", { id: co, fields: { TITLE: "ACME" } });
      await emu.state.settleEvents();
      expect(sink.received).toHaveLength(2);
    } finally {
      await sink.close();
    }
  });
});

describe("fault switches", () => {
  it("errorRate injects 503s (HTML or JSON) before anything runs", async () => {
    emu.setFaults({ errorRate: 1 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => rest(emu.baseUrl, "crm.company.add", { fields: { TITLE: "X" } })));
    expect(answers.every((a) => a.status === 503)).toBe(true);
    expect(answers.some((a) => a.contentType.startsWith("text/html"))).toBe(true);
    expect(answers.some((a) => a.body.error === "QUERY_LIMIT_EXCEEDED")).toBe(true);
    expect(emu.state.count("company")).toBe(0);
    emu.setFaults({ errorRate: 0 });
    expect((await rest(emu.baseUrl, "crm.company.add", { fields: { TITLE: "X" } })).status).toBe(200);
  });

  it("an outage refuses connections for its window, then the portal is back on the same port", async () => {
    emu.setFaults({ outage: { fromMs: 0, toMs: 400 }, outageMode: "refuse" });
    await sleep(50);
    await expect(fetch(`${emu.baseUrl}crm.contact.list`, { method: "POST" })).rejects.toThrow();
    await sleep(500);
    expect((await rest(emu.baseUrl, "crm.contact.list")).status).toBe(200);
  });

  it("an outage can also answer 503, and slowMs delays answers", async () => {
    emu.setFaults({ outage: { fromMs: 0, toMs: 300 }, outageMode: "503" });
    expect((await rest(emu.baseUrl, "crm.contact.list")).status).toBe(503);
    emu.setFaults({ outage: null, slowMs: 150 });
    const t = performance.now();
    expect((await rest(emu.baseUrl, "crm.contact.list")).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
  });

  it("blockMethod answers 429 OPERATION_TIME_LIMIT for that method only", async () => {
    emu.blockMethod("crm.deal.list", 10_000);
    expect(await rest(emu.baseUrl, "crm.deal.list")).toMatchObject({ status: 429, body: { error: "OPERATION_TIME_LIMIT" } });
    expect((await rest(emu.baseUrl, "crm.contact.list")).status).toBe(200);
  });
});
