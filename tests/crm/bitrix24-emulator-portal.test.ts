// Protocol tests of the Bitrix24 emulator over plain HTTP, the portal side: its rate limit,
// duplicate search, pipelines and stages, outbound events and fault switches.
import { describe, expect, it } from "vitest";
import { BITRIX24_SEED, startBitrix24Emulator } from "../emulators/bitrix24";
import { waitFor } from "../setup/wait";
import { emulatorPerTest, rest, startEventSink } from "./b24-helpers";

const b24 = emulatorPerTest();

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
      // The 2/s drain frees a slot within half a second; then the next request goes through.
      await waitFor("the drain to free a slot", () => strict.state.bucketLevel() < 50, { timeoutMs: 2_000, everyMs: 20 });
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
    expect((await rest(b24.emu.baseUrl, "crm.duplicate.findbycomm", { type: "EMAIL", values: ["x@y.z"] })).body.result).toEqual([]);
    const [c1, c2] = await b24.addContacts(2, () => ({ EMAIL: [{ VALUE: "Shared@Acme.test" }], PHONE: [{ VALUE: "+7 (900) 123-45-67" }] }));
    const co = (await rest(b24.emu.baseUrl, "crm.company.add", { fields: { TITLE: "ACME", EMAIL: [{ VALUE: "shared@acme.test" }] } })).body
      .result;
    const byEmail = (await rest(b24.emu.baseUrl, "crm.duplicate.findbycomm", { type: "EMAIL", values: ["shared@acme.test"] })).body.result;
    expect(byEmail).toEqual({ CONTACT: [c1, c2], COMPANY: [co] });
    const byPhone = (
      await rest(b24.emu.baseUrl, "crm.duplicate.findbycomm", { type: "PHONE", values: ["79001234567"], entity_type: "CONTACT" })
    ).body.result;
    expect(byPhone).toEqual({ CONTACT: [c1, c2] });
  });

  it("validates type and the 20-value maximum", async () => {
    expect((await rest(b24.emu.baseUrl, "crm.duplicate.findbycomm", { values: ["a@b.c"] })).status).toBe(400);
    const tooMany = Array.from({ length: 21 }, (_, i) => `u${i}@x.test`);
    expect((await rest(b24.emu.baseUrl, "crm.duplicate.findbycomm", { type: "EMAIL", values: tooMany })).status).toBe(400);
  });
});

describe("deals, pipelines and stages", () => {
  const att = BITRIX24_SEED.attendanceCategoryId;

  it("lists pipelines as result.categories and stages with EXTRA.SEMANTICS", async () => {
    const cats = (await rest(b24.emu.baseUrl, "crm.category.list", { entityTypeId: 2 })).body;
    expect(cats.result.categories.map((c: { name: string }) => c.name)).toEqual(["Attendance", "Exhibition services", "General"]);
    const stages = (await rest(b24.emu.baseUrl, "crm.status.list", { filter: { ENTITY_ID: `DEAL_STAGE_${att}` }, order: { SORT: "ASC" } }))
      .body.result;
    expect(
      stages.map((s: { STATUS_ID: string; NAME: string; EXTRA: { SEMANTICS: string } }) => [s.STATUS_ID, s.NAME, s.EXTRA.SEMANTICS]),
    ).toEqual([
      [`C${att}:NEW`, "Awaiting verification", "process"],
      [`C${att}:PREPARATION`, "Awaiting visit", "process"],
      [`C${att}:WON`, "Visited", "success"],
      [`C${att}:LOSE`, "Lost", "failure"],
    ]);
    const general = (await rest(b24.emu.baseUrl, "crm.status.list", { filter: { ENTITY_ID: "DEAL_STAGE" } })).body.result;
    expect(general[0].STATUS_ID).toBe("NEW");
  });

  it("puts deals in a pipeline, moves stages within it, and never moves pipelines on update", async () => {
    const id = (await rest(b24.emu.baseUrl, "crm.deal.add", { fields: { TITLE: "Visit", CATEGORY_ID: att } })).body.result;
    expect(b24.emu.state.record("deal", id)).toMatchObject({
      CATEGORY_ID: String(att),
      STAGE_ID: `C${att}:NEW`,
      CLOSED: "N",
      STAGE_SEMANTIC_ID: "P",
    });
    await rest(b24.emu.baseUrl, "crm.deal.update", { id, fields: { CATEGORY_ID: 0, STAGE_ID: `C${att}:WON` } });
    expect(b24.emu.state.record("deal", id)).toMatchObject({
      CATEGORY_ID: String(att),
      STAGE_ID: `C${att}:WON`,
      CLOSED: "Y",
      STAGE_SEMANTIC_ID: "S",
    });
    const wrong = await rest(b24.emu.baseUrl, "crm.deal.update", { id, fields: { STAGE_ID: "WON" } });
    expect(wrong.status).toBe(400);
    const inferred = (await rest(b24.emu.baseUrl, "crm.deal.add", { fields: { STAGE_ID: `C${att}:PREPARATION` } })).body.result;
    expect(b24.emu.state.record("deal", inferred)?.CATEGORY_ID).toBe(String(att));
    const dflt = (await rest(b24.emu.baseUrl, "crm.deal.add", { fields: {} })).body.result;
    expect(b24.emu.state.record("deal", dflt)).toMatchObject({ CATEGORY_ID: "0", STAGE_ID: "NEW", TITLE: `Deal #${dflt}` });
  });

  it("CONTACT_IDS on update replaces the whole list", async () => {
    const [a, b, c] = await b24.addContacts(3);
    const id = (await rest(b24.emu.baseUrl, "crm.deal.add", { fields: { CONTACT_IDS: [a, b] } })).body.result;
    await rest(b24.emu.baseUrl, "crm.deal.update", { id, fields: { CONTACT_IDS: [c] } });
    expect(b24.emu.state.record("deal", id)?.CONTACT_IDS).toEqual([c]);
  });

  it("timeline comments need lower-case fields", async () => {
    const id = (await rest(b24.emu.baseUrl, "crm.deal.add", { fields: {} })).body.result;
    const ok = await rest(b24.emu.baseUrl, "crm.timeline.comment.add", {
      fields: { ENTITY_ID: id, ENTITY_TYPE: "deal", COMMENT: "Checked in at 10:02, kiosk 3" },
    });
    expect(typeof ok.body.result).toBe("number");
    expect(
      (await rest(b24.emu.baseUrl, "crm.timeline.comment.add", { FIELDS: { ENTITY_ID: id, ENTITY_TYPE: "deal", COMMENT: "x" } })).status,
    ).toBe(400);
    expect(b24.emu.state.comments).toEqual([
      expect.objectContaining({ ENTITY_ID: id, ENTITY_TYPE: "deal", COMMENT: "Checked in at 10:02, kiosk 3" }),
    ]);
  });

  it("links contacts to companies and lists users", async () => {
    const [contact] = await b24.addContacts(1);
    const co = (await rest(b24.emu.baseUrl, "crm.company.add", { fields: { TITLE: "ACME" } })).body.result;
    expect((await rest(b24.emu.baseUrl, "crm.contact.company.add", { id: contact, fields: { COMPANY_ID: co } })).body.result).toBe(true);
    expect((await rest(b24.emu.baseUrl, "crm.contact.company.add", { id: contact, fields: { COMPANY_ID: co } })).body.result).toBe(false);
    expect(b24.emu.state.record("contact", contact)).toMatchObject({ COMPANY_ID: String(co), COMPANY_IDS: [co] });
    const users = (await rest(b24.emu.baseUrl, "user.get", { filter: { ACTIVE: true } })).body;
    expect(users.result.map((u: { ID: string }) => u.ID)).toEqual(["1", "3", "5", "7"]);
  });
});

describe("outbound events", () => {
  it("a portal user's edit POSTs ONCRMCOMPANYUPDATE form-urlencoded with auth[application_token]", async () => {
    const sink = await startEventSink();
    try {
      const co = (await rest(b24.emu.baseUrl, "crm.company.add", { fields: { TITLE: "ACME" } })).body.result;
      b24.emu.state.bindEvent("ONCRMCOMPANYUPDATE", sink.url);
      const deliveries = await b24.emu.state.editAsPortalUser("company", co, { TITLE: "ACME Group" });
      expect(deliveries).toEqual([expect.objectContaining({ event: "ONCRMCOMPANYUPDATE", recordId: co, status: 200 })]);
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0].contentType).toBe("application/x-www-form-urlencoded");
      const form = new URLSearchParams(sink.received[0].body);
      expect(form.get("event")).toBe("ONCRMCOMPANYUPDATE");
      expect(form.get("data[FIELDS][ID]")).toBe(String(co));
      expect(form.get("auth[application_token]")).toBe(b24.emu.applicationToken);
      expect(b24.emu.state.record("company", co)).toMatchObject({ TITLE: "ACME Group", MODIFY_BY_ID: "7" });

      // Our own REST update is echoed back too, as on a real portal (loop detection is the app's job).
      await rest(b24.emu.baseUrl, "crm.company.update", { id: co, fields: { TITLE: "ACME" } });
      await b24.emu.state.settleEvents();
      expect(sink.received).toHaveLength(2);
    } finally {
      await sink.close();
    }
  });
});

describe("fault switches", () => {
  it("errorRate injects 503s (HTML or JSON) before anything runs", async () => {
    b24.emu.setFaults({ errorRate: 1 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => rest(b24.emu.baseUrl, "crm.company.add", { fields: { TITLE: "X" } })),
    );
    expect(answers.every((a) => a.status === 503)).toBe(true);
    expect(answers.some((a) => a.contentType.startsWith("text/html"))).toBe(true);
    expect(answers.some((a) => a.body.error === "QUERY_LIMIT_EXCEEDED")).toBe(true);
    expect(b24.emu.state.count("company")).toBe(0);
    b24.emu.setFaults({ errorRate: 0 });
    expect((await rest(b24.emu.baseUrl, "crm.company.add", { fields: { TITLE: "X" } })).status).toBe(200);
  });

  it("an outage refuses connections for its window, then the portal is back on the same port", async () => {
    b24.emu.setFaults({ outage: { fromMs: 0, toMs: 400 }, outageMode: "refuse" });
    // The listener closes as soon as the window opens; it reopens on the same port when it ends.
    await waitFor(
      "connections to be refused",
      () =>
        fetch(`${b24.emu.baseUrl}crm.contact.list`, { method: "POST" }).then(
          () => false,
          () => true,
        ),
      { everyMs: 20 },
    );
    // Back on the same port (the wait fails the test if it never answers 200).
    await waitFor("the portal to answer after the outage", async () => (await rest(b24.emu.baseUrl, "crm.contact.list")).status === 200, {
      timeoutMs: 5_000,
    });
  });

  it("an outage can also answer 503, and slowMs delays answers", async () => {
    b24.emu.setFaults({ outage: { fromMs: 0, toMs: 5000 }, outageMode: "503" }); // wide: a loaded machine is slow to send
    expect((await rest(b24.emu.baseUrl, "crm.contact.list")).status).toBe(503);
    b24.emu.setFaults({ outage: null, slowMs: 150 });
    const t = performance.now();
    expect((await rest(b24.emu.baseUrl, "crm.contact.list")).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
  });

  it("blockMethod answers 429 OPERATION_TIME_LIMIT for that method only", async () => {
    b24.emu.blockMethod("crm.deal.list", 10_000);
    expect(await rest(b24.emu.baseUrl, "crm.deal.list")).toMatchObject({ status: 429, body: { error: "OPERATION_TIME_LIMIT" } });
    expect((await rest(b24.emu.baseUrl, "crm.contact.list")).status).toBe(200);
  });
});
