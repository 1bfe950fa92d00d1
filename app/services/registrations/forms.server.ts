import { isLocale, localeFromRequest, translate, type Locale, type MessageKey } from "~/i18n";
import { HttpError } from "~/utils/errors.server";
import { badTextFields, cleanText } from "~/utils/ids";
import { logger } from "~/utils/logger.server";

// Helpers for the public pages (/e/...) and the manager pages of issue #5: the page language
// (?lang= first: cookies do not reach an iframe on another site), bodies read with a size
// limit, and API-style field errors turned into translated messages next to the fields.

export function pageLocale(request: Request, form?: FormData): Locale {
  const fromForm = form?.get("lang");
  if (isLocale(fromForm)) return fromForm;
  const fromUrl = new URL(request.url).searchParams.get("lang");
  return isLocale(fromUrl) ? fromUrl : localeFromRequest(request);
}

export const tFor = (locale: Locale) => (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);

export type PublicForm =
  | { ok: true; form: FormData; locale: Locale; values: Record<string, string> }
  | { ok: false; error: PageResult; values: Record<string, string> };

/**
 * A public page's post: read with a byte limit, in the page's language (the form's lang first),
 * then the per-address submission limit. Refusals come back as a translated page error.
 */
export async function readPublicForm(request: Request, ip: string, maxBytes: number, limit: (ip: string) => Promise<void>): Promise<PublicForm> {
  let locale = pageLocale(request);
  let form: FormData;
  try {
    form = await readLimitedForm(request, maxBytes);
  } catch (err) {
    return { ok: false, error: pageError(locale, err), values: {} };
  }
  locale = pageLocale(request, form);
  const values = echo(form);
  const bad = badTextFields(form);
  if (bad.length) {
    const t = tFor(locale);
    const fields = Object.fromEntries(bad.map((name) => [name, t("field.badChars")]));
    return { ok: false, error: { ok: false, formError: t("pub.fixFields"), fields, notice: null }, values };
  }
  try {
    await limit(ip);
  } catch (err) {
    return { ok: false, error: pageError(locale, err), values };
  }
  return { ok: true, form, locale, values };
}

/** request.formData() with a byte limit (413 past it), for urlencoded and multipart bodies. */
export async function readLimitedForm(request: Request, maxBytes: number): Promise<FormData> {
  const tooLarge = () => new HttpError(413, "payload_too_large", `The form is larger than ${maxBytes} bytes.`);
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const copy = new Request(request.url, {
    method: "POST",
    headers: { "content-type": request.headers.get("content-type") ?? "application/x-www-form-urlencoded" },
    body: Buffer.concat(chunks),
  });
  try {
    return await copy.formData();
  } catch {
    throw new HttpError(400, "bad_form", "The form could not be read.");
  }
}

export function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
}

/** Text values of a form, to fill the fields again after an error (files and traps left out). */
export function echo(form: FormData, skip: string[] = ["hp"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form) if (typeof v === "string" && !skip.includes(k)) out[cleanText(k)] = cleanText(v.slice(0, 2000));
  return out;
}

const FIELD_NAMES: Record<string, string> = {
  "person.lastName": "lastName",
  "person.firstName": "firstName",
  "person.middleName": "middleName",
  "person.email": "email",
  "person.phone": "phone",
  "person.position": "position",
  "contact.lastName": "lastName",
  "contact.firstName": "firstName",
  "contact.middleName": "middleName",
  "contact.email": "email",
  "contact.phone": "phone",
  "contact.position": "position",
  "company.name": "companyName",
  "company.inn": "inn",
  "company.city": "city",
  "company.country": "country",
  "company.website": "website",
  "media.outlet": "outlet",
  "media.role": "role",
  "media.proofUrl": "proofUrl",
  "media.proofFile": "proofFile",
};

const MESSAGES: Array<[RegExp, MessageKey]> = [
  [/^Required$/, "field.required"],
  [/NUL or unpaired surrogate/, "field.badChars"],
  [/email/i, "field.email"],
  [/INN|10 or 12 digits/, "field.inn"],
  [/phone/i, "field.phone"],
  [/URL/, "field.url"],
  [/File too large/, "pub.fileTooLarge"],
  [/PDF, JPEG/, "pub.fileType"],
  [/expected number|greater than 0|Too small/i, "pub.areaInvalid"],
  [/Too big|too long|<=/i, "pub.tooLong"],
];

/** API field paths and messages -> the form's field names with translated messages. */
export function translateFields(locale: Locale, fields: Record<string, string>): Record<string, string> {
  const t = tFor(locale);
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) {
    const name = FIELD_NAMES[path] ?? path.split(".").pop() ?? path;
    const key = MESSAGES.find(([re]) => re.test(message))?.[1] ?? "field.invalid";
    out[name] ??= t(key);
  }
  return out;
}

const CODES: Record<string, MessageKey> = {
  rate_limited: "pub.rateLimited",
  registration_closed: "pub.closed",
  payload_too_large: "pub.tooLarge",
  not_found: "error.notFound",
  forbidden: "error.forbidden",
  invalid_state: "mgr.invalidState",
  already_exhibiting: "mgr.alreadyExhibiting",
};

export type PageResult = { ok: boolean; formError: string | null; fields: Record<string, string>; notice: string | null };

/** Translates what a service threw for a page (never a stack trace). */
export function pageError(locale: Locale, err: unknown): PageResult {
  const t = tFor(locale);
  if (!(err instanceof HttpError)) {
    logger().error({ err }, "page action failed");
    return { ok: false, formError: t("error.server"), fields: {}, notice: null };
  }
  const fields = translateFields(locale, err.fields ?? {});
  const key = CODES[err.code];
  const formError = key ? t(key) : Object.keys(fields).length ? t("pub.fixFields") : err.message;
  return { ok: false, formError, fields, notice: null };
}
