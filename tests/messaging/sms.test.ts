import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { freePort } from "../../app/server/embedded-postgres";
import { createSmsRuClient, SmsError, type SmsRuClient } from "~/services/sms/smsru.server";
import { startSmsRuEmulator, type SmsRuEmulator } from "../emulators/smsru";
import { rejectionOf } from "../setup/rejection";

const API_ID = "00000000-1111-2222-3333-444444444444";
let emulator: SmsRuEmulator;
let client: SmsRuClient;
let phoneCounter = 0;
/** A fresh valid Russian number per test, so per-number limits never leak between tests. */
const nextPhone = () => `+7916${String(1_000_000 + phoneCounter++).padStart(7, "0")}`;

beforeAll(async () => {
  emulator = await startSmsRuEmulator({ apiId: API_ID, balance: 50, costPerSms: 2, blockedNumbers: ["79990000000"], dailyLimitPerNumber: 3 });
  client = createSmsRuClient({ apiId: API_ID, baseUrl: emulator.baseUrl });
});
afterAll(() => emulator?.close());
afterEach(() => emulator.setFaults({ unavailable: false, failNext: 0 }));

const failure = (promise: Promise<unknown>) => rejectionOf(promise, SmsError);

describe("SMS.RU client against the emulator", () => {
  test("sends: the emulator records the message, the answer carries the id, status and balance", async () => {
    const to = nextPhone();
    const before = emulator.balance();
    const result = await client.send(to, "Завтра «СтройЭкспо», 10:00. Ваш QR в письме.");
    expect(result).toMatchObject({ status: "queued", statusCode: 100, balance: before - 2 });
    expect(result.smsId).toMatch(/^\d{6}-\d{7}$/);
    expect(emulator.sent.at(-1)).toMatchObject({ smsId: result.smsId, to: to.slice(1), text: "Завтра «СтройЭкспо», 10:00. Ваш QR в письме.", test: false });
    expect(await client.status(result.smsId)).toEqual({
      smsId: result.smsId,
      status: "delivered",
      statusCode: 103,
      statusText: "Сообщение доставлено",
      cost: 2,
      final: true,
    });
  });

  test("delivery failures and unknown ids are statuses, not errors", async () => {
    const { smsId } = await client.send(nextPhone(), "hello");
    emulator.setStatus(smsId, 106);
    expect(await client.status(smsId)).toMatchObject({ status: "failed", statusCode: 106, final: true });
    expect(await client.status("000000-0000000")).toMatchObject({ status: "unknown", statusCode: -1, final: false });
  });

  test("a bad number is permanent (202, 207), and a malformed one never reaches the API", async () => {
    const count = emulator.sent.length;
    expect(await failure(client.send("+123456789", "x"))).toMatchObject({ kind: "permanent", reason: "bad-recipient", statusCode: 202 });
    expect(await failure(client.send("+79990000000", "x"))).toMatchObject({ kind: "permanent", reason: "bad-recipient", statusCode: 207 });
    const local = await failure(client.send("8 (916) 123-45-67", "x"));
    expect(local).toMatchObject({ kind: "permanent", reason: "bad-recipient", statusCode: undefined });
    expect(emulator.sent.length).toBe(count);
  });

  test("a wrong api_id is permanent", async () => {
    const wrong = createSmsRuClient({ apiId: "wrong", baseUrl: emulator.baseUrl });
    expect(await failure(wrong.send(nextPhone(), "x"))).toMatchObject({ kind: "permanent", reason: "auth", statusCode: 200 });
  });

  test("service unavailable (220) is temporary, and sending works again afterwards", async () => {
    emulator.setFaults({ unavailable: true });
    expect(await failure(client.send(nextPhone(), "x"))).toMatchObject({ kind: "temporary", reason: "unavailable", statusCode: 220 });
    emulator.setFaults({ unavailable: false });
    await expect(client.send(nextPhone(), "x")).resolves.toMatchObject({ status: "queued" });
  });

  test("an HTTP 500 page and an SMS.RU 500 code are temporary; only the next N requests fail", async () => {
    emulator.setFaults({ failNext: 1 });
    expect(await failure(client.send(nextPhone(), "x"))).toMatchObject({ kind: "temporary", reason: "unavailable", httpStatus: 500 });
    emulator.setFaults({ failNext: { count: 1, statusCode: 500 } });
    expect(await failure(client.send(nextPhone(), "x"))).toMatchObject({ kind: "temporary", statusCode: 500 });
    await expect(client.send(nextPhone(), "x")).resolves.toMatchObject({ status: "queued" });
  });

  test("rate limits: the same text within a minute (231), more than the daily limit per number (230)", async () => {
    const to = nextPhone();
    await client.send(to, "one");
    expect(await failure(client.send(to, "one"))).toMatchObject({ kind: "temporary", reason: "rate-limit", statusCode: 231 });
    await client.send(to, "two");
    await client.send(to, "three");
    expect(await failure(client.send(to, "four"))).toMatchObject({ kind: "temporary", reason: "rate-limit", statusCode: 230 });
  });

  test("an unreachable service is a temporary network error", async () => {
    const port = await freePort();
    const offline = createSmsRuClient({ apiId: API_ID, baseUrl: `http://127.0.0.1:${port}` });
    expect(await failure(offline.send(nextPhone(), "x"))).toMatchObject({ kind: "temporary", reason: "network" });
  });

  test("the api_id travels in the POST body, not in the URL", async () => {
    const seen: Array<{ url: string; body: string }> = [];
    const spy: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), body: String(init?.body) });
      return fetch(input, init);
    };
    const spied = createSmsRuClient({ apiId: API_ID, baseUrl: `${emulator.baseUrl}/`, fetch: spy, test: true, from: "ExpoDesk" });
    const { smsId } = await spied.send(nextPhone(), "test mode");
    expect(seen[0].url).toBe(`${emulator.baseUrl}/sms/send`);
    expect(new URLSearchParams(seen[0].body).get("api_id")).toBe(API_ID);
    expect(new URLSearchParams(seen[0].body).get("json")).toBe("1");
    expect(emulator.sent.find((s) => s.smsId === smsId)).toMatchObject({ test: true, from: "ExpoDesk" });
  });

  test("low balance (201) is temporary: someone can top up", async () => {
    const poor = await startSmsRuEmulator({ apiId: API_ID, balance: 1, costPerSms: 2 });
    try {
      const c = createSmsRuClient({ apiId: API_ID, baseUrl: poor.baseUrl });
      expect(await failure(c.send(nextPhone(), "x"))).toMatchObject({ kind: "temporary", reason: "balance", statusCode: 201 });
    } finally {
      await poor.close();
    }
  });

  test("the emulator also answers GET requests with the query string, as SMS.RU does", async () => {
    const to = nextPhone().slice(1);
    const response = await fetch(`${emulator.baseUrl}/sms/send?api_id=${API_ID}&to=${to}&msg=hello+world&json=1`);
    const body = (await response.json()) as { status: string; sms: Record<string, { status: string; sms_id: string }> };
    expect(body.status).toBe("OK");
    expect(body.sms[to]).toMatchObject({ status: "OK" });
    expect(emulator.sent.at(-1)).toMatchObject({ to, text: "hello world" });
  });
});
