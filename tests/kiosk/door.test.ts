import { describe, expect, test } from "vitest";
import { translate, type MessageKey } from "../../app/i18n";
import { eventDayInfo, eventDays, localDay } from "../../app/utils/event-days";
import { checkInOutcome, dateWarning, foreignOutcome } from "../../kiosk/outcomes";
import { describeForeignScan } from "../../kiosk/scan-input";
import { createWedgeDetector, scannedChar, type KeyLike } from "../../kiosk/wedge";

// Issue #12, the door: every scan gets an answer, dates in the event's time zone.

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

describe("what the kiosk says about a scan that is not our ticket", () => {
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate("ru", k, p);
  test("format and what was read, one line, truncated, control characters replaced", () => {
    expect(describeForeignScan("4600000123457")).toEqual({ format: "barcode", shown: "4600000123457" });
    expect(describeForeignScan("https://example.com/t/1").format).toBe("url");
    expect(describeForeignScan("PRETIX-SECRET-123").format).toBe("text");
    const long = describeForeignScan("x".repeat(100));
    expect(Array.from(long.shown)).toHaveLength(40);
    expect(long.shown.endsWith("…")).toBe(true);
    expect(describeForeignScan("a\u0000b\u202Ec\n\nd").shown).toBe("a\uFFFDb\uFFFDc d");
    expect(describeForeignScan("<img src=x onerror=alert(1)>").shown).toBe("<img src=x onerror=alert(1)>"); // shown as text by React
  });
  test("red: not a ticket of this event, with what was read", () => {
    const o = foreignOutcome(t, "4600000123457");
    expect(o.kind).toBe("red");
    expect(o.verdict).toBe("Не билет этого мероприятия");
    expect(o.title).toBe("Считано (штрихкод): «4600000123457»");
    expect(foreignOutcome((k, p) => translate("en", k, p), "https://x.io/a").verdict).toBe("Not a ticket of this event");
  });
});

describe("event days in the event's time zone", () => {
  // 2026-12-10 09:00 Moscow .. 2026-12-12 18:00 Moscow
  const startsAt = new Date("2026-12-10T06:00:00Z");
  const endsAt = new Date("2026-12-12T15:00:00Z");
  const tz = "Europe/Moscow";

  test("the days, and today's number among them", () => {
    expect(eventDays(startsAt, endsAt, tz)).toEqual(["2026-12-10", "2026-12-11", "2026-12-12"]);
    expect(eventDayInfo(new Date("2026-12-11T12:00:00Z"), startsAt, endsAt, tz)).toMatchObject({ number: 2, count: 3, before: false, after: false });
  });
  test("22:30 UTC on the 9th is already the 10th in Moscow: day 1, no warning; in UTC it would be the day before", () => {
    const at = new Date("2026-12-09T22:30:00Z");
    expect(localDay(at, tz)).toBe("2026-12-10");
    expect(eventDayInfo(at, startsAt, endsAt, tz).number).toBe(1);
    expect(eventDayInfo(at, startsAt, endsAt, "UTC")).toMatchObject({ number: null, before: true });
  });
  test("the kiosk warns before and after, not on an event day; the green screen says Day 2 of 3", () => {
    const ev = { timezone: tz, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() };
    const ru = (k: MessageKey, p?: Record<string, string | number>) => translate("ru", k, p);
    const en = (k: MessageKey, p?: Record<string, string | number>) => translate("en", k, p);
    const before = dateWarning(ru, "ru", ev, { code: "x" }, new Date("2026-12-09T12:00:00Z"));
    expect(before).toMatchObject({ kind: "warn", confirm: { code: "x" } });
    expect(before!.detail).toContain("10 декабря");
    expect(dateWarning(en, "en", ev, { code: "x" }, new Date("2026-12-13T12:00:00Z"))!.detail).toContain("ended on 12 December");
    expect(dateWarning(ru, "ru", ev, { code: "x" }, new Date("2026-12-11T12:00:00Z"))).toBeNull();
    expect(dateWarning(ru, "ru", { timezone: tz }, { code: "x" }, new Date("2030-01-01T00:00:00Z"))).toBeNull(); // dates unknown yet
  });
  test("checked in: verdict, name, category and the day", () => {
    const answer = {
      clientId: "c",
      result: "checked_in" as const,
      reason: null,
      registration: { id: "r", name: "Кузнецова Юлия", company: "ТехноПром", category: "media", status: "confirmed" },
      checkedInAt: "2026-12-11T09:41:00Z",
      kiosk: { id: "k", name: "Вход А" },
    };
    const ev = { timezone: tz, startsAt: new Date(Date.now() - 86_400_000).toISOString(), endsAt: new Date(Date.now() + 86_400_000).toISOString() };
    const o = checkInOutcome((k, p) => translate("en", k, p), answer, ev);
    expect(o).toMatchObject({ kind: "green", verdict: "Checked in", category: "Media", note: "Day 2 of 3" });
    const y = checkInOutcome((k, p) => translate("en", k, p), { ...answer, result: "already_checked_in" }, ev);
    expect(y).toMatchObject({ kind: "yellow", verdict: "Already checked in", detail: "at 12:41, Вход А" });
  });
});
