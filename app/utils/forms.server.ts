import type { MessageKey } from "~/i18n";
import { FieldRefusal, HttpError } from "./errors.server";
import { badTextFields } from "./ids";
import { serverT } from "./i18n.server";
import { logger } from "./logger.server";

// Page actions call the same services as the API; this turns their errors into translated
// messages next to the fields (never a stack trace or a 500 page). One table for every page form:
// the services' English field messages -> translation keys.

/** `code`: the refusal's error code (e.g. already_exhibiting), for a page that says more about it. */
export type FormResult = { ok: boolean; intent: string; formError: string | null; fields: Record<string, string>; notice: string | null; code?: string };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** [message pattern, key, only for this field]: the first match wins. */
const FIELD_MESSAGES: Array<[RegExp, MessageKey, string?]> = [
  [/^Required$/, "field.required"],
  [/NUL or unpaired surrogate/, "field.badChars"],
  [/email/i, "field.email"],
  [/INN|10 or 12 digits/, "field.inn"],
  [/phone|E\.164/i, "field.phone"],
  [/URL/, "field.url"],
  [/Already registered/, "staff.alreadyRegistered"],
  [/^logo_too_large$/, "company.logoTooLarge"],
  [/^logo_wrong_type$/, "company.logoWrongType"],
  [/File too large/, "pub.fileTooLarge"],
  [/PDF, JPEG/, "pub.fileType"],
  [/expected number|greater than 0|Too small/i, "pub.areaInvalid", "areaM2"],
  [/expected number/i, "field.number"],
  [/IANA time zone/, "field.timezone"],
  [/ISO 8601|date-time/, "field.datetime"],
  [/Must not be before/, "field.endBeforeStart"],
  [/a time HH:MM/, "field.time"],
  [/close after they open/, "event.doorsOrder"],
  [/Too big|too long|<=/i, "pub.tooLong"],
];

const CODE_MESSAGES: Record<string, MessageKey> = {
  cabinet_locked: "cabinet.lockedError",
  edit_deadline_passed: "cabinet.deadlineError",
  quota_exceeded: "cabinet.quotaExceeded",
  already_registered: "staff.alreadyRegistered",
  forbidden: "error.forbidden",
  not_found: "error.notFound",
  rate_limited: "pub.rateLimited",
  registration_closed: "pub.closed",
  payload_too_large: "pub.tooLarge",
  invalid_state: "mgr.invalidState",
  already_exhibiting: "mgr.alreadyExhibiting",
};

/** A public form's field is the last part of the API's path (person.email -> email), but for these. */
const PUBLIC_FIELD_NAMES: Record<string, string> = { "company.name": "companyName" };

export type FieldNaming = "manager" | "public";

/** A manager form drops the card's "company." prefix; a public form keeps the last part of the path. */
function fieldName(path: string, naming: FieldNaming): string {
  if (naming === "manager") return path.replace(/^company\./, "");
  return PUBLIC_FIELD_NAMES[path] ?? path.split(".").pop() ?? path;
}

/** API field paths and English messages -> the form's field names with translated messages. */
export function fieldMessages(t: Translate, fields: Record<string, string>, naming: FieldNaming = "manager"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) {
    const name = fieldName(path, naming);
    const key = FIELD_MESSAGES.find(([re, , only]) => re.test(message) && (!only || only === name))?.[1] ?? "field.invalid";
    out[name] ??= t(key);
  }
  return out;
}

/**
 * What a service threw, as a form's answer. `fixFields`: a form-level "check the marked fields"
 * line when only fields are wrong (the public pages, whose forms are long).
 */
export function formFailure(t: Translate, err: unknown, opts: { intent?: string; naming?: FieldNaming; fixFields?: boolean } = {}): FormResult {
  const intent = opts.intent ?? "";
  if (!(err instanceof HttpError)) {
    logger().error({ err }, "form action failed");
    return { ok: false, intent, formError: t("error.server"), fields: {}, notice: null };
  }
  const fields = fieldMessages(t, err.fields ?? {}, opts.naming);
  if (err instanceof FieldRefusal) for (const [name, m] of Object.entries(err.fieldMessages)) fields[name] = t(m.key, m.params);
  const codeKey = err.messageKey ?? CODE_MESSAGES[err.code];
  const onlyFields = Object.keys(fields).length ? (opts.fixFields ? t("pub.fixFields") : null) : err.message;
  return { ok: false, intent, formError: codeKey ? t(codeKey) : onlyFields, fields, notice: null, code: err.code };
}

/** NUL and unpaired surrogates: a message next to the field, never a query that fails. */
export function badTextResult(t: Translate, form: FormData, opts: { intent?: string; naming?: FieldNaming; fixFields?: boolean } = {}): FormResult | null {
  const bad = badTextFields(form);
  if (!bad.length) return null;
  const fields = Object.fromEntries(bad.map((name) => [opts.naming === "public" ? name : name.replace(/^company\./, ""), t("field.badChars")]));
  return { ok: false, intent: opts.intent ?? "", formError: opts.fixFields ? t("pub.fixFields") : null, fields, notice: null };
}

export async function runFormAction(request: Request, intent: string, fn: () => Promise<string | null | void>, form?: FormData): Promise<FormResult> {
  const { t } = serverT(request);
  const bad = form ? badTextResult(t, form, { intent }) : null;
  if (bad) return bad;
  try {
    const notice = await fn();
    return { ok: true, intent, formError: null, fields: {}, notice: notice ?? t("common.saved") };
  } catch (err) {
    return formFailure(t, err, { intent });
  }
}

/** A lock's reason is what the exhibitor reads: a lock from a page needs one. */
export function requiredReason(form: FormData): string {
  const reason = optional(form, "reason");
  if (!reason) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { reason: "Required" });
  return reason;
}

export function formString(form: FormData, name: string): string | undefined {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
}

/** Empty optional inputs become null, so clearing a field clears the value. */
export function optional(form: FormData, name: string): string | null {
  const v = formString(form, name)?.trim();
  return v ? v : null;
}

export function list(form: FormData, name: string): string[] {
  return (formString(form, name) ?? "").split(/[,;\n]/).map((s) => s.trim()).filter(Boolean);
}
