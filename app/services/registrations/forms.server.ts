import type { z } from "zod";
import { isLocale, localeFromRequest, translate, type Locale, type MessageKey } from "~/i18n";
import { HttpError } from "~/utils/errors.server";
import { badTextResult, fieldMessages, formFailure, type FormResult } from "~/utils/forms.server";
import { cleanText } from "~/utils/ids";

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
  const bad = badTextResult(tFor(locale), form, { naming: "public", fixFields: true });
  if (bad) return { ok: false, error: bad, values };
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

// The field-message table and the error translation live in ~/utils/forms.server (one helper for
// every page form). These two bind it to a locale and the public forms' field names.

/** API field paths and messages -> the form's field names with translated messages. */
export function translateFields(locale: Locale, fields: Record<string, string>): Record<string, string> {
  return fieldMessages(tFor(locale), fields, "public");
}

export type PageResult = Omit<FormResult, "intent" | "code">;

/** Translates what a service threw for a page (never a stack trace). */
export function pageError(locale: Locale, err: unknown): PageResult {
  return formFailure(tFor(locale), err, { naming: "public", fixFields: true });
}

/** Throws the 404 page when the event is gone; anything else is a translated page error. */
export function publicPageError(locale: Locale, err: unknown): PageResult {
  if (err instanceof HttpError && err.status === 404) throw new Response("Not found", { status: 404 });
  return pageError(locale, err);
}

/** The person fields of a public form (the registrant, or the stand request's contact). */
export function personOf(form: FormData) {
  return {
    lastName: text(form, "lastName"),
    firstName: text(form, "firstName"),
    middleName: text(form, "middleName") || null,
    email: text(form, "email"),
    phone: text(form, "phone") || null,
    position: text(form, "position") || null,
  };
}

/** The company fields of a public form. */
export function companyOf(form: FormData) {
  return {
    name: text(form, "companyName"),
    inn: text(form, "inn") || null,
    city: text(form, "city") || null,
    country: text(form, "country") || null,
    website: text(form, "website") || null,
  };
}

/** A public form's input against its API schema, plus the consent box (a filled trap skips it). */
export function checkPublicForm<T extends z.ZodType>(
  schema: T,
  input: { honeypot: string | null },
  form: FormData,
  locale: Locale,
): { ok: true; data: z.infer<T> } | { ok: false; error: { formError: string; fields: Record<string, string> } } {
  const parsed = schema.safeParse(input);
  const fields = parsed.success
    ? {}
    : translateFields(locale, Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])));
  if (!input.honeypot && form.get("consent") !== "on") fields.consent = tFor(locale)("pub.consentRequired");
  if (!parsed.success || Object.keys(fields).length) return { ok: false, error: { formError: tFor(locale)("pub.fixFields"), fields } };
  return { ok: true, data: parsed.data };
}

/** What a public form's action answers: `done` says what happened (null/false: nothing yet). */
export type PublicResult<D> = {
  ok: boolean;
  formError: string | null;
  fields: Record<string, string>;
  values: Record<string, string>;
  done: D;
  email: string | null;
};

/** A refusal: the messages, and the values to fill in again. */
export function publicFailure<D>(r: { formError: string | null; fields: Record<string, string> }, values: Record<string, string>, done: D): PublicResult<D> {
  return { ok: false, ...r, values, done, email: null };
}

/** Done: the page says what happened and to which address. */
export function publicDone<D>(done: D, email: string | null): PublicResult<D> {
  return { ok: true, formError: null, fields: {}, values: {}, done, email };
}
