import { describe, expect, test } from "vitest";
import { describeEntry, wordsFor } from "~/services/changelog/words.server";
import { ru } from "~/i18n/ru";

// Every audit action the code writes has words in the change log, and budget rows read as
// labels and values, not keys.
describe("change log words", () => {
  test("a budget line change reads in words in RU and EN", () => {
    const row = {
      id: 1n,
      at: new Date("2026-12-03T09:00:00Z"),
      action: "budget.update",
      exhibitorId: null,
      before: { id: "x", kind: "marketing", channel: "yandex", planned: "100000", actual: null },
      after: { kind: "marketing", channel: "yandex", planned: "100000", actual: "90000" },
    };
    const ruView = describeEntry(row, { words: wordsFor("ru"), zone: "Europe/Moscow", who: "М", exhibitorName: null });
    expect(ruView.what).toBe("Изменена статья бюджета");
    expect(ruView.changes).toEqual([{ label: "Факт, ₽", from: "—", to: "90000" }]);
    const created = describeEntry({ ...row, action: "budget.add", before: null }, { words: wordsFor("en"), zone: "UTC", who: "M", exhibitorName: null });
    expect(created.what).toBe("Budget line added");
    expect(created.changes.map((c) => [c.label, c.to])).toContainEqual(["Line", "Marketing"]);
  });

  test("every action written by the code has a phrase", async () => {
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const { join } = await import("node:path");
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : /\.tsx?$/.test(f) ? [join(dir, f)] : []));
    const actions = new Set<string>();
    for (const f of files("app")) for (const m of readFileSync(f, "utf8").matchAll(/action: "([a-z]+\.[a-z_.-]+)"/g)) actions.add(m[1]);
    expect(actions.size).toBeGreaterThan(20);
    const missing = [...actions].filter((a) => !(`log.action.${a}` in ru));
    expect(missing).toEqual([]);
  });
});
