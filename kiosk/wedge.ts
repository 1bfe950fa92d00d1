import { ticketCharFromKeyEvent } from "~/shared/ticket-code";

// USB scanners in keyboard-wedge mode "type" the code 7-16 ms per key and press Enter. A person
// types far slower. We collect keys anywhere on the page and accept a burst ending with Enter
// when it has at least `minLength` characters and its median gap is under `maxGapMs`. A busy
// page can delay a few key events mid-scan, so one slow gap inside a long burst is tolerated;
// a slow gap early on means a person was typing, and the burst starts over. A key that is not
// already a code character is rebuilt from KeyboardEvent.code, so a Russian layout does not
// turn the code into Cyrillic.
//
// Not only our own codes: an EAN-13, a URL in a QR, a pretix or paper ticket must reach the kiosk
// too, so it can say "not a ticket of this event" instead of nothing. So punctuation (: / . ? = &)
// is rebuilt from the physical key as a US layout types it, and bursts shorter than `minLength`
// count from `shortMinLength` characters when they are scanner-fast (median gap under
// `shortMaxGapMs`; a person does not type 4+ keys at under 50 ms each).

export type WedgeOptions = {
  maxGapMs?: number;
  minLength?: number;
  /** Shorter bursts (from this length) are scans too when their median gap is under shortMaxGapMs. */
  shortMinLength?: number;
  shortMaxGapMs?: number;
  onScan: (code: string) => void;
};
export type KeyLike = { key: string; code: string; shiftKey: boolean; timeStamp: number; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean };

const STALL_TOLERATED_AFTER = 8;
const MAX_STALL_MS = 1500;

/** US-layout characters of the punctuation keys: [plain, with Shift]. */
const US_PUNCTUATION: Record<string, [string, string]> = {
  Slash: ["/", "?"],
  Period: [".", ">"],
  Comma: [",", "<"],
  Semicolon: [";", ":"],
  Quote: ["'", '"'],
  Equal: ["=", "+"],
  BracketLeft: ["[", "{"],
  BracketRight: ["]", "}"],
  Backslash: ["\\", "|"],
  Backquote: ["`", "~"],
  Space: [" ", " "],
  Digit1: ["1", "!"],
  Digit2: ["2", "@"],
  Digit3: ["3", "#"],
  Digit4: ["4", "$"],
  Digit5: ["5", "%"],
  Digit6: ["6", "^"],
  Digit7: ["7", "&"],
  Digit8: ["8", "*"],
  Digit9: ["9", "("],
  Digit0: ["0", ")"],
  NumpadDecimal: [".", "."],
  NumpadDivide: ["/", "/"],
  NumpadMultiply: ["*", "*"],
  NumpadAdd: ["+", "+"],
};

/**
 * The character a scanner meant by a key press: code characters as before (layout-independent),
 * punctuation from the physical key as in US QWERTY, else a printable ASCII `key` (events
 * without a `code`); null for anything else (Enter, arrows, Cyrillic with no known key).
 */
export function scannedChar(e: Pick<KeyLike, "key" | "code" | "shiftKey">): string | null {
  if (/^[A-Za-z0-9_-]$/.test(e.key)) return e.key;
  const ticket = ticketCharFromKeyEvent(e);
  if (ticket !== null) return ticket;
  const punct = US_PUNCTUATION[e.code];
  if (punct) return punct[e.shiftKey ? 1 : 0];
  if (!e.code && /^[\x20-\x7e]$/.test(e.key)) return e.key;
  return null;
}

export function createWedgeDetector({ maxGapMs = 35, minLength = 6, shortMinLength, shortMaxGapMs = 50, onScan }: WedgeOptions) {
  let buffer = "";
  let gaps: number[] = [];
  let last = -Infinity;
  const reset = () => {
    buffer = "";
    gaps = [];
  };
  const median = () => [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? Infinity;
  return {
    /** Returns true when the key belonged to a scan (the caller may then preventDefault). */
    handle(e: KeyLike): boolean {
      if (e.ctrlKey || e.altKey || e.metaKey) return false;
      const gap = e.timeStamp - last;
      last = e.timeStamp;
      if (e.key === "Enter" || e.key === "Tab") {
        const code = buffer;
        const long = code.length >= minLength && median() < maxGapMs;
        const short = shortMinLength !== undefined && code.length >= shortMinLength && code.length < minLength && median() < Math.min(shortMaxGapMs, maxGapMs);
        const wasScan = (long || short) && gap < MAX_STALL_MS;
        reset();
        if (wasScan) onScan(code);
        return wasScan;
      }
      if (e.key === "Shift") return false; // scanners press Shift for capitals
      const ch = scannedChar(e);
      if (ch === null) {
        reset();
        return false;
      }
      if (buffer.length > 0) {
        const stall = gap > maxGapMs;
        if (stall && (buffer.length < STALL_TOLERATED_AFTER || gap > MAX_STALL_MS)) reset();
        else gaps.push(gap);
      }
      buffer += ch;
      return buffer.length > 1;
    },
    reset,
  };
}
