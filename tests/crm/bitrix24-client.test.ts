// The production Bitrix24 client against the emulator: rate, retries, error kinds, batch, paging.
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import {
  Bitrix24Error,
  createBitrix24Client,
  diffMultiField,
  redactWebhookUrl,
  type Bitrix24ClientOptions,
  type BatchCommand,
  type MultiFieldValue,
} from "../../app/services/crm/bitrix24-client.server";
import { startBitrix24Emulator, type Bitrix24Emulator, type Bitrix24EmulatorOptions } from "../emulators/bitrix24";

const open: Bitrix24Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function emulator(opts: Bitrix24EmulatorOptions = {}) {
  const emu = await startBitrix24Emulator({ drainPerSecond: 1000, seed: 11, ...opts });
  open.push(emu);
  return emu;
}

/** Fast retries so failure scenarios finish in a second or two. */
const quick = (emu: Bitrix24Emulator, extra: Partial<Bitrix24ClientOptions> = {}) =>
  createBitrix24Client({
    webhookUrl: emu.baseUrl,
    rateLimitPerSecond: 1000,
    burst: 50,
    retryBaseMs: 20,
    retryMaxMs: 200,
    maxRetries: 12,
    timeoutMs: 10_000,
    ...extra,
  });

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines };
}

describe("rate limiting", () => {
  it("spaces calls at the configured rate after the burst", async () => {
    const emu = await emulator();
    const sentAt: number[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      sentAt.push(performance.now());
      return fetch(input, init);
    };
    const client = createBitrix24Client({ webhookUrl: emu.baseUrl, rateLimitPerSecond: 20, burst: 5, fetch: recordingFetch });
    const t = performance.now();
    await Promise.all(Array.from({ length: 25 }, () => client.call("crm.contact.list", { start: -1 })));
    const seconds = (performance.now() - t) / 1000;
    // (25 - 5) / 20 = 1.0 s at least; scheduling slack can only make it longer
    expect(seconds).toBeGreaterThanOrEqual(0.95);
    expect(seconds).toBeLessThan(10); // gross over-throttling (e.g. one per second) would take 20 s
    // Leaky-bucket bound: by time τ after the start at most burst + rate·τ requests have gone out.
    // One-sided on purpose: a loaded machine can only delay sends, never make this bound pass wrongly.
    expect(sentAt).toHaveLength(25);
    sentAt.forEach((at, k) => expect(at - t).toBeGreaterThanOrEqual(((k + 1 - 5) / 20) * 1000 - 1));
  });

  it("a client set a little under the portal's bucket never sees QUERY_LIMIT_EXCEEDED", async () => {
    // Headroom (burst 10 of 20, 20/s of 25/s) absorbs latency jitter that bunches arrivals at the portal.
    const emu = await emulator({ drainPerSecond: 25, bucketLimit: 20 });
    const client = createBitrix24Client({ webhookUrl: emu.baseUrl, rateLimitPerSecond: 20, burst: 10 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => client.call("crm.company.add", { fields: { TITLE: `C${i}` } })));
    expect(emu.state.count("company")).toBe(40);
    expect(emu.state.requests.filter((r) => r.status === 503)).toHaveLength(0);
    expect(client.stats()).toMatchObject({ requests: 40, retries: 0 });
  });

  it("a client faster than the portal gets 503s, slows down and still delivers everything once", async () => {
    const emu = await emulator({ drainPerSecond: 10, bucketLimit: 3 });
    const client = quick(emu, { rateLimitPerSecond: 200, burst: 50 });
    await Promise.all(Array.from({ length: 15 }, (_, i) => client.call("crm.company.add", { fields: { TITLE: `C${i}` } })));
    expect(emu.state.requests.some((r) => r.error === "QUERY_LIMIT_EXCEEDED")).toBe(true);
    expect(emu.state.count("company")).toBe(15);
    expect(new Set(emu.state.companies.map((c) => c.TITLE)).size).toBe(15);
  });
});

describe("retries", () => {
  it("gets through 30 % injected 503s and a connection-refused outage with exactly the right records", async () => {
    const emu = await emulator();
    const { logger, lines } = captureLogs();
    const client = quick(emu, { logger });
    emu.setFaults({ errorRate: 0.3, outage: { fromMs: 300, toMs: 1300 }, outageMode: "refuse" });

    // 100 contacts one by one (4 in parallel) and 100 more in batches of 25.
    const single = Array.from({ length: 100 }, (_, i) => i);
    const workers = Array.from({ length: 4 }, async () => {
      for (let i = single.shift(); i !== undefined; i = single.shift()) {
        await client.call("crm.contact.add", { fields: { NAME: `S${i}`, ORIGINATOR_ID: "expo-desk", ORIGIN_ID: `s-${i}` } });
      }
    });
    const batches = Array.from({ length: 4 }, (_, b) => {
      const cmds: Record<string, BatchCommand> = {};
      for (let i = 0; i < 25; i++)
        cmds[`r${b * 25 + i}`] = [
          "crm.contact.add",
          { fields: { NAME: `B${b * 25 + i}`, ORIGINATOR_ID: "expo-desk", ORIGIN_ID: `b-${b * 25 + i}` } },
        ];
      return client.batch(cmds);
    });
    const [, batchResults] = await Promise.all([Promise.all(workers), Promise.all(batches)]);

    expect(batchResults.every((r) => Object.keys(r.errors).length === 0 && Object.keys(r.results).length === 25)).toBe(true);
    const origins = emu.state.contacts.map((c) => c.ORIGIN_ID);
    expect(origins).toHaveLength(200);
    expect(new Set(origins).size).toBe(200);
    expect(emu.state.requests.filter((r) => r.injected).length).toBeGreaterThan(10);
    expect(client.stats().retries).toBeGreaterThan(10);
    const retried = lines
      .map((l) => JSON.parse(l) as { msg: string; code?: string })
      .filter((l) => l.msg === "bitrix24 call failed, retrying");
    expect(retried.some((l) => l.code === "NETWORK_ERROR")).toBe(true); // the outage was really hit
    expect(retried.some((l) => l.code === "HTTP_503")).toBe(true); // HTML 503 pages
    expect(retried.some((l) => l.code === "QUERY_LIMIT_EXCEEDED")).toBe(true); // JSON 503s
  });

  it("retries timeouts and gives up after maxRetries with a retryable TIMEOUT", async () => {
    const emu = await emulator();
    emu.setFaults({ slowMs: 300 });
    const client = quick(emu, { timeoutMs: 80, maxRetries: 2 });
    const err = await client.call("crm.contact.list").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Bitrix24Error);
    expect(err).toMatchObject({ kind: "retryable", code: "TIMEOUT", httpStatus: null, attempts: 3 });
  });

  it("waits out OPERATION_TIME_LIMIT on a blocked method", async () => {
    const emu = await emulator();
    const client = quick(emu, { retryBaseMs: 100 });
    const t = performance.now();
    emu.blockMethod("crm.deal.list", 500);
    await expect(client.call("crm.deal.list")).resolves.toEqual([]);
    expect(performance.now() - t).toBeGreaterThanOrEqual(495); // success only once unblocked
    expect(emu.state.calls("crm.deal.list").filter((r) => r.error === "OPERATION_TIME_LIMIT").length).toBeGreaterThanOrEqual(1);
  });
});

describe("ambiguous failures (the portal may have applied the call)", () => {
  it("a lost answer to an add is flagged; with retryAmbiguous: false it is not re-sent", async () => {
    const emu = await emulator();
    emu.setFaults({ lostResponseRate: 1 });
    const client = quick(emu, { maxRetries: 2 });
    const err = await client.call("crm.company.add", { fields: { TITLE: "Once" } }, { retryAmbiguous: false }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "retryable", code: "NETWORK_ERROR", ambiguous: true, attempts: 1 });
    expect(emu.state.count("company")).toBe(1); // applied although no answer came back
    // Blind retries of an add duplicate it: why the sync looks records up (ORIGIN_ID) before re-creating.
    await client.call("crm.company.add", { fields: { TITLE: "Twice" } }).catch(() => undefined);
    expect(emu.state.companies.filter((c) => c.TITLE === "Twice")).toHaveLength(3);
  });

  it("503s and refused connections are not ambiguous, so they are retried even then", async () => {
    const emu = await emulator();
    emu.setFaults({ errorRate: 1 });
    const client = quick(emu, { maxRetries: 1 });
    const busy = await client.call("crm.company.add", { fields: { TITLE: "x" } }, { retryAmbiguous: false }).catch((e: unknown) => e);
    expect(busy).toMatchObject({ kind: "retryable", httpStatus: 503, ambiguous: false, attempts: 2 });
    expect(emu.state.count("company")).toBe(0);
    // A port nobody listens on: refused before anything was sent (a pooled socket would give a reset).
    const gone = await startBitrix24Emulator();
    await gone.close();
    const down = await createBitrix24Client({ webhookUrl: gone.baseUrl, maxRetries: 0 })
      .call("crm.company.add", {}, { retryAmbiguous: false })
      .catch((e: unknown) => e);
    expect(down).toMatchObject({ code: "NETWORK_ERROR", description: "ECONNREFUSED", ambiguous: false });
  });
});

describe("errors that must not be retried", () => {
  it("a validation error fails at once with the CRM's own text", async () => {
    const emu = await emulator();
    const client = quick(emu);
    const err = await client
      .call("crm.contact.add", { fields: { NAME: "X", EMAIL: [{ VALUE: "anna@", VALUE_TYPE: "WORK" }] } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: "validation",
      code: "ERROR_CORE",
      httpStatus: 400,
      attempts: 1,
      description: 'The field "Work e-mail" contains an invalid address',
    });
    expect(emu.state.calls("crm.contact.add")).toHaveLength(1);
  });

  it("a CRM-side rejection inside a batch fails only that record", async () => {
    const emu = await emulator();
    emu.state.rejectField({ entity: "contact", field: "LAST_NAME", value: "Reject", message: "Contact data is not allowed by the CRM" });
    const client = quick(emu);
    const cmds: Record<string, BatchCommand> = {};
    for (let i = 0; i < 5; i++) cmds[`p${i}`] = ["crm.contact.add", { fields: { NAME: `P${i}`, LAST_NAME: i === 3 ? "Reject" : "Ok" } }];
    const r = await client.batch(cmds);
    expect(Object.keys(r.results).sort()).toEqual(["p0", "p1", "p2", "p4"]);
    expect(r.errors.p3).toMatchObject({ kind: "validation", code: "ERROR_CORE", description: "Contact data is not allowed by the CRM" });
    expect(emu.state.count("contact")).toBe(4);
  });

  it("an auth error is not retried and the secret stays out of errors and logs", async () => {
    const emu = await emulator();
    const { logger, lines } = captureLogs();
    const wrongUrl = emu.baseUrl.replace(emu.secret, "0123456789abcdef");
    const client = quick(emu, { webhookUrl: wrongUrl, logger });
    const err = await client.call("crm.contact.list").catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "auth", code: "INVALID_CREDENTIALS", httpStatus: 401, attempts: 1 });
    expect(emu.state.requests).toHaveLength(1);
    const everything = [String(err), JSON.stringify(err), lines.join("")].join("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain("0123456789abcdef");
    expect(redactWebhookUrl(wrongUrl)).toBe(`http://127.0.0.1:${emu.port}/rest/1/***/`);
  });

  it("an unknown method is a config error, not retried", async () => {
    const emu = await emulator();
    const err = await quick(emu)
      .call("crm.contact.frobnicate")
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "config", code: "ERROR_METHOD_NOT_FOUND", httpStatus: 404, attempts: 1 });
  });

  it("refuses webhook URLs that would leak the secret or are not webhooks", () => {
    expect(() => createBitrix24Client({ webhookUrl: "http://portal.example/rest/1/abc/" })).toThrow(/https/);
    expect(() => createBitrix24Client({ webhookUrl: "https://portal.example/crm/" })).toThrow(Bitrix24Error);
  });
});

describe("batch", () => {
  it("encodes params as PHP query strings, resolves $result references and returns per-command errors", async () => {
    const emu = await emulator();
    const client = quick(emu);
    const r = await client.batch({
      company: ["crm.company.add", { fields: { TITLE: "Ёлка & Co", PHONE: [{ VALUE: "+7 900 000-00-01", VALUE_TYPE: "WORK" }] } }],
      person: [
        "crm.contact.add",
        { fields: { NAME: "Anna", COMPANY_ID: "$result[company]", EMAIL: [{ VALUE: "anna+expo@acme.test", VALUE_TYPE: "WORK" }] } },
      ],
      missing: ["crm.contact.get", { id: 1 }],
    });
    expect(r.errors.missing).toMatchObject({ kind: "validation", code: "", description: "Not found" });
    const company = emu.state.record("company", r.results.company as number)!;
    expect(company.TITLE).toBe("Ёлка & Co");
    expect(emu.state.record("contact", r.results.person as number)).toMatchObject({
      COMPANY_ID: company.ID,
      EMAIL: [expect.objectContaining({ VALUE: "anna+expo@acme.test" })],
    });
    expect(client.stats().requests).toBe(1);
  });

  it("reports commands skipped by halt", async () => {
    const emu = await emulator();
    const r = await quick(emu).batch(
      { a: ["crm.contact.get", { id: 5 }], b: ["crm.company.add", { fields: { TITLE: "never" } }] },
      { halt: true },
    );
    expect(Object.keys(r.errors)).toEqual(["a"]);
    expect(r.skipped).toEqual(["b"]);
    expect(emu.state.count("company")).toBe(0);
  });

  it("refuses more than 50 commands without sending anything", async () => {
    const emu = await emulator();
    const cmds = Object.fromEntries(
      Array.from({ length: 51 }, (_, i) => [`c${i}`, ["crm.company.add", { fields: { TITLE: "x" } }] as const]),
    );
    await expect(quick(emu).batch(cmds)).rejects.toMatchObject({ kind: "config", code: "ERROR_BATCH_LENGTH_EXCEEDED" });
    expect(emu.state.requests).toHaveLength(0);
  });
});

describe("paging", () => {
  it("listAll reads every row with >ID + start=-1 pages", async () => {
    const emu = await emulator();
    const client = quick(emu);
    for (let b = 0; b < 3; b++) {
      const cmds: Record<string, BatchCommand> = {};
      for (let i = 0; i < 40; i++)
        cmds[`c${i}`] = ["crm.contact.add", { fields: { NAME: `N${b * 40 + i}`, PHONE: [{ VALUE: `+1${b}${i}` }] } }];
      await client.batch(cmds);
    }
    const rows = await client.listAll<{ ID: string; NAME: string; PHONE?: unknown[] }>("crm.contact.list", { select: ["NAME", "PHONE"] });
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((r) => r.ID)).size).toBe(120);
    expect(rows.every((r) => r.PHONE?.length === 1)).toBe(true);
    const pages = emu.state.calls("crm.contact.list");
    expect(pages).toHaveLength(3); // 50 + 50 + 20
    expect(pages.every((p) => String(p.params?.start) === "-1")).toBe(true);
  });

  it("listPaged follows next for methods paged by start", async () => {
    const emu = await emulator();
    const users = await quick(emu).listPaged<{ ID: string }>("user.get", { filter: { ACTIVE: true } });
    expect(users.map((u) => u.ID)).toEqual(["1", "3", "5", "7"]);
  });
});

describe("diffMultiField", () => {
  const existing: MultiFieldValue[] = [
    { ID: "11", VALUE: "+7 (900) 111-22-33", VALUE_TYPE: "WORK" },
    { ID: "12", VALUE: "+7 900 444 55 66", VALUE_TYPE: "MOBILE" },
  ];

  it("keeps values that match after normalisation, deletes removed ones, adds new ones without ID", () => {
    expect(diffMultiField(existing, ["+79001112233", "+7 900 777 88 99"], "PHONE")).toEqual([
      { ID: "12", DELETE: "Y" },
      { VALUE: "+7 900 777 88 99", VALUE_TYPE: "WORK" },
    ]);
    expect(diffMultiField(existing, ["+7 900 111 22 33", "+7-900-444-55-66"], "PHONE")).toEqual([]);
    expect(
      diffMultiField(
        [
          { ID: 1, VALUE: "Anna@Acme.test" },
          { ID: 2, VALUE: "anna@acme.test" },
        ],
        ["ANNA@acme.test"],
        "EMAIL",
      ),
    ).toEqual([{ ID: 2, DELETE: "Y" }]);
  });

  it("updating a contact's phones through the CRM never duplicates them", async () => {
    const emu = await emulator();
    const client = quick(emu);
    const id = await client.call<number>("crm.contact.add", {
      fields: {
        NAME: "Anna",
        PHONE: [
          { VALUE: "+7 (900) 111-22-33", VALUE_TYPE: "WORK" },
          { VALUE: "+7 900 444 55 66", VALUE_TYPE: "MOBILE" },
        ],
      },
    });
    const phoneIds = new Map<string, string>(); // digits -> value ID, must never change once seen
    for (const wanted of [["+79001112233", "+79007778899"], ["+79001112233", "+79007778899"], ["+7 900 777 88 99"]]) {
      const current = await client.call<{ PHONE?: MultiFieldValue[] }>("crm.contact.get", { id });
      const phones = diffMultiField(current.PHONE, wanted, "PHONE", { valueType: "MOBILE" });
      if (phones.length) await client.call("crm.contact.update", { id, fields: { PHONE: phones } });
      const after = (await client.call<{ PHONE?: MultiFieldValue[] }>("crm.contact.get", { id })).PHONE ?? [];
      expect(after.map((p) => p.VALUE.replace(/\D/g, "")).sort()).toEqual(wanted.map((w) => w.replace(/\D/g, "")).sort());
      for (const p of after) {
        const digits = p.VALUE.replace(/\D/g, "");
        expect(phoneIds.get(digits) ?? String(p.ID)).toBe(String(p.ID));
        phoneIds.set(digits, String(p.ID));
      }
    }
    expect(emu.state.calls("crm.contact.update")).toHaveLength(2); // the unchanged round sent nothing
  });
});
