import { describe, expect, test } from "vitest";
import { createWedgeDetector, type KeyLike } from "../../kiosk/wedge";
import { searchKey, searchPeople } from "../../kiosk/search";

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

describe("manual search", () => {
  const people = [
    { id: "1", name: "Щербаков Алексей", company: "СтройМаш", email: "a.shcherbakov@stroymash.ru", phone: "+79161234567" },
    { id: "2", name: "Smith John", company: "Acme", email: "john@acme.com", phone: null },
    { id: "3", name: "Юлия Кузнецова", company: "ТехноПром", email: "yk@techno.ru", phone: "+79990001122" },
  ];
  test("Latin query finds a Cyrillic name and the other way round", () => {
    expect(searchPeople(people, "shcherbakov").map((p) => p.id)).toEqual(["1"]);
    expect(searchPeople(people, "Смит").map((p) => p.id)).toEqual(["2"]);
    expect(searchPeople(people, "yulia kuznetsova").map((p) => p.id)).toEqual(["3"]);
  });
  test("a typo, a company, an email or the last digits of a phone find the person", () => {
    expect(searchPeople(people, "Кузнецвоа").map((p) => p.id)).toEqual(["3"]);
    expect(searchPeople(people, "технопром").map((p) => p.id)).toEqual(["3"]);
    expect(searchPeople(people, "john@acme").map((p) => p.id)).toEqual(["2"]);
    expect(searchPeople(people, "1234567").map((p) => p.id)).toEqual(["1"]);
    expect(searchPeople(people, "Петров")).toEqual([]);
  });
  test("searchKey folds transliteration variants", () => {
    expect(searchKey("Юлия")).toBe(searchKey("Yulia"));
    expect(searchKey("Хабаров")).toBe(searchKey("Habarov"));
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
