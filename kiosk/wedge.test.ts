import { describe, expect, test } from "vitest";
import { createWedgeDetector, scannedChar, type KeyLike } from "./wedge";

function keysFor(text: string, start: number, gapMs: number): KeyLike[] {
  const out: KeyLike[] = [];
  let t = start;
  for (const ch of text) {
    const upper = /[A-Z]/.test(ch);
    const code = /[a-z]/i.test(ch) ? `Key${ch.toUpperCase()}` : /\d/.test(ch) ? `Digit${ch}` : "Minus";
    // Under a Russian layout a scanner's letters arrive as Cyrillic `key`s; only `code` is reliable.
    out.push({ key: /[a-z]/i.test(ch) ? "ф" : ch, code, shiftKey: upper || ch === "_", timeStamp: t });
    t += gapMs;
  }
  out.push({ key: "Enter", code: "Enter", shiftKey: false, timeStamp: t });
  return out;
}

describe("USB scanner (keyboard wedge)", () => {
  test("a fast burst ending with Enter is a scan, rebuilt from key codes whatever the layout", () => {
    const scans: string[] = [];
    const d = createWedgeDetector({ onScan: (c) => scans.push(c) });
    for (const k of keysFor("1Ab-_9xYz", 1000, 10)) d.handle(k);
    expect(scans).toEqual(["1Ab-_9xYz"]);
  });

  test("a person typing slowly is not a scan; short bursts are not scans", () => {
    const scans: string[] = [];
    const d = createWedgeDetector({ onScan: (c) => scans.push(c) });
    for (const k of keysFor("hello-world", 1000, 150)) d.handle(k);
    for (const k of keysFor("ab1", 5000, 10)) d.handle(k);
    expect(scans).toEqual([]);
  });

  test("slow keys before a scan do not leak into it", () => {
    const scans: string[] = [];
    const d = createWedgeDetector({ onScan: (c) => scans.push(c) });
    for (const k of keysFor("zz", 0, 300).slice(0, 2)) d.handle(k);
    for (const k of keysFor("CODE123456", 2000, 8)) d.handle(k);
    expect(scans).toEqual(["CODE123456"]);
  });
});

describe("USB scanner on a busy page", () => {
  test("one delayed key in the middle of a long scan does not split it", () => {
    const scans: string[] = [];
    const d = createWedgeDetector({ onScan: (c) => scans.push(c), maxGapMs: 100, minLength: 20 });
    const keys = keysFor("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 1000, 5);
    for (let i = 15; i < keys.length; i++) keys[i] = { ...keys[i], timeStamp: keys[i].timeStamp + 400 }; // a 400 ms stall
    for (const k of keys) d.handle(k);
    expect(scans).toEqual(["ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"]);
  });

  test("a person typing 25 characters at 150 ms a key and pressing Enter is not a scan", () => {
    const scans: string[] = [];
    const d = createWedgeDetector({ onScan: (c) => scans.push(c), maxGapMs: 100, minLength: 20 });
    for (const k of keysFor("abcdefghijklmnopqrstuvwxy", 1000, 150)) d.handle(k);
    expect(scans).toEqual([]);
  });
});

// Issue #12, the door: every scan gets an answer.

const US: Record<string, [string, boolean]> = { ":": ["Semicolon", true], "/": ["Slash", false], ".": ["Period", false], "?": ["Slash", true], "=": ["Equal", false], "&": ["Digit7", true] };

/** A scanner typing `text` with a Russian layout active: `key` is what that layout makes, `code` the physical key. */
function scannerKeys(text: string, start: number, gapMs: number): KeyLike[] {
  const out: KeyLike[] = [];
  let t = start;
  for (const ch of text) {
    let code: string;
    let shiftKey = false;
    if (/[a-z]/i.test(ch)) [code, shiftKey] = [`Key${ch.toUpperCase()}`, /[A-Z]/.test(ch)];
    else if (/\d/.test(ch)) code = `Digit${ch}`;
    else if (ch === "-" || ch === "_") [code, shiftKey] = ["Minus", ch === "_"];
    else [code, shiftKey] = US[ch];
    const ruKey = code === "Period" ? "ю" : code === "Slash" ? (shiftKey ? "," : ".") : code === "Semicolon" ? "Ж" : /[a-z]/i.test(ch) ? "ф" : ch;
    out.push({ key: ruKey, code, shiftKey, timeStamp: t });
    t += gapMs;
  }
  out.push({ key: "Enter", code: "Enter", shiftKey: false, timeStamp: t });
  return out;
}

const kioskDetector = (scans: string[]) =>
  createWedgeDetector({ onScan: (c) => scans.push(c), maxGapMs: 100, minLength: 20, shortMinLength: 4, shortMaxGapMs: 50 });

describe("every scan reaches the kiosk", () => {
  test("an EAN-13 (13 digits) from a scanner is a scan", () => {
    const scans: string[] = [];
    const d = kioskDetector(scans);
    for (const k of scannerKeys("4600000123457", 1000, 8)) d.handle(k);
    expect(scans).toEqual(["4600000123457"]);
  });
  test("a URL QR with : / . ? = & is rebuilt from the physical keys under a Russian layout", () => {
    const scans: string[] = [];
    const d = kioskDetector(scans);
    const url = "https://pretix.eu/demo/conf/ticket/?code=AB12&x=1";
    for (const k of scannerKeys(url, 1000, 8)) d.handle(k);
    expect(scans).toEqual([url]);
  });
  test("a person typing a short word fast-ish and pressing Enter is not a scan", () => {
    const scans: string[] = [];
    const d = kioskDetector(scans);
    for (const k of scannerKeys("kuznetsova", 1000, 90)) d.handle(k); // 90 ms a key is a fast typist
    for (const k of scannerKeys("abc", 5000, 5)) d.handle(k); // 3 characters: too short for anything
    expect(scans).toEqual([]);
  });
  test("scannedChar: punctuation by physical key, plain ASCII without a code, nothing for Cyrillic", () => {
    expect(scannedChar({ key: "ю", code: "Period", shiftKey: false })).toBe(".");
    expect(scannedChar({ key: "Ж", code: "Semicolon", shiftKey: true })).toBe(":");
    expect(scannedChar({ key: "/", code: "", shiftKey: false })).toBe("/");
    expect(scannedChar({ key: "ж", code: "", shiftKey: false })).toBeNull();
    expect(scannedChar({ key: "ArrowLeft", code: "ArrowLeft", shiftKey: false })).toBeNull();
  });
});
