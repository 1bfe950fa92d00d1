import { describe, expect, test } from "vitest";
import { translate, type MessageKey } from "~/i18n";
import { eventDayInfo, eventDays, localDay } from "~/utils/event-days";
import { checkInOutcome, dateWarning, foreignOutcome } from "./outcomes";

// Issue #12, the door: every scan gets an answer, dates in the event's time zone.

describe("what the kiosk says about a scan that is not our ticket", () => {
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate("ru", k, p);
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
