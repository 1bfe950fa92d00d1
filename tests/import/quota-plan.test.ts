import { describe, expect, it } from "vitest";
import { plan } from "../../app/services/exhibitors/staff-import.server";
import {
  duplicateGroupMessage,
  findDuplicates,
  groupDuplicates,
  mappingFromColumns,
  type ExistingPerson,
  type StaffImportItem,
} from "../../app/services/staff-import";

// Issue #13 item 7: one decision per duplicate row, the mapping asked per column, and the
// partial import within the quota (first N or chosen rows).

const item = (rowNumber: number, email: string, phones: string[] = []): StaffImportItem => ({
  rowNumber,
  lastName: `L${rowNumber}`,
  firstName: "F",
  email,
  phones,
});

describe("groupDuplicates", () => {
  const own: ExistingPerson = { id: "own-1", email: "petrov@x.ru", phone: "+79160000001", scope: "exhibitor" };
  const own2: ExistingPerson = { id: "own-2", email: "other@x.ru", phone: "+79160000002", scope: "exhibitor" };
  const visitor: ExistingPerson = { id: "vis-1", email: "visitor@x.ru", phone: "+79160000003", scope: "event" };

  it("puts all reasons of a row together and lets it update only one own staff member", () => {
    const items = [
      item(2, "petrov@x.ru", ["+79160000001"]), // own-1 by e-mail and phone
      item(3, "other@x.ru", ["+79160000001"]), // own-2 by e-mail, own-1 by phone: ambiguous
      item(4, "new@x.ru", ["+79160000003"]), // a visitor's phone
      item(5, "new@x.ru"), // repeats row 4
      item(6, "fresh@x.ru"),
    ];
    const groups = groupDuplicates(findDuplicates(items, [own, own2, visitor]));
    expect(groups.map((g) => [g.rowNumber, g.updates])).toEqual([
      [2, "own-1"],
      [3, null],
      [4, null],
      [5, null],
    ]);
    expect(duplicateGroupMessage("ru", groups[0]!)).toBe("Уже есть среди ваших сотрудников (та же эл. почта, тот же телефон)");
    expect(duplicateGroupMessage("en", groups[0]!)).toBe("Already among your staff (same email, same phone)");
    expect(duplicateGroupMessage("en", groups[2]!)).toBe("Already registered for the event (same phone)");
    expect(duplicateGroupMessage("en", groups[3]!)).toBe("Repeats row 4 (same email)");
  });

  it("says a repeat of an earlier row and an existing match in one line", () => {
    const items = [item(2, "a@x.ru"), item(3, "a@x.ru", ["+79160000001"])];
    const [g] = groupDuplicates(findDuplicates(items, [own]));
    expect(g!.rowNumber).toBe(3);
    expect(g!.updates).toBeNull();
    expect(duplicateGroupMessage("ru", g!)).toBe("Повторяет строку 2 (та же эл. почта); Уже есть среди ваших сотрудников (тот же телефон)");
  });
});

describe("plan with a selection", () => {
  const items = Array.from({ length: 26 }, (_, i) => item(i + 2, `p${i}@x.ru`));
  const existing: ExistingPerson[] = [{ id: "own-1", email: "p0@x.ru", scope: "exhibitor" }];
  const dups = findDuplicates(items, existing);

  it("creates every new row by default; a duplicate row is skipped unless told to update", () => {
    const all = plan(items, dups, {});
    expect([all.create.length, all.update.length, all.skipped, all.creatable]).toEqual([25, 0, 1, 25]);
    const upd = plan(items, dups, { 2: "update" });
    expect(upd.update).toEqual([{ item: items[0], personId: "own-1" }]);
    expect(upd.skipped).toBe(0);
  });

  it("takes the first N new rows, in sheet order, and counts the rest as skipped", () => {
    const first = plan(items, dups, {}, { mode: "first", count: 4 });
    expect(first.create.map((i) => i.rowNumber)).toEqual([3, 4, 5, 6]);
    expect(first.skipped).toBe(1 + 21);
    expect(plan(items, dups, {}, { mode: "first", count: -3 }).create).toEqual([]);
  });

  it("takes chosen rows only, ignoring rows that are not new people", () => {
    const chosen = plan(items, dups, { 2: "update" }, { mode: "rows", rows: [2, 9, 27, 99] });
    expect(chosen.create.map((i) => i.rowNumber)).toEqual([9, 27]);
    expect(chosen.update.map((u) => u.item.rowNumber)).toEqual([2]);
    expect(chosen.skipped).toBe(23);
  });
});

describe("mappingFromColumns", () => {
  it("turns per-column choices into the field mapping; the leftmost column wins a field; unknown names are ignored", () => {
    expect(mappingFromColumns(["lastName", "", "position", "email", "lastName", "phone", "__proto__", undefined, "firstName"])).toEqual({
      lastName: 0,
      firstName: 8,
      middleName: null,
      fullName: null,
      position: 2,
      email: 3,
      phone: 5,
    });
  });
});
