import type { MessageKey } from "~/i18n";

/** An expected failure with a stable code; pages and the API turn it into a response. */
export class HttpError extends Error {
  constructor(
    public status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 423 | 429,
    public code: string,
    message: string,
    public fields?: Record<string, string>,
    public messageKey?: MessageKey,
  ) {
    super(message);
  }
}

export const forbidden = () => new HttpError(403, "forbidden", "You do not have access to this.", undefined, "error.forbidden");
export const notFound = (what = "Resource") => new HttpError(404, "not_found", `${what} not found.`, undefined, "error.notFound");

/** A refusal whose field messages pages translate with parameters (e.g. naming a count); the API reads the English `fields`. */
export class FieldRefusal extends HttpError {
  constructor(
    status: 409 | 422,
    code: string,
    public fieldMessages: Record<string, { key: MessageKey; params?: Record<string, string | number>; en: string }>,
  ) {
    super(status, code, "Some fields are invalid.", Object.fromEntries(Object.entries(fieldMessages).map(([k, v]) => [k, v.en])));
  }
}
