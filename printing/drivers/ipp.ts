// IPP printing (CUPS or an IPP printer): Print-Job with the PDF, then Get-Job-Attributes until
// the job is completed or fails. The `ipp` package encodes and decodes the messages; the HTTP
// exchange is ours because ipp's own request() has no timeout or abort and logs to the console.
import http from "node:http";
import https from "node:https";
import ipp from "ipp";
import { classifyReasons, networkError, PrinterError } from "./errors";

export interface IppPrintOptions {
  jobName?: string;
  /** requesting-user-name; CUPS puts jobs of unknown users under "ANONYMOUS". */
  user?: string;
  /** A CUPS media name, e.g. "w288h216" (4 x 3 in in points) or "custom_62x100mm_62x100mm". */
  media?: string;
  copies?: number;
  /** Give up (and cancel the job) if it is not completed by then. Default 30 s. */
  timeoutMs?: number;
  /** Per HTTP request. Default 5 s. */
  requestTimeoutMs?: number;
  /** Fail as soon as the queue is stopped (paused, out of paper...) instead of waiting. Default true. */
  failWhenStopped?: boolean;
  signal?: AbortSignal;
}

export interface IppPrintResult {
  jobId: number;
  state: "completed";
  elapsedMs: number;
}

export interface IppHealth {
  ok: boolean;
  state: "idle" | "processing" | "stopped" | "unreachable" | "error";
  reasons: string[];
  acceptingJobs: boolean;
  message?: string;
  queuedJobs?: number;
}

/**
 * PWG self-describing media name for a label (e.g. "custom_62x100mm_62x100mm"). CUPS matches
 * it to the queue's page size by dimensions, so the driver feeds the right stock.
 */
export function ippMediaFor(size: { widthMm: number; heightMm: number; sheet?: { pageWidthMm: number; pageHeightMm: number } }): string {
  const w = +(size.sheet?.pageWidthMm ?? size.widthMm).toFixed(2);
  const h = +(size.sheet?.pageHeightMm ?? size.heightMm).toFixed(2);
  return `custom_${w}x${h}mm_${w}x${h}mm`;
}

type Attrs = Record<string, unknown>;
interface IppResponse {
  statusCode: string;
  "operation-attributes-tag"?: Attrs;
  "job-attributes-tag"?: Attrs;
  "printer-attributes-tag"?: Attrs;
}

let requestId = 1;

function printerUri(url: URL): string {
  const port = url.port || (url.protocol === "ipp:" || url.protocol === "ipps:" ? "631" : "");
  return `ipp://${url.hostname.includes(":") ? `[${url.hostname}]` : url.hostname}${port ? `:${port}` : ""}${url.pathname}`;
}

function post(url: URL, body: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<Buffer> {
  const secure = url.protocol === "https:" || url.protocol === "ipps:";
  const port = url.port ? Number(url.port) : url.protocol === "ipp:" || url.protocol === "ipps:" ? 631 : secure ? 443 : 80;
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ""),
        port,
        path: url.pathname + url.search,
        method: "POST",
        headers: { "Content-Type": "application/ipp", "Content-Length": body.length },
        timeout: timeoutMs,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (e) => reject(networkError(e, "IPP response")));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status === 200) return resolve(Buffer.concat(chunks));
          const kind = status >= 500 ? "offline" : "rejected";
          reject(new PrinterError(kind, `IPP server answered HTTP ${status} for ${url.href}`, { reasons: [`http-${status}`] }));
        });
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
    req.on("error", (e) => reject(networkError(e, `IPP ${url.host}`)));
    req.end(body);
  });
}

async function ippCall(
  url: URL,
  operation: string,
  attrs: Attrs,
  opts: { timeoutMs: number; signal?: AbortSignal; data?: Buffer; job?: Attrs },
) {
  const msg: Record<string, unknown> = {
    version: "2.0",
    operation,
    id: requestId++ % 0x7fffffff,
    "operation-attributes-tag": {
      "attributes-charset": "utf-8",
      "attributes-natural-language": "en-us",
      "printer-uri": printerUri(url),
      ...attrs,
    },
  };
  if (opts.job && Object.keys(opts.job).length) msg["job-attributes-tag"] = opts.job;
  if (opts.data) msg.data = opts.data;
  const raw = await post(url, ipp.serialize(msg), opts.timeoutMs, opts.signal);
  let res: IppResponse;
  try {
    res = ipp.parse(raw) as unknown as IppResponse;
  } catch (e) {
    throw new PrinterError("rejected", `not an IPP answer from ${url.href}`, { cause: e });
  }
  return res;
}

const list = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** Maps a failing IPP status-code to our error kinds. */
function statusError(res: IppResponse, what: string): PrinterError | null {
  const code = res.statusCode;
  if (code.startsWith("successful")) return null;
  const detail = res["operation-attributes-tag"]?.["status-message"];
  const message = `${what}: ${code}${detail ? ` (${String(detail)})` : ""}`;
  if (code === "server-error-not-accepting-jobs" || code === "server-error-printer-is-deactivated") {
    return new PrinterError("needs-attention", message, { reasons: [code] });
  }
  if (code.startsWith("server-error")) return new PrinterError("offline", message, { reasons: [code] });
  return new PrinterError("rejected", message, { reasons: [code] });
}

async function printerState(url: URL, timeoutMs: number, signal?: AbortSignal) {
  const res = await ippCall(
    url,
    "Get-Printer-Attributes",
    {
      "requested-attributes": [
        "printer-state",
        "printer-state-reasons",
        "printer-is-accepting-jobs",
        "printer-state-message",
        "queued-job-count",
      ],
    },
    { timeoutMs, signal },
  );
  const err = statusError(res, "Get-Printer-Attributes");
  if (err) throw err;
  const a = res["printer-attributes-tag"] ?? {};
  return {
    state: String(a["printer-state"] ?? "idle") as "idle" | "processing" | "stopped",
    reasons: list(a["printer-state-reasons"]).filter((r) => r !== "none"),
    acceptingJobs: a["printer-is-accepting-jobs"] !== false,
    message: a["printer-state-message"] ? String(a["printer-state-message"]) : undefined,
    queuedJobs: typeof a["queued-job-count"] === "number" ? a["queued-job-count"] : undefined,
  };
}

/** Printer health for the kiosk and the managers' printer list. Never throws. */
export async function ippHealth(printerUrl: string, opts: { timeoutMs?: number } = {}): Promise<IppHealth> {
  try {
    const s = await printerState(new URL(printerUrl), opts.timeoutMs ?? 2000);
    const blocking = classifyReasons(s.reasons);
    return { ok: s.state !== "stopped" && s.acceptingJobs && !blocking, ...s };
  } catch (e) {
    const err = e instanceof PrinterError ? e : networkError(e, "IPP");
    return {
      ok: false,
      state: err.kind === "offline" ? "unreachable" : "error",
      reasons: err.reasons,
      acceptingJobs: false,
      message: err.message,
    };
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** Sends a PDF with Print-Job and follows the job until CUPS/the printer reports it completed. */
export async function printPdfIpp(printerUrl: string, pdf: Buffer, opts: IppPrintOptions = {}): Promise<IppPrintResult> {
  const url = new URL(printerUrl);
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const reqTimeout = opts.requestTimeoutMs ?? 5_000;
  const signal = opts.signal;
  const user = opts.user ?? "expo-desk";

  const job: Attrs = {};
  if (opts.media) job.media = opts.media;
  if (opts.copies && opts.copies > 1) job.copies = opts.copies;
  const created = await ippCall(
    url,
    "Print-Job",
    { "requesting-user-name": user, "job-name": opts.jobName ?? "badge", "document-format": "application/pdf" },
    { timeoutMs: Math.max(reqTimeout, 10_000), signal, data: pdf, job },
  );
  const err = statusError(created, "Print-Job");
  if (err) throw err;
  const jobId = Number(created["job-attributes-tag"]?.["job-id"]);
  if (!Number.isFinite(jobId)) throw new PrinterError("rejected", "Print-Job answer has no job-id");

  const cancel = async () => {
    try {
      await ippCall(url, "Cancel-Job", { "job-id": jobId, "requesting-user-name": user }, { timeoutMs: reqTimeout });
      return true;
    } catch {
      return false;
    }
  };

  let wait = 25;
  let lastPrinterCheck = 0; // look at the printer on the first poll: a stopped queue fails at once
  let lastBlocking: { kind: "offline"; reasons: string[] } | null = null;
  for (;;) {
    if (signal?.aborted) {
      await cancel();
      throw new PrinterError("timeout", `job ${jobId} aborted by caller`, { cause: signal.reason });
    }
    const res = await ippCall(
      url,
      "Get-Job-Attributes",
      { "job-id": jobId, "requesting-user-name": user, "requested-attributes": ["job-state", "job-state-reasons", "job-state-message"] },
      { timeoutMs: reqTimeout, signal },
    );
    const statusErr = statusError(res, "Get-Job-Attributes");
    if (statusErr) throw statusErr;
    const a = res["job-attributes-tag"] ?? {};
    const state = String(a["job-state"]);
    const reasons = list(a["job-state-reasons"]).filter((r) => r !== "none");
    if (state === "completed") return { jobId, state: "completed", elapsedMs: Date.now() - started };
    if (state === "aborted" || state === "canceled") {
      // An abort can be the printer's fault (went offline mid-job): ask the printer why.
      const p = await printerState(url, reqTimeout).catch(() => null);
      const kind = (p && classifyReasons(p.reasons)) ?? "rejected";
      throw new PrinterError(kind, `job ${jobId} ${state}${a["job-state-message"] ? `: ${String(a["job-state-message"])}` : ""}`, {
        reasons: [...reasons, ...(p?.reasons ?? [])],
      });
    }
    const stuck = state === "processing-stopped" || reasons.includes("printer-stopped");
    if ((opts.failWhenStopped ?? true) && (stuck || Date.now() - lastPrinterCheck > 1000)) {
      lastPrinterCheck = Date.now();
      const p = await printerState(url, reqTimeout, signal);
      const blocking = classifyReasons(p.reasons);
      // "offline"/"connecting-to-device" also show up briefly while CUPS opens the device:
      // remember it and only report it if the job then times out.
      lastBlocking = blocking === "offline" ? { kind: "offline", reasons: p.reasons } : null;
      if (p.state === "stopped" || (blocking && blocking !== "offline")) {
        // Cancel so a retry by the queue cannot print the badge twice once the printer is back.
        await cancel();
        throw new PrinterError(
          blocking ?? "needs-attention",
          `printer ${p.state}${p.message ? `: ${p.message}` : ""} (job ${jobId} cancelled)`,
          {
            reasons: p.reasons,
          },
        );
      }
    }
    if (Date.now() - started > timeoutMs) {
      const cancelled = await cancel();
      const why = `job ${jobId} still ${state} after ${timeoutMs} ms${cancelled ? " (cancelled)" : " (cancel failed: it may still print)"}`;
      if (lastBlocking && cancelled) throw new PrinterError("offline", `printer offline: ${why}`, { reasons: lastBlocking.reasons });
      throw new PrinterError("timeout", why, { reasons });
    }
    await sleep(wait, signal);
    wait = Math.min(500, Math.round(wait * 1.5));
  }
}
