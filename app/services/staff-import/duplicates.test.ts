import { describe, expect, it } from "vitest";
import { findDuplicates, type DuplicateCandidate, type ExistingPerson } from "./index";

describe("findDuplicates", () => {
  it("finds rows repeating an earlier row by e-mail or phone, pointing at the first one", () => {
    const items: DuplicateCandidate[] = [
      { rowNumber: 2, email: "ivan@example.ru", phones: ["+79161234567"] },
      { rowNumber: 3, email: "petr@example.ru", phones: ["+79160000001", "+74951234567"] },
      { rowNumber: 4, email: "IVAN@example.ru", phones: [] }, // same e-mail as row 2, other case
      { rowNumber: 5, email: "anna@example.ru", phones: ["+74951234567"] }, // second phone of row 3
      { rowNumber: 6, email: "ivan@example.ru", phones: ["+79161234567"] }, // row 2 by both
      { rowNumber: 7, email: "olga@example.ru", phones: ["+79169999999"] }, // unique
    ];
    expect(findDuplicates(items, []).inFile).toEqual([
      { rowNumber: 4, duplicateOf: 2, by: "email" },
      { rowNumber: 5, duplicateOf: 3, by: "phone" },
      { rowNumber: 6, duplicateOf: 2, by: "email" },
      { rowNumber: 6, duplicateOf: 2, by: "phone" },
    ]);
  });

  it("uses file order even if items come unsorted", () => {
    const items: DuplicateCandidate[] = [
      { rowNumber: 9, email: "a@example.ru", phones: [] },
      { rowNumber: 3, email: "a@example.ru", phones: [] },
    ];
    expect(findDuplicates(items, []).inFile).toEqual([{ rowNumber: 9, duplicateOf: 3, by: "email" }]);
  });

  it("finds existing people of this exhibitor and of the event, with normalised keys", () => {
    const existing: ExistingPerson[] = [
      { id: "staff-1", email: "Ivan@Example.ru ", phone: null, scope: "exhibitor" },
      { id: "staff-2", email: null, phone: "8 (916) 123-45-67", scope: "exhibitor" }, // stored unnormalised
      { id: "other-exhibitor", email: "anna@example.ru", phone: "+74951234567", scope: "event" },
      { id: "visitor", email: "ivan@example.ru", phone: "+79990000000", scope: "event" },
      { id: "unrelated", email: "zzz@example.ru", phone: "+79998887766", scope: "event" },
    ];
    const items: DuplicateCandidate[] = [
      { rowNumber: 2, email: "ivan@example.ru", phones: ["+79161234567"] },
      { rowNumber: 3, email: "anna@example.ru", phones: ["+74951234567", "+79161111111"] },
      { rowNumber: 4, email: "new@example.ru", phones: ["+79162222222"] },
      { rowNumber: 5, email: undefined, phones: [] },
    ];
    expect(findDuplicates(items, existing).existing).toEqual([
      { rowNumber: 2, existingId: "staff-1", scope: "exhibitor", by: "email" },
      { rowNumber: 2, existingId: "staff-2", scope: "exhibitor", by: "phone" },
      { rowNumber: 2, existingId: "visitor", scope: "event", by: "email" },
      { rowNumber: 3, existingId: "other-exhibitor", scope: "event", by: "email" },
      { rowNumber: 3, existingId: "other-exhibitor", scope: "event", by: "phone" },
    ]);
  });

  it("reports nothing for distinct people", () => {
    const report = findDuplicates(
      [
        { rowNumber: 2, email: "a@example.ru", phones: ["+79160000001"] },
        { rowNumber: 3, email: "b@example.ru", phones: ["+79160000002"] },
      ],
      [{ id: "x", email: "c@example.ru", phone: "+79160000003", scope: "exhibitor" }],
    );
    expect(report).toEqual({ inFile: [], existing: [] });
  });
});
