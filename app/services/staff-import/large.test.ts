import { describe, expect, it } from "vitest";
import { findDuplicates, guessMapping, mapRows, parseStaffFile, type ExistingPerson } from "./index";
import { makeXlsx } from "../../../tests/import/fixtures";

// 20,000 rows is the target. Counts are asserted; times are printed for the lead.

const ROWS = 20_000;
const phoneOf = (i: number) => 79_000_000_000 + i; // stored as a number, as Excel users do

describe("20,000-row import", () => {
  it("parses, maps and checks duplicates of a 20,000-row XLSX", async () => {
    // Every 1000th row (i % 1000 === 999) repeats the e-mail of the row before it: 20 in-file duplicates.
    // Every 100th row has an invalid e-mail: 200 error rows.
    const data = Array.from({ length: ROWS }, (_, i) => {
      const email = i % 100 === 50 ? `broken${i}@` : `user${i % 1000 === 999 ? i - 1 : i}@example.ru`;
      return [
        `ИВАНОВ${i % 10 === 0 ? "-ПЕТРОВ" : ""}`,
        `иван`,
        "Иванович",
        "Менеджер",
        { text: email, hyperlink: `mailto:${email}` },
        phoneOf(i),
      ];
    });
    const build = performance.now();
    const xlsx = await makeXlsx([["Фамилия", "Имя", "Отчество", "Должность", "E-mail", "Мобильный телефон"], ...data]);
    const start = performance.now();

    const sheet = await parseStaffFile(xlsx, "big.xlsx");
    const parsed = performance.now();
    const mapping = guessMapping(sheet.headers);
    const { items, errors } = mapRows(sheet.rows, mapping, { rowNumbers: sheet.rowNumbers });
    const mapped = performance.now();

    // 20,000 existing people: 10 of this exhibitor share e-mails with rows, 30 in the event share phones.
    const existing: ExistingPerson[] = Array.from({ length: ROWS }, (_, i) => {
      if (i < 10) return { id: `own-${i}`, email: `USER${i * 7}@example.ru`, phone: null, scope: "exhibitor" };
      if (i < 40) return { id: `event-${i}`, email: `someone${i}@other.ru`, phone: `+${phoneOf(1000 + i)}`, scope: "event" };
      return { id: `p-${i}`, email: `person${i}@other.ru`, phone: `+7800${String(i).padStart(7, "0")}`, scope: "event" };
    });
    const report = findDuplicates(items, existing);
    const done = performance.now();

    console.log(
      `[staff-import 20k] build xlsx ${(start - build).toFixed(0)} ms (${(xlsx.length / 1024).toFixed(0)} KiB); ` +
        `parse ${(parsed - start).toFixed(0)} ms, map ${(mapped - parsed).toFixed(0)} ms, duplicates ${(done - mapped).toFixed(0)} ms, ` +
        `total ${(done - start).toFixed(0)} ms`,
    );

    expect(sheet.rows).toHaveLength(ROWS);
    expect(sheet.rowNumbers[0]).toBe(2);
    expect(sheet.rowNumbers[ROWS - 1]).toBe(ROWS + 1);
    expect(errors).toHaveLength(200);
    expect(errors.every((e) => e.code === "invalid_email" && (e.rowNumber - 2) % 100 === 50)).toBe(true);
    expect(items).toHaveLength(ROWS - 200);
    expect(items[0]).toEqual({
      rowNumber: 2,
      lastName: "Иванов-Петров",
      firstName: "Иван",
      middleName: "Иванович",
      position: "Менеджер",
      email: "user0@example.ru",
      phones: ["+79000000000"],
    });
    expect(items[1].lastName).toBe("Иванов");

    expect(report.inFile).toHaveLength(20);
    expect(report.inFile[0]).toEqual({ rowNumber: 999 + 2, duplicateOf: 998 + 2, by: "email" });
    const own = report.existing.filter((d) => d.scope === "exhibitor");
    const event = report.existing.filter((d) => d.scope === "event");
    expect(own).toHaveLength(10);
    expect(own.every((d) => d.by === "email")).toBe(true);
    expect(event).toHaveLength(30);
    expect(event.every((d) => d.by === "phone")).toBe(true);
    expect(event[0]).toEqual({ rowNumber: 1010 + 2, existingId: "event-10", scope: "event", by: "phone" });
  });
});
