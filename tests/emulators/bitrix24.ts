// Bitrix24 REST emulator on loopback: incoming-webhook URLs, the documented envelopes and
// errors, the per-portal leaky bucket, batch, and switches to inject failures.
// Protocol: ../../../shared/reference/bitrix24.md
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { runBatch } from "./bitrix24-lib/batch";
import { RestError, SYSTEM_ERRORS } from "./bitrix24-lib/errors";
import { EventHub, type EventDelivery } from "./bitrix24-lib/events";
import { METHODS } from "./bitrix24-lib/methods";
import { parsePhpQuery, normalizeLists, type Params } from "./bitrix24-lib/php-query";
import { PortalBucket } from "./bitrix24-lib/portal-bucket";
import { Bitrix24EmulatorState, type RequestLogEntry } from "./bitrix24-lib/state";
import type { EntityType } from "./bitrix24-lib/fields";
import { CrmStore, type CrmRecord, type RejectRule, type StoreOptions, type TimelineComment } from "./bitrix24-lib/store";

export { BITRIX24_SEED } from "./bitrix24-lib/seed";
export { Bitrix24EmulatorState };
export type { CrmRecord, EntityType, RejectRule, TimelineComment, EventDelivery, RequestLogEntry };

export type Faults = {
  /** Share of requests answered with an injected 503 before anything is executed. */
  errorRate: number;
  /** Body of injected 503s: nginx HTML page, JSON QUERY_LIMIT_EXCEEDED, or either at random. */
  errorStyle: "html" | "json" | "mixed";
  /** Window relative to the setFaults() call: connections refused, or every answer a 503. */
  outage: { fromMs: number; toMs: number } | null;
  outageMode: "refuse" | "503";
  /** Delay before each answer. The method still runs even if the client has given up. */
  slowMs: number;
  /** Share of requests that are executed but whose answer is lost (connection reset). */
  lostResponseRate: number;
};

export type Bitrix24EmulatorOptions = {
  port?: number;
  userId?: number;
  secret?: string;
  /** Leaky bucket per portal: drain rate and block threshold (cloud default 2/s and 50). */
  drainPerSecond?: number;
  bucketLimit?: number;
  faults?: Partial<Faults>;
  /** Seed for the fault dice, for reproducible runs. */
  seed?: number;
  /** User fields that exist on the portal; default: any UF_CRM_* is accepted. */
  userFields?: StoreOptions["userFields"];
  applicationToken?: string;
  memberId?: string;
  /** Changes made through REST also fire events to bound handlers (true on a real portal). */
  restChangesFireEvents?: boolean;
  eventEncoding?: "form" | "json";
  /** The portal user behind editAsPortalUser(). */
  portalUserId?: number;
};

export type Bitrix24Emulator = {
  baseUrl: string;
  port: number;
  userId: number;
  secret: string;
  applicationToken: string;
  state: Bitrix24EmulatorState;
  setFaults(faults: Partial<Faults>): void;
  /** Makes the method answer 429 OPERATION_TIME_LIMIT for the given time. */
  blockMethod(method: string, forMs: number): void;
  close(): Promise<void>;
};

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");

function timeInfo(startMs: number, endMs: number) {
  return {
    start: startMs / 1000,
    finish: endMs / 1000,
    duration: (endMs - startMs) / 1000,
    processing: (endMs - startMs) / 1000,
    date_start: isoSeconds(startMs),
    date_finish: isoSeconds(endMs),
    operating_reset_at: Math.floor(startMs / 1000) + 600,
    operating: 0,
  };
}

const NGINX_503 =
  "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseParams(search: string, body: string, contentType: string | undefined): Params {
  const fromQuery = parsePhpQuery(search);
  if (!body.trim()) return fromQuery;
  if ((contentType ?? "").includes("application/json")) {
    const parsed: unknown = JSON.parse(body);
    const obj = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Params) : {};
    return { ...fromQuery, ...(normalizeLists(obj) as Params) };
  }
  return { ...fromQuery, ...parsePhpQuery(body) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startBitrix24Emulator(opts: Bitrix24EmulatorOptions = {}): Promise<Bitrix24Emulator> {
  const userId = opts.userId ?? 1;
  const secret = opts.secret ?? randomBytes(8).toString("hex");
  const applicationToken = opts.applicationToken ?? randomBytes(16).toString("hex");
  const memberId = opts.memberId ?? randomBytes(16).toString("hex");
  const random = opts.seed === undefined ? Math.random : mulberry32(opts.seed);
  const bucket = new PortalBucket(opts.drainPerSecond ?? 2, opts.bucketLimit ?? 50);
  const store = new CrmStore({ userFields: opts.userFields });
  let port = opts.port ?? 0;
  const hub = new EventHub(() => ({
    domain: `127.0.0.1:${port}`,
    clientEndpoint: `http://127.0.0.1:${port}/rest/`,
    memberId,
    applicationToken,
    encoding: opts.eventEncoding ?? "form",
  }));
  const state = new Bitrix24EmulatorState(store, hub, bucket, opts.portalUserId ?? 7, opts.restChangesFireEvents ?? true);

  let faults: Faults = { errorRate: 0, errorStyle: "mixed", outage: null, outageMode: "refuse", slowMs: 0, lostResponseRate: 0 };
  let outageWindow: { from: number; to: number } | null = null;
  let outageTimers: NodeJS.Timeout[] = [];
  const blocked = new Map<string, number>();
  let closed = false;

  const log = (entry: Omit<RequestLogEntry, "at">) => state.requests.push({ at: Date.now(), ...entry });

  /** Runs one method with the webhook user's rights; shared by plain calls and batch commands. */
  const execute = (method: string, params: Params) => {
    if ((blocked.get(method) ?? 0) > Date.now()) throw SYSTEM_ERRORS.operationTimeLimit();
    const handler = METHODS[method];
    if (!handler) throw SYSTEM_ERRORS.methodNotFound();
    return handler(params, { store, userId });
  };

  /** A command inside a batch: logged on its own so tests can count what really ran. */
  const executeCommand = (method: string, params: Params, batchKey: string) => {
    try {
      const outcome = execute(method, params);
      log({ method, status: 200, batchKey, params });
      return outcome;
    } catch (e) {
      if (e instanceof RestError) log({ method, status: e.status, error: e.code, batchKey, params });
      throw e;
    }
  };

  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(body));
  };

  const injected503 = (res: http.ServerResponse) => {
    const html = faults.errorStyle === "html" || (faults.errorStyle === "mixed" && random() < 0.5);
    if (html) {
      res.writeHead(503, { "Content-Type": "text/html" });
      res.end(NGINX_503);
    } else answer(res, 503, { error: "QUERY_LIMIT_EXCEEDED", error_description: "Too many requests" });
  };

  const inOutage = () => outageWindow !== null && Date.now() >= outageWindow.from && Date.now() < outageWindow.to;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? "/", "http://emulator");
    const route = /^\/rest\/(?:(\d+)\/([^/]+)\/)?([^/]+?)\/?$/.exec(url.pathname);
    const body = await readBody(req);
    if (!route) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("Not Found");
      return;
    }
    const method = route[3].replace(/\.json$/i, "").toLowerCase();
    if (inOutage()) {
      if (faults.outageMode === "refuse") return void req.socket.destroy();
      log({ method, status: 503, injected: true });
      return injected503(res);
    }
    if (faults.slowMs > 0) await sleep(faults.slowMs);
    if (faults.errorRate > 0 && random() < faults.errorRate) {
      log({ method, status: 503, injected: true });
      return injected503(res);
    }

    let params: Params;
    try {
      params = parseParams(url.search, body, req.headers["content-type"]);
    } catch {
      log({ method, status: 400, error: "" });
      return answer(res, 400, { error: "", error_description: "Request body is not valid JSON." });
    }

    let status = 200;
    let payload: Record<string, unknown>;
    try {
      if (!route[1]) throw SYSTEM_ERRORS.noAuth();
      if (Number(route[1]) !== userId || route[2] !== secret) throw SYSTEM_ERRORS.invalidCredentials();
      if (!bucket.tryTake()) throw SYSTEM_ERRORS.queryLimit(); // a batch counts as one request
      const outcome = method === "batch" ? { result: runBatch(params, executeCommand) } : execute(method, params);
      payload = { result: outcome.result };
      if (outcome.next !== undefined) payload.next = outcome.next;
      if (outcome.total !== undefined) payload.total = outcome.total;
      payload.time = timeInfo(started, Date.now());
    } catch (e) {
      if (!(e instanceof RestError)) throw e;
      status = e.status;
      payload = { error: e.code, error_description: e.description };
    }
    log({ method, status, error: typeof payload.error === "string" ? payload.error : undefined, params });
    if (faults.lostResponseRate > 0 && random() < faults.lostResponseRate) return void req.socket.destroy();
    answer(res, status, payload);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        answer(res, 500, { error: "INTERNAL_SERVER_ERROR", error_description: e instanceof Error ? e.message : "Internal server error" });
    });
  });
  server.keepAliveTimeout = 5000;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (server.listening) server.close(() => resolve());
      else resolve();
      server.closeAllConnections();
    });
  // For an outage: refuse new connections and drop idle ones, but let a request already being
  // answered finish (requests arriving later on a kept-alive socket are reset in handle()).
  const refuseConnections = async () => {
    if (!server.listening) return;
    server.close();
    server.closeIdleConnections();
  };

  await listen();

  // Listening state changes run one after another so a short outage cannot interleave them.
  let transitions = Promise.resolve();
  const transition = (step: () => Promise<void>) => {
    transitions = transitions.then(step).catch((e: unknown) => {
      process.stderr.write(`[bitrix24-emulator] ${e instanceof Error ? e.message : String(e)}\n`);
    });
  };
  const reopen = () =>
    transition(async () => {
      if (!server.listening && !closed) await listen();
    });

  const clearOutage = () => {
    outageTimers.forEach(clearTimeout);
    outageTimers = [];
    outageWindow = null;
    reopen();
  };

  const emulator: Bitrix24Emulator = {
    get baseUrl() {
      return `http://127.0.0.1:${port}/rest/${userId}/${secret}/`;
    },
    get port() {
      return port;
    },
    userId,
    secret,
    applicationToken,
    state,
    setFaults(next) {
      faults = { ...faults, ...next };
      if (next.outage === undefined) return;
      clearOutage();
      if (!next.outage) return;
      const now = Date.now();
      outageWindow = { from: now + next.outage.fromMs, to: now + next.outage.toMs };
      if (faults.outageMode === "refuse") {
        // Really stop listening so clients see ECONNREFUSED, then come back on the same port.
        outageTimers.push(setTimeout(() => transition(refuseConnections), Math.max(0, next.outage.fromMs)));
        outageTimers.push(setTimeout(reopen, next.outage.toMs));
      }
    },
    blockMethod(method, forMs) {
      blocked.set(method.toLowerCase(), Date.now() + forMs);
    },
    async close() {
      closed = true;
      outageTimers.forEach(clearTimeout);
      await transitions;
      await stopListening();
      await hub.settle();
    },
  };
  if (opts.faults) emulator.setFaults(opts.faults);
  return emulator;
}
