// Bitrix24 REST client over an incoming webhook. The same code talks to a real portal and to the
// loopback emulator (tests/emulators/bitrix24.ts). Protocol notes: shared/reference/bitrix24.md.
//
// - a client-side leaky bucket keeps us under the portal's limit (default 2 req/s, burst 50);
// - QUERY_LIMIT_EXCEEDED, OPERATION_TIME_LIMIT, HTTP 5xx, timeouts and network errors are retried
//   with bounded exponential backoff and jitter; auth, config and method (validation) errors never;
// - the webhook secret never reaches logs or error messages.
import { Bitrix24Error } from "./bitrix24-errors.server";
import { encodePhpQuery } from "./bitrix24-query.server";
import { LeakyBucket } from "./leaky-bucket.server";

export { Bitrix24Error, classifyBitrix24Error, type Bitrix24ErrorKind } from "./bitrix24-errors.server";
export {
  diffMultiField,
  normalizeMultiValue,
  type MultiFieldKind,
  type MultiFieldUpdateItem,
  type MultiFieldValue,
} from "./bitrix24-multifield.server";
export { encodePhpQuery } from "./bitrix24-query.server";

export const BITRIX24_MAX_BATCH = 50;
export const BITRIX24_PAGE_SIZE = 50;

export type Params = Record<string, unknown>;

/** Structural subset of a pino logger. */
export type Bitrix24Logger = {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

export type Bitrix24Time = {
  start: number;
  finish: number;
  duration: number;
  processing?: number;
  date_start?: string;
  date_finish?: string;
  operating_reset_at?: number;
  operating?: number;
};

export type Bitrix24Response<T = unknown> = { result: T; total?: number; next?: number; time?: Bitrix24Time };

export type BatchCommand = readonly [method: string, params?: Params];

export type CallOptions = {
  /**
   * Default true: retry timeouts and lost connections too. Pass false for non-idempotent calls
   * (`*.add`) whose caller can reconcile: such failures then throw at once with `ambiguous: true`.
   */
  retryAmbiguous?: boolean;
};

export type BatchResult = {
  /** Results of the commands that succeeded, by key. */
  results: Record<string, unknown>;
  /** Method errors of the commands that failed, by key. */
  errors: Record<string, Bitrix24Error>;
  total: Record<string, number>;
  next: Record<string, number>;
  /** Commands not run because an earlier one failed with `halt`. */
  skipped: string[];
  time?: Bitrix24Time;
};

export type Bitrix24ClientOptions = {
  /** Incoming-webhook base: https://<portal>/rest/<user id>/<secret>/ */
  webhookUrl: string;
  rateLimitPerSecond?: number;
  burst?: number;
  timeoutMs?: number;
  /** Retries after the first attempt for retryable errors. */
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Relative jitter applied to every backoff delay: 0.2 means ±20 %. */
  jitter?: number;
  logger?: Bitrix24Logger;
  fetch?: typeof fetch;
  userAgent?: string;
};

export type Bitrix24ClientStats = {
  /** HTTP requests sent (a batch is one). */
  requests: number;
  retries: number;
  /** Time spent waiting for the client-side bucket. */
  throttledMs: number;
  lastError: { code: string; kind: string; method: string; at: Date } | null;
};

export type Bitrix24Client = {
  /** Portal origin, safe to show and log (no secret). */
  readonly portal: string;
  call<T = unknown>(method: string, params?: Params, opts?: CallOptions): Promise<T>;
  /** The whole envelope: result plus total/next for lists and time. */
  callRaw<T = unknown>(method: string, params?: Params, opts?: CallOptions): Promise<Bitrix24Response<T>>;
  batch(commands: Record<string, BatchCommand>, opts?: CallOptions & { halt?: boolean }): Promise<BatchResult>;
  /** Every row of a crm.*.list method, paged the fast way (`>ID` + start=-1). */
  listAll<T = Record<string, unknown>>(method: string, params?: Params): Promise<T[]>;
  /** Every row of a list method that only supports `start`/`next` (user.get, crm.status.list). */
  listPaged<T = Record<string, unknown>>(method: string, params?: Params): Promise<T[]>;
  stats(): Bitrix24ClientStats;
  /** How long until the client-side rate limit lets one more request go (0: now). */
  readyInMs(): number;
};

const METHOD_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/i;
const BATCH_KEY_RE = /^[A-Za-z0-9_-]+$/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
// Failures before anything reached the portal: safe to re-send whatever the method.
const CONNECT_PHASE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

const configError = (method: string, code: string, description: string) =>
  new Bitrix24Error({ kind: "config", code, description, httpStatus: null, method });

export function parseWebhookUrl(raw: string): { base: string; origin: string; redacted: string; secret: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw configError("(config)", "INVALID_WEBHOOK_URL", "BITRIX24_WEBHOOK_URL is not a valid URL");
  }
  // The portal shows the base with a sample method appended (…/<secret>/profile.json): accept both.
  const m = /^\/rest\/(\d+)\/([^/]+)(?:\/[^/]*)?$/.exec(url.pathname);
  if (!m)
    throw configError("(config)", "INVALID_WEBHOOK_URL", "BITRIX24_WEBHOOK_URL must look like https://<portal>/rest/<user id>/<secret>/");
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw configError("(config)", "INVALID_WEBHOOK_URL", "BITRIX24_WEBHOOK_URL must use https (the secret is in the URL)");
  }
  return { base: `${url.origin}/rest/${m[1]}/${m[2]}/`, origin: url.origin, redacted: `${url.origin}/rest/${m[1]}/***/`, secret: m[2] };
}

/** For settings pages and logs: the webhook URL with its secret masked. */
export function redactWebhookUrl(raw: string): string {
  try {
    return parseWebhookUrl(raw).redacted;
  } catch {
    return "(invalid webhook URL)";
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** PHP sends an empty (or 0..n keyed) array as a JSON list; turn it back into a keyed object. */
function asKeyed<T>(v: unknown): Record<string, T> {
  if (Array.isArray(v)) return Object.fromEntries(v.map((item, i) => [String(i), item as T]));
  return isRecord(v) ? (v as Record<string, T>) : {};
}

export function createBitrix24Client(options: Bitrix24ClientOptions): Bitrix24Client {
  const hook = parseWebhookUrl(options.webhookUrl);
  const rate = options.rateLimitPerSecond ?? 2;
  const bucket = new LeakyBucket(rate, options.burst ?? 50);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRetries = options.maxRetries ?? 6;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 0.9);
  const doFetch = options.fetch ?? fetch;
  const log = options.logger;
  const userAgent = options.userAgent ?? "expo-desk-crm-sync/1";
  const stats: Bitrix24ClientStats = { requests: 0, retries: 0, throttledMs: 0, lastError: null };
  const operatingResetAt = new Map<string, number>(); // method -> epoch ms, from the last good answer
  const blockedUntil = new Map<string, number>(); // method -> epoch ms, after OPERATION_TIME_LIMIT

  const redact = (text: string) => text.split(hook.secret).join("***");

  function checkMethod(method: string): void {
    if (!METHOD_RE.test(method)) throw configError(method.slice(0, 80), "INVALID_METHOD", "Not a Bitrix24 method name");
  }

  async function sendOnce(method: string, body: unknown): Promise<Bitrix24Response | Bitrix24Error> {
    let status: number;
    let contentType: string;
    let text: string;
    try {
      const res = await doFetch(`${hook.base}${method}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "User-Agent": userAgent },
        body: JSON.stringify(body ?? {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      contentType = res.headers.get("content-type") ?? "";
      text = await res.text();
    } catch (e) {
      const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      if (err.name === "TimeoutError" || err.name === "AbortError") {
        return new Bitrix24Error({
          code: "TIMEOUT",
          description: `No answer within ${timeoutMs} ms`,
          httpStatus: null,
          method,
          ambiguous: true,
        });
      }
      // No raw cause attached: network errors can quote the URL, and the URL holds the secret.
      const detail = String(err.cause?.code ?? err.cause?.message ?? err.message ?? "network error");
      return new Bitrix24Error({
        code: "NETWORK_ERROR",
        description: redact(detail),
        httpStatus: null,
        method,
        ambiguous: !CONNECT_PHASE.has(detail),
      });
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    // Detect errors by the presence of `error`: its code may be "" for method errors.
    // 503 (QUERY_LIMIT_EXCEEDED, upstream unavailable) means not executed; other 5xx may have been.
    const ambiguous = status >= 500 && status !== 503;
    if (isRecord(json) && "error" in json) {
      const code = typeof json.error === "string" ? json.error : String(json.error ?? "");
      return new Bitrix24Error({ code, description: redact(String(json.error_description ?? "")), httpStatus: status, method, ambiguous });
    }
    if (isRecord(json) && "result" in json && status >= 200 && status < 300) return json as Bitrix24Response;
    // Not a Bitrix answer at all: proxy error page, truncated body…
    const kind =
      status >= 500 || status === 429 || (status >= 200 && status < 300)
        ? "retryable"
        : status === 401 || status === 403
          ? "auth"
          : "config";
    const code = status >= 200 && status < 300 ? "ERROR_UNEXPECTED_ANSWER" : `HTTP_${status}`;
    return new Bitrix24Error({
      kind,
      code,
      description: `Unexpected answer (HTTP ${status}, ${contentType || "no content type"})`,
      httpStatus: status,
      method,
      ambiguous,
    });
  }

  function backoff(attempt: number, err: Bitrix24Error, method: string): number {
    let delay = Math.min(retryMaxMs, retryBaseMs * 2 ** (attempt - 1));
    if (err.code === "QUERY_LIMIT_EXCEEDED") delay = Math.max(delay, 1000 / rate); // at least one drain slot
    if (err.code === "OPERATION_TIME_LIMIT") {
      const reset = operatingResetAt.get(method);
      if (reset) delay = Math.max(delay, Math.min(retryMaxMs, reset - Date.now()));
    }
    return Math.max(0, delay * (1 + jitter * (2 * Math.random() - 1)));
  }

  async function request<T>(method: string, body: unknown, opts: CallOptions = {}): Promise<Bitrix24Response<T>> {
    checkMethod(method);
    for (let attempt = 1; ; attempt++) {
      const blocked = (blockedUntil.get(method) ?? 0) - Date.now();
      if (blocked > 0) await sleep(blocked);
      stats.throttledMs += await bucket.acquire();
      stats.requests++;
      const started = performance.now();
      const outcome = await sendOnce(method, body);
      if (!(outcome instanceof Bitrix24Error)) {
        const resetAt = outcome.time?.operating_reset_at;
        if (typeof resetAt === "number") operatingResetAt.set(method, resetAt * 1000);
        log?.debug({ method, ms: Math.round(performance.now() - started), attempt }, "bitrix24 call");
        return outcome as Bitrix24Response<T>;
      }
      stats.lastError = { code: outcome.code, kind: outcome.kind, method, at: new Date() };
      if (!outcome.retryable || attempt > maxRetries || (outcome.ambiguous && opts.retryAmbiguous === false)) {
        const final = outcome.withAttempts(attempt);
        log?.warn(
          { method, code: final.code, kind: final.kind, httpStatus: final.httpStatus, attempts: attempt, description: final.description },
          "bitrix24 call failed",
        );
        throw final;
      }
      if (outcome.code === "QUERY_LIMIT_EXCEEDED") bucket.saturate();
      const delay = backoff(attempt, outcome, method);
      if (outcome.code === "OPERATION_TIME_LIMIT") blockedUntil.set(method, Date.now() + delay);
      stats.retries++;
      log?.warn(
        { method, code: outcome.code, httpStatus: outcome.httpStatus, attempt, delayMs: Math.round(delay) },
        "bitrix24 call failed, retrying",
      );
      await sleep(delay);
    }
  }

  async function batch(commands: Record<string, BatchCommand>, opts: CallOptions & { halt?: boolean } = {}): Promise<BatchResult> {
    const entries = Object.entries(commands);
    if (entries.length > BITRIX24_MAX_BATCH) {
      throw configError(
        "batch",
        "ERROR_BATCH_LENGTH_EXCEEDED",
        `A batch takes at most ${BITRIX24_MAX_BATCH} commands, got ${entries.length}`,
      );
    }
    if (entries.length === 0) return { results: {}, errors: {}, total: {}, next: {}, skipped: [] };
    const cmd: Record<string, string> = {};
    for (const [key, [method, params]] of entries) {
      if (!BATCH_KEY_RE.test(key))
        throw configError("batch", "INVALID_BATCH_KEY", `Batch key "${key.slice(0, 40)}" must be letters, digits, _ or -`);
      checkMethod(method);
      const query = params ? encodePhpQuery(params) : "";
      cmd[key] = query ? `${method}?${query}` : method;
    }
    const env = await request<Record<string, unknown>>("batch", { halt: opts.halt ? 1 : 0, cmd }, opts);
    const r = isRecord(env.result) ? env.result : {};
    const results = asKeyed<unknown>(r.result);
    const errors: Record<string, Bitrix24Error> = {};
    for (const [key, e] of Object.entries(asKeyed<{ error?: unknown; error_description?: unknown }>(r.result_error))) {
      errors[key] = new Bitrix24Error({
        code: String(e?.error ?? ""),
        description: redact(String(e?.error_description ?? "")),
        httpStatus: null,
        method: commands[key]?.[0] ?? "batch",
        attempts: 1,
      });
    }
    const skipped = entries.map(([k]) => k).filter((k) => !(k in results) && !(k in errors));
    return { results, errors, total: asKeyed<number>(r.result_total), next: asKeyed<number>(r.result_next), skipped, time: env.time };
  }

  async function listAll<T>(method: string, params: Params = {}): Promise<T[]> {
    const filter = isRecord(params.filter) ? { ...params.filter } : {};
    let lastId = Number(filter[">ID"] ?? 0);
    delete filter[">ID"];
    const select =
      Array.isArray(params.select) && params.select.length && !params.select.includes("ID") ? [...params.select, "ID"] : params.select;
    const rows: T[] = [];
    for (;;) {
      // start=-1 skips the COUNT on the portal; ordering by ID and filtering past the last one pages.
      const page = await request<unknown>(method, {
        ...params,
        select,
        order: { ID: "ASC" },
        filter: { ...filter, ">ID": lastId },
        start: -1,
      });
      if (!Array.isArray(page.result))
        throw configError(method, "ERROR_UNEXPECTED_ANSWER", "listAll needs a method whose result is a list");
      rows.push(...(page.result as T[]));
      if (page.result.length < BITRIX24_PAGE_SIZE) return rows;
      const next = Number((page.result[page.result.length - 1] as Record<string, unknown>).ID);
      if (!(next > lastId)) throw configError(method, "ERROR_UNEXPECTED_ANSWER", "listAll needs rows with an increasing ID");
      lastId = next;
    }
  }

  async function listPaged<T>(method: string, params: Params = {}): Promise<T[]> {
    const rows: T[] = [];
    for (let start: number | undefined = 0; start !== undefined;) {
      const page: Bitrix24Response<unknown> = await request<unknown>(method, { ...params, start });
      if (!Array.isArray(page.result))
        throw configError(method, "ERROR_UNEXPECTED_ANSWER", "listPaged needs a method whose result is a list");
      rows.push(...(page.result as T[]));
      start = typeof page.next === "number" && page.next > start ? page.next : undefined;
    }
    return rows;
  }

  return {
    portal: hook.origin,
    call: async <T>(method: string, params: Params = {}, opts?: CallOptions) => (await request<T>(method, params, opts)).result,
    callRaw: <T>(method: string, params: Params = {}, opts?: CallOptions) => request<T>(method, params, opts),
    batch,
    listAll,
    listPaged,
    stats: () => ({ ...stats }),
    readyInMs: () => bucket.readyInMs(),
  };
}
