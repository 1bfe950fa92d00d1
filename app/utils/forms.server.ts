import type { MessageKey } from "~/i18n";
import { FieldRefusal, HttpError } from "./errors.server";
import { badTextFields } from "./ids";
import { serverT } from "./i18n.server";
import { logger } from "./logger.server";

// Page actions call the same services as the API; this turns their errors into translated
// messages next to the fields (never a stack trace or a 500 page).

/** `code`: the refusal's error code (e.g. already_exhibiting), for a page that says more about it. */
export type FormResult = { ok: boolean; intent: string; formError: string | null; fields: Record<string, string>; notice: string | null; code?: string };

const FIELD_MESSAGES: Array<[RegExp, MessageKey]> = [
  [/^Required$/, "field.required"],
  [/NUL or unpaired surrogate/, "field.badChars"],
  [/email/i, "field.email"],
  [/INN|10 or 12 digits/, "field.inn"],
  [/phone|E\.164/i, "field.phone"],
  [/URL/, "field.url"],
  [/Already registered/, "staff.alreadyRegistered"],
  [/^logo_too_large$/, "company.logoTooLarge"],
  [/^logo_wrong_type$/, "company.logoWrongType"],
  [/expected number|Invalid input: expected number/i, "field.number"],
  [/IANA time zone/, "field.timezone"],
  [/ISO 8601|date-time/, "field.datetime"],
  [/Must not be before/, "field.endBeforeStart"],
  [/a time HH:MM/, "field.time"],
  [/close after they open/, "event.doorsOrder"],
];

const CODE_MESSAGES: Record<string, MessageKey> = {
  cabinet_locked: "cabinet.lockedError",
  edit_deadline_passed: "cabinet.deadlineError",
  quota_exceeded: "cabinet.quotaExceeded",
  already_registered: "staff.alreadyRegistered",
  forbidden: "error.forbidden",
  not_found: "error.notFound",
};

export async function runFormAction(request: Request, intent: string, fn: () => Promise<string | null | void>, form?: FormData): Promise<FormResult> {
  const { t } = serverT(request);
  // NUL and unpaired surrogates: a message next to the field, never a query that fails.
  const bad = form ? badTextFields(form) : [];
  if (bad.length) return { ok: false, intent, formError: null, fields: Object.fromEntries(bad.map((name) => [name.replace(/^company\./, ""), t("field.badChars")])), notice: null };
  try {
    const notice = await fn();
    return { ok: true, intent, formError: null, fields: {}, notice: notice ?? t("common.saved") };
  } catch (err) {
    if (!(err instanceof HttpError)) {
      logger().error({ err }, "form action failed");
      return { ok: false, intent, formError: t("error.server"), fields: {}, notice: null };
    }
    const fields: Record<string, string> = {};
    for (const [name, message] of Object.entries(err.fields ?? {})) {
      const key = FIELD_MESSAGES.find(([re]) => re.test(message))?.[1] ?? "field.invalid";
      fields[name.replace(/^company\./, "")] = t(key);
    }
    if (err instanceof FieldRefusal) for (const [name, m] of Object.entries(err.fieldMessages)) fields[name] = t(m.key, m.params);
    const codeKey = err.messageKey ?? CODE_MESSAGES[err.code];
    const formError = codeKey ? t(codeKey) : Object.keys(fields).length ? null : err.message;
    return { ok: false, intent, formError, fields, notice: null, code: err.code };
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
