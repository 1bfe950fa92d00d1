import { describe, expect, it } from "vitest";
import { ImportFileError, duplicateMessage, fileErrorMessage, messages, rowErrorMessage } from "./index";

function shape(value: unknown, path = ""): Record<string, string[]> {
  // key path -> placeholders, so both catalogues must have the same keys and the same {params}
  if (typeof value === "string") return { [path]: (value.match(/\{\w+\}/g) ?? []).sort() };
  return Object.assign({}, ...Object.entries(value as object).map(([k, v]) => shape(v, `${path}.${k}`)));
}

describe("import messages", () => {
  it("has the same keys and placeholders in Russian and English", () => {
    expect(shape(messages.en)).toEqual(shape(messages.ru));
    expect(Object.keys(shape(messages.ru))).toHaveLength(21);
  });

  it("fills row, file and duplicate messages", () => {
    expect(rowErrorMessage("ru", { rowNumber: 3, field: "lastName", code: "required" })).toBe("Заполните поле «Фамилия»");
    expect(rowErrorMessage("en", { rowNumber: 3, field: "email", code: "invalid_email", value: "x@" })).toBe("Invalid email address: x@");
    expect(rowErrorMessage("ru", { rowNumber: 3, field: "position", code: "too_long", value: "…", max: 200 })).toBe(
      "Поле «Должность» длиннее 200 символов",
    );
    expect(fileErrorMessage("ru", new ImportFileError("too_many_rows", "x", { limit: 20000 }))).toBe(
      "В файле больше 20000 строк. Разделите его на несколько файлов.",
    );
    expect(duplicateMessage("ru", { rowNumber: 5, duplicateOf: 2, by: "phone" })).toBe("Повторяет строку 2 (тот же телефон)");
    expect(duplicateMessage("en", { rowNumber: 5, existingId: "x", scope: "exhibitor", by: "email" })).toBe(
      "Already among your staff (same email)",
    );
  });
});
