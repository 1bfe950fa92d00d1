import { describe, expect, test } from "vitest";
import { translate } from "../../app/i18n";
import { FieldRefusal, HttpError } from "../../app/utils/errors.server";
import { badTextResult, fieldMessages, formFailure } from "../../app/utils/forms.server";

// The one table of page-form messages (app/utils/forms.server.ts): manager and public forms read
// the same services' English field messages as translated text next to their own field names.
const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate("en", key, params);
const invalid = (fields: Record<string, string>, code = "validation_failed") => new HttpError(422, code, "Some fields are invalid.", fields);

describe("fieldMessages", () => {
  test("a manager form drops the card's company. prefix; a public form keeps the last part of the path", () => {
    const fields = { "company.name": "Required", "company.inn": "INN must be 10 or 12 digits", "person.email": "Invalid email address" };
    expect(fieldMessages(t, fields)).toEqual({ name: t("field.required"), inn: t("field.inn"), "person.email": t("field.email") });
    expect(fieldMessages(t, fields, "public")).toEqual({ companyName: t("field.required"), inn: t("field.inn"), email: t("field.email") });
  });

  test("a number is the stand area's own message only on the area field", () => {
    expect(fieldMessages(t, { areaM2: "Too small: expected number to be >0" }, "public")).toEqual({ areaM2: t("pub.areaInvalid") });
    expect(fieldMessages(t, { staffQuota: "Invalid input: expected number, received NaN" })).toEqual({ staffQuota: t("field.number") });
  });

  test("files, lengths and unknown messages", () => {
    expect(fieldMessages(t, { "media.proofFile": "File too large" }, "public")).toEqual({ proofFile: t("pub.fileTooLarge") });
    expect(fieldMessages(t, { note: "Too big: expected string to have <=500 characters" })).toEqual({ note: t("pub.tooLong") });
    expect(fieldMessages(t, { stand: "something else" })).toEqual({ stand: t("field.invalid") });
  });
});

describe("formFailure", () => {
  test("a known code is the form-level message; fields alone say 'check the marked fields' only where asked", () => {
    expect(formFailure(t, invalid({}, "rate_limited"))).toMatchObject({ ok: false, formError: t("pub.rateLimited"), code: "rate_limited" });
    expect(formFailure(t, invalid({ email: "Required" }), { intent: "add" })).toMatchObject({ intent: "add", formError: null, fields: { email: t("field.required") } });
    expect(formFailure(t, invalid({ email: "Required" }), { fixFields: true }).formError).toBe(t("pub.fixFields"));
  });

  test("a refusal with parameters, and an unexpected error is a plain server message", () => {
    const refusal = new FieldRefusal(409, "quota_exceeded", { staffQuota: { key: "field.number", en: "x" } });
    expect(formFailure(t, refusal)).toMatchObject({ formError: t("cabinet.quotaExceeded"), fields: { staffQuota: t("field.number") } });
    expect(formFailure(t, new Error("boom"))).toMatchObject({ ok: false, formError: t("error.server"), fields: {} });
  });

  test("NUL characters are refused next to the field", () => {
    const form = new FormData();
    form.set("company.name", "a\u0000b");
    form.set("city", "ok");
    expect(badTextResult(t, form)?.fields).toEqual({ name: t("field.badChars") });
    expect(badTextResult(t, form, { naming: "public", fixFields: true })).toMatchObject({ formError: t("pub.fixFields"), fields: { "company.name": t("field.badChars") } });
    form.delete("company.name");
    expect(badTextResult(t, form)).toBeNull();
  });
});
