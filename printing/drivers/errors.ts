// Printer failures, classified so a print queue can decide: retry later (offline, out of
// paper, needs a person), or give up / move the job (rejected). `retryable` is the hint.

export type PrinterErrorKind =
  /** Unreachable, connection refused/reset, server busy. */
  | "offline"
  /** Out of labels/paper (IPP media-empty/media-needed, Zebra paper-out flag). */
  | "out-of-paper"
  /** Paused, head/cover open, ribbon out, jam, queue stopped or not accepting jobs. */
  | "needs-attention"
  /** The printer refused this job (bad document, unknown queue, not authorised): retrying will not help. */
  | "rejected"
  /** No final job state in time. For IPP the job is cancelled first, so a retry cannot print twice. */
  | "timeout";

export class PrinterError extends Error {
  readonly kind: PrinterErrorKind;
  readonly retryable: boolean;
  /** Printer/job state reasons or flags that led here, for the status page. */
  readonly reasons: string[];

  constructor(kind: PrinterErrorKind, message: string, opts: { reasons?: string[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "PrinterError";
    this.kind = kind;
    this.retryable = kind !== "rejected";
    this.reasons = opts.reasons ?? [];
  }
}

export function isPrinterError(e: unknown): e is PrinterError {
  return e instanceof PrinterError;
}

/** Socket-level failures (ECONNREFUSED, EHOSTUNREACH, ECONNRESET...) mean the printer or CUPS is not there right now. */
export function networkError(err: unknown, what: string): PrinterError {
  if (err instanceof PrinterError) return err;
  const code = (err as { code?: string } | null)?.code;
  const msg = err instanceof Error ? err.message : String(err);
  return new PrinterError("offline", `${what}: ${msg}`, { reasons: code ? [code] : [], cause: err });
}

/** IPP printer-state-reasons keywords without their -report/-warning/-error suffix. */
const REASON_KIND: Record<string, PrinterErrorKind> = {
  "media-empty": "out-of-paper",
  "media-needed": "out-of-paper",
  offline: "offline",
  "connecting-to-device": "offline",
  "timed-out": "offline",
  shutdown: "offline",
  paused: "needs-attention",
  "moving-to-paused": "needs-attention",
  "media-jam": "needs-attention",
  "door-open": "needs-attention",
  "cover-open": "needs-attention",
  "input-tray-missing": "needs-attention",
  "marker-supply-empty": "needs-attention",
  "toner-empty": "needs-attention",
  "output-area-full": "needs-attention",
  "stopped-partly": "needs-attention",
  stopping: "needs-attention",
};

/**
 * The blocking condition among IPP printer-state-reasons, if any. "-warning" and "-report"
 * entries are informational (a printer says media-low-warning long before it runs out),
 * except CUPS's "offline-report", which is how it says the device stopped answering.
 */
export function classifyReasons(reasons: string[]): PrinterErrorKind | null {
  const order: PrinterErrorKind[] = ["out-of-paper", "offline", "needs-attention"];
  let found: PrinterErrorKind | null = null;
  for (const raw of reasons) {
    if (raw === "none") continue;
    const severity = /-(report|warning|error)$/.exec(raw)?.[1];
    const base = raw.replace(/-(report|warning|error)$/, "");
    if ((severity === "warning" || severity === "report") && raw !== "offline-report") continue;
    const kind = REASON_KIND[base];
    if (kind && (!found || order.indexOf(kind) < order.indexOf(found))) found = kind;
  }
  return found;
}
