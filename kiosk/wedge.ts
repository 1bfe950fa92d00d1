import { ticketCharFromKeyEvent } from "./verify-code";

// USB scanners in keyboard-wedge mode "type" the code 7-16 ms per key and press Enter. A person
// types far slower. We collect keys anywhere on the page and accept a burst when every gap is
// under `maxGapMs` and it has at least `minLength` characters. A key that is not already a code
// character is rebuilt from KeyboardEvent.code, so a Russian layout does not turn it Cyrillic.

export type WedgeOptions = { maxGapMs?: number; minLength?: number; onScan: (code: string) => void };
export type KeyLike = { key: string; code: string; shiftKey: boolean; timeStamp: number; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean };

export function createWedgeDetector({ maxGapMs = 35, minLength = 6, onScan }: WedgeOptions) {
  let buffer = "";
  let last = -Infinity;
  const reset = () => {
    buffer = "";
  };
  return {
    /** Returns true when the key belonged to a scan (the caller may then preventDefault). */
    handle(e: KeyLike): boolean {
      if (e.ctrlKey || e.altKey || e.metaKey) return false;
      const gap = e.timeStamp - last;
      last = e.timeStamp;
      if (e.key === "Enter" || e.key === "Tab") {
        const code = buffer;
        const wasScan = code.length >= minLength && gap < maxGapMs * 4;
        reset();
        if (wasScan) onScan(code);
        return wasScan;
      }
      if (e.key === "Shift") return false; // scanners press Shift for capitals
      const ch = /^[A-Za-z0-9_-]$/.test(e.key) ? e.key : ticketCharFromKeyEvent(e);
      if (ch === null) {
        reset();
        return false;
      }
      // A slow key: a person typing. Start over from this key.
      if (buffer.length > 0 && gap > maxGapMs) buffer = "";
      buffer += ch;
      return buffer.length > 1;
    },
    reset,
  };
}
