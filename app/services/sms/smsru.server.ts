import { classifySmsRuCode, deliveryStatus, isFinal, type SmsDeliveryStatus, type SmsErrorReason } from "./smsru-codes";

// A client for SMS.RU's HTTP API (POST {baseUrl}/sms/send and /sms/status with json=1).
// The base URL is configurable so tests and demos talk to tests/emulators/smsru.ts.
// Requests are POSTed form bodies: the api_id then stays out of URLs and access logs.

export type { SmsDeliveryStatus, SmsErrorReason };

export interface SmsRuClientOptions {
  apiId: string;
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Approved sender name; SMS.RU's default sender when omitted. */
  from?: string;
  /** SMS.RU's test mode (test=1): validated and answered, but not sent or charged. */
  test?: boolean;
  timeoutMs?: number;
}

export interface SmsSendResult {
  smsId: string;
  status: SmsDeliveryStatus;
  statusCode: number;
  /** Account balance after the send, in roubles, when SMS.RU reports it. */
  balance?: number;
}

export interface SmsStatusResult {
  smsId: string;
  status: SmsDeliveryStatus;
  statusCode: number;
  statusText?: string;
  cost?: number;
  /** No further change is expected (delivered, read or failed). */
  final: boolean;
}

export interface SmsRuClient {
  /** `to` in E.164 (+79161234567). Throws SmsError on any failure. */
  send(to: string, text: string): Promise<SmsSendResult>;
  status(smsId: string): Promise<SmsStatusResult>;
}

export class SmsError extends Error {
  constructor(
    message: string,
    readonly kind: "permanent" | "temporary",
    readonly reason: SmsErrorReason,
    /** SMS.RU status_code, when the error came from SMS.RU. */
    readonly statusCode?: number,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SmsError";
  }
}

interface SmsRuEntry {
  status?: string;
  status_code?: number | string;
  status_text?: string;
  sms_id?: string;
  cost?: number | string;
}

interface SmsRuAnswer extends SmsRuEntry {
  sms?: Record<string, SmsRuEntry>;
  balance?: number | string;
}

const E164 = /^\+[1-9][0-9]{7,14}$/;

export function createSmsRuClient(options: SmsRuClientOptions): SmsRuClient {
  const baseUrl = (options.baseUrl ?? "https://sms.ru").replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call(method: string, params: Record<string, string>): Promise<SmsRuAnswer> {
    const body = new URLSearchParams({ api_id: options.apiId, ...params, json: "1" });
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}/${method}`, { method: "POST", body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new SmsError(`SMS.RU ${method}: ${(err as Error).message}`, "temporary", "network", undefined, undefined, { cause: err });
    }
    const text = await response.text().catch(() => "");
    if (!response.ok) {
      // 5xx and 429 are the service's trouble; another 4xx means our request is wrong.
      const temporary = response.status >= 500 || response.status === 429;
      throw new SmsError(`SMS.RU ${method}: HTTP ${response.status}`, temporary ? "temporary" : "permanent",
        temporary ? "unavailable" : "bad-request", undefined, response.status);
    }
    let answer: SmsRuAnswer;
    try {
      answer = JSON.parse(text) as SmsRuAnswer;
    } catch {
      throw new SmsError(`SMS.RU ${method}: not JSON: ${text.slice(0, 100)}`, "temporary", "protocol", undefined, response.status);
    }
    if (answer.status !== "OK") throw errorFrom(method, answer);
    return answer;
  }

  return {
    async send(to, text) {
      if (!E164.test(to)) throw new SmsError(`not an E.164 phone number: ${to}`, "permanent", "bad-recipient");
      if (!text.trim()) throw new SmsError("empty SMS text", "permanent", "bad-request");
      const phone = to.slice(1); // SMS.RU wants digits only
      const params: Record<string, string> = { to: phone, msg: text };
      if (options.from) params.from = options.from;
      if (options.test) params.test = "1";
      const answer = await call("sms/send", params);
      const entry = entryFor(answer, phone);
      if (!entry || entry.status !== "OK" || !entry.sms_id) throw errorFrom("sms/send", entry ?? { status_code: undefined });
      const statusCode = Number(entry.status_code ?? 100);
      return { smsId: entry.sms_id, status: deliveryStatus(statusCode), statusCode, balance: numberOrUndefined(answer.balance) };
    },

    async status(smsId) {
      const answer = await call("sms/status", { sms_id: smsId });
      const entry = entryFor(answer, smsId);
      const statusCode = Number(entry?.status_code ?? -1);
      // -1 = "message not found": may simply be too early, so it is a status, not an error.
      const status = entry?.status === "OK" ? deliveryStatus(statusCode) : "unknown";
      return { smsId, status, statusCode, statusText: entry?.status_text, cost: numberOrUndefined(entry?.cost), final: isFinal(status) };
    },
  };
}

/** The answer is keyed by phone (send) or sms_id (status); fall back to a lone entry if SMS.RU reformatted the key. */
function entryFor(answer: SmsRuAnswer, key: string): SmsRuEntry | undefined {
  const entries = answer.sms ?? {};
  if (entries[key]) return entries[key];
  const values = Object.values(entries);
  return values.length === 1 ? values[0] : undefined;
}

function errorFrom(method: string, entry: SmsRuEntry): SmsError {
  const code = Number(entry.status_code);
  if (!Number.isFinite(code)) return new SmsError(`SMS.RU ${method}: unexpected answer`, "temporary", "protocol");
  const { kind, reason } = classifySmsRuCode(code);
  return new SmsError(`SMS.RU ${method}: ${code} ${entry.status_text ?? ""}`.trim(), kind, reason, code);
}

function numberOrUndefined(value: number | string | undefined): number | undefined {
  const n = Number(value);
  return value === undefined || !Number.isFinite(n) ? undefined : n;
}
