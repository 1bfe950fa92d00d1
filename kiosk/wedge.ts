import { ticketCharFromKeyEvent } from "./verify-code";

// USB scanners in keyboard-wedge mode "type" the code 7-16 ms per key and press Enter. A person
// types far slower. We collect keys anywhere on the page and accept a burst ending with Enter
// when it has at least `minLength` characters and its median gap is under `maxGapMs`. A busy
// page can delay a few key events mid-scan, so one slow gap inside a long burst is tolerated;
// a slow gap early on means a person was typing, and the burst starts over. A key that is not
// already a code character is rebuilt from KeyboardEvent.code, so a Russian layout does not
// turn the code into Cyrillic.

export type WedgeOptions = { maxGapMs?: number; minLength?: number; onScan: (code: string) => void };
export type KeyLike = { key: string; code: string; shiftKey: boolean; timeStamp: number; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean };

const STALL_TOLERATED_AFTER = 8;
const MAX_STALL_MS = 1500;

export function createWedgeDetector({ maxGapMs = 35, minLength = 6, onScan }: WedgeOptions) {
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
        const wasScan = code.length >= minLength && median() < maxGapMs && gap < MAX_STALL_MS;
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
