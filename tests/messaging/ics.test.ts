import { describe, expect, test } from "vitest";
import { buildIcs, escapeText, fold } from "~/services/mail/ics";
import { parseIcs } from "./ics-reader";

describe(".ics builder", () => {
  const event = {
    uid: "0b9e1f7e-1111-4222-8333-444455556666@expo-desk",
    startsAt: new Date("2025-03-12T07:00:00Z"),
    endsAt: new Date("2025-03-14T15:00:00.500Z"),
    summary: "Выставка «Стройка, ремонт; дизайн» \\ 2025",
    location: "Крокус Экспо, павильон 3, Международная ул., 16, Красногорск, Московская область, Россия",
    description: "Первая строка\nВторая, с запятой; и точкой с запятой",
    stamp: new Date("2025-01-01T00:00:00Z"),
  };
  const ics = buildIcs(event);

  test("uses CRLF only and never exceeds 75 octets per line", () => {
    expect(ics.endsWith("\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of ics.split("\r\n")) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    expect(ics).toMatch(/\r\n /); // the long Cyrillic lines were folded
  });

  test("round-trips values, with times in UTC", () => {
    const p = parseIcs(ics);
    expect(p.get("BEGIN")).toBe("VCALENDAR");
    expect(p.get("METHOD")).toBe("PUBLISH");
    expect(p.get("DTSTART")).toBe("20250312T070000Z");
    expect(p.get("DTEND")).toBe("20250314T150000Z");
    expect(p.get("DTSTAMP")).toBe("20250101T000000Z");
    expect(p.get("SUMMARY")).toBe(event.summary);
    expect(p.get("LOCATION")).toBe(event.location);
    expect(p.get("DESCRIPTION")).toBe(event.description);
    expect(p.get("UID")).toBe(event.uid);
  });

  test("escapes backslash, semicolon, comma and newlines", () => {
    expect(escapeText("a\\b;c,d\ne\r\nf")).toBe("a\\\\b\\;c\\,d\\ne\\nf");
  });

  test("folding never splits a multi-byte character", () => {
    const line = `SUMMARY:${"ж".repeat(100)}😀${"z".repeat(80)}`;
    const folded = fold(line);
    expect(folded.replace(/\r\n /g, "")).toBe(line);
    for (const part of folded.split("\r\n")) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(fold("short")).toBe("short");
  });

  test("rejects invalid dates", () => {
    expect(() => buildIcs({ ...event, startsAt: new Date("nope") })).toThrow(RangeError);
  });
});
