// What a printer's trouble means for the people at the door (issue #12): IPP
// printer-state-reasons (RFC 8011 / PWG 5100.x keywords, with -report/-warning/-error suffixes)
// and the Zebra ~HS flags (raw-tcp.ts problems) as one small set of codes with a translated
// message each (app/i18n: "printers.reason.<code>"). No i18n import here: callers translate.

export type ReasonCode =
  | "offline"
  | "paused"
  | "mediaEmpty"
  | "mediaLow"
  | "mediaJam"
  | "coverOpen"
  | "headOpen"
  | "ribbonOut"
  | "tonerEmpty"
  | "tonerLow"
  | "notAccepting"
  | "temperature"
  | "other";

const BASE: Record<string, ReasonCode> = {
  offline: "offline",
  "connecting-to-device": "offline",
  "timed-out": "offline",
  "no-response": "offline",
  unreachable: "offline",
  paused: "paused",
  "moving-to-paused": "paused",
  "media-empty": "mediaEmpty",
  "media-needed": "mediaEmpty",
  "paper-out": "mediaEmpty",
  "input-tray-missing": "mediaEmpty",
  "media-low": "mediaLow",
  "media-jam": "mediaJam",
  "cover-open": "coverOpen",
  "door-open": "coverOpen",
  "interlock-open": "coverOpen",
  "head-open": "headOpen",
  "ribbon-out": "ribbonOut",
  "ribbon-empty": "ribbonOut",
  "toner-empty": "tonerEmpty",
  "marker-supply-empty": "tonerEmpty",
  "toner-low": "tonerLow",
  "marker-supply-low": "tonerLow",
  "over-temperature": "temperature",
  "under-temperature": "temperature",
};

// Reasons that are bookkeeping, not trouble.
const IGNORED = new Set(["none", "cups-waiting-for-job-completed", "cups-remote-pending", "printer-stopped", "other", "shutdown"]);

export interface PrinterReason {
  code: ReasonCode;
  /** The printer's own keyword, e.g. "media-empty-error" or "paper-out". */
  raw: string;
}

/** The codes for a health answer ({ ok, state, reasons } from printerHealth), most urgent first, no repeats. */
export function printerReasons(health: { ok: boolean; state: string; reasons: string[] }): PrinterReason[] {
  const out: PrinterReason[] = [];
  const add = (code: ReasonCode, raw: string) => {
    if (!out.some((r) => r.code === code)) out.push({ code, raw });
  };
  for (const raw of health.reasons) {
    if (IGNORED.has(raw)) continue;
    const base = raw.replace(/-(report|warning|error)$/, "");
    if (IGNORED.has(base)) continue;
    const code = BASE[base] ?? (/^http-|^E[A-Z]+$/.test(raw) ? "offline" : undefined);
    add(code ?? "other", raw);
  }
  if (!health.ok && out.length === 0) {
    if (/unreachable/.test(health.state)) add("offline", health.state);
    else if (/not accepting/.test(health.state)) add("notAccepting", health.state);
    else if (/stopped/.test(health.state)) add("paused", health.state);
    else add("other", health.state);
  }
  const order: ReasonCode[] = [
    "offline",
    "mediaEmpty",
    "mediaJam",
    "coverOpen",
    "headOpen",
    "ribbonOut",
    "tonerEmpty",
    "paused",
    "notAccepting",
    "temperature",
    "other",
    "mediaLow",
    "tonerLow",
  ];
  return out.sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code));
}

/** "закончились этикетки, принтер на паузе": every reason translated, joined. */
export function printerReasonText(
  t: (key: `printers.reason.${ReasonCode}`, params?: Record<string, string | number>) => string,
  health: { ok: boolean; state: string; reasons: string[] },
): string {
  return printerReasons(health)
    .map((r) => t(`printers.reason.${r.code}`, { reason: r.raw }))
    .join(", ");
}

/** A print job's error that is ours, not the printer's: stored as a code, translated where shown. */
export const KIOSK_NO_REPORT = "kiosk_no_report";
export const PRINT_JOB_ERROR_KEYS = { [KIOSK_NO_REPORT]: "printers.jobError.kioskNoReport" } as const;

/** A print job's error for people: our codes translated, a printer's own message as it came. */
export function printJobErrorText(t: (key: "printers.jobError.kioskNoReport") => string, error: string | null | undefined): string | null {
  if (!error) return null;
  return error === KIOSK_NO_REPORT ? t(PRINT_JOB_ERROR_KEYS[KIOSK_NO_REPORT]) : error;
}

type MessageT = (key: `printers.msg.${string}`, params?: Record<string, string | number>) => string;

// Our own drivers' health messages (raw-tcp.ts, index.ts), matched to catalogue keys with their
// values; anything else is the printer's own text (IPP printer-state-message) and shown as it came.
const MESSAGES: Array<[RegExp, string, (m: RegExpExecArray) => Record<string, string>]> = [
  [/^no ~HS answer from (\S+) in (\d+) ms$/, "noHsAnswer", (m) => ({ address: m[1], ms: m[2] })],
  [/^no connection to (\S+) in (\d+) ms$/, "noConnection", (m) => ({ address: m[1], ms: m[2] })],
  [/^(\S+) closed without a full ~HS answer$/, "hsCut", (m) => ({ address: m[1] })],
  [/^(\S+): (?:connect )?(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ENOTFOUND|EAI_AGAIN)\b/, "refused", (m) => ({ address: m[1], code: m[2] })],
  [/^printed by the kiosk's browser$/, "browser", () => ({})],
];

/** A printer health message for people: our drivers' messages translated, the printer's own as it came. */
export function printerMessageText(t: MessageT, message: string | null | undefined): string | null {
  if (!message) return null;
  for (const [re, key, params] of MESSAGES) {
    const m = re.exec(message);
    if (m) return t(`printers.msg.${key}`, params(m));
  }
  return message;
}

/** The built-in stocks by id; a template saved under another id keeps its own name. */
export const STOCK_IDS = ["brother-62x100", "zebra-4x3", "zebra-4x6", "a6", "a4-sheet"] as const;

/** A stock's name in the UI language ("Лист A4, 8 бейджей 95 × 67 мм"), by its id. */
export function stockName(t: (key: `printers.stockName.${string}`) => string, id: string | null | undefined, fallback?: string): string {
  if (id && (STOCK_IDS as readonly string[]).includes(id)) return t(`printers.stockName.${id}`);
  return fallback ?? id ?? "";
}
