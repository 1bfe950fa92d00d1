import { describe, expect, test } from "vitest";
import { editState } from "../../app/services/exhibitors/cabinet.server";
import { toLocalInput, zonedToUtc } from "../../app/utils/time";

type Ex = Parameters<typeof editState>[0];
const exhibitor = (over: Partial<{ deadlineOverride: Date | null; lockedAt: Date | null; lockReason: string | null; parentLocked: boolean; eventDeadline: Date | null }>) =>
  ({
    lockedAt: over.lockedAt ?? null,
    lockReason: over.lockReason ?? null,
    deadlineOverride: over.deadlineOverride ?? null,
    event: { editDeadline: over.eventDeadline === undefined ? new Date("2030-07-01T18:00:00+05:00") : over.eventDeadline },
    parent: over.parentLocked ? { lockedAt: new Date(), lockReason: "родитель" } : null,
  }) as unknown as Ex;

describe("the edit deadline in a non-UTC time zone (Asia/Yekaterinburg, +05:00)", () => {
  test("open through 17:59:59 local, closed from 18:00:00 local", () => {
    const ex = exhibitor({});
    expect(editState(ex, new Date("2030-07-01T17:59:59+05:00")).editable).toBe(true);
    expect(editState(ex, new Date("2030-07-01T18:00:00+05:00"))).toMatchObject({ editable: false, reason: "edit_deadline_passed" });
    // 18:00 in Moscow is 20:00 in Yekaterinburg: still closed.
    expect(editState(ex, new Date("2030-07-01T18:00:00+03:00")).editable).toBe(false);
    expect(editState(ex, new Date("2030-07-01T15:59:00+03:00")).editable).toBe(true);
  });

  test("an exhibitor's override wins over the event's deadline, in both directions", () => {
    expect(editState(exhibitor({ deadlineOverride: new Date("2030-07-03T12:00:00+05:00") }), new Date("2030-07-02T10:00:00+05:00")).editable).toBe(true);
    expect(editState(exhibitor({ deadlineOverride: new Date("2030-06-20T12:00:00+05:00") }), new Date("2030-06-25T10:00:00+05:00")).editable).toBe(false);
  });

  test("a lock (own or the parent's) closes the cabinet before the deadline; no deadline means open", () => {
    expect(editState(exhibitor({ lockedAt: new Date(), lockReason: "оплата" }), new Date("2030-01-01T00:00:00Z"))).toMatchObject({ editable: false, reason: "cabinet_locked", lockReason: "оплата" });
    // The parent's reason is the manager's note to the parent: the sub-exhibitor is not shown it.
    expect(editState(exhibitor({ parentLocked: true }), new Date("2030-01-01T00:00:00Z"))).toMatchObject({ reason: "cabinet_locked", lockReason: null });
    expect(editState(exhibitor({ eventDeadline: null }), new Date("2099-01-01T00:00:00Z")).editable).toBe(true);
  });

  test("manager forms read and write the deadline as event-local wall-clock time", () => {
    expect(zonedToUtc("2030-07-01T18:00", "Asia/Yekaterinburg")?.toISOString()).toBe("2030-07-01T13:00:00.000Z");
    expect(toLocalInput(new Date("2030-07-01T13:00:00Z"), "Asia/Yekaterinburg")).toBe("2030-07-01T18:00");
    // Across a daylight-saving change (Berlin, last Sunday of March 2030).
    expect(zonedToUtc("2030-03-31T12:00", "Europe/Berlin")?.toISOString()).toBe("2030-03-31T10:00:00.000Z");
    expect(zonedToUtc("2030-03-30T12:00", "Europe/Berlin")?.toISOString()).toBe("2030-03-30T11:00:00.000Z");
    expect(zonedToUtc("18:00", "Europe/Moscow")).toBeNull();
  });
});
