// One id parser for every route: ids in URLs and query strings are UUIDs; anything else is
// "no such thing" (404) before it reaches a query, where PostgreSQL would refuse it with a 500.

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_RE.test(value);
}

/** The id in lower case, or null when it is not a UUID. */
export function parseId(value: string | null | undefined): string | null {
  return isUuid(value) ? value.toLowerCase() : null;
}

/**
 * A page route's id parameter; a 404 page (Remix's boundary) when it is not a UUID.
 * API routes get the same check for every parameter in handleApi.
 */
export function idParam(params: Record<string, string | undefined>, name: string): string {
  const id = parseId(params[name]);
  if (!id) throw new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  return id;
}

/** NUL and unpaired UTF-16 surrogates: PostgreSQL, URLs and encoders refuse them. */
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasBadText(s: string): boolean {
  return BAD_TEXT.test(s);
}

/** The text with NUL and unpaired surrogates replaced by U+FFFD. */
export function cleanText(s: string): string {
  return s.replace(/\u0000/g, "\uFFFD").replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/** The names of a form's text fields that hold NUL or unpaired surrogates (files are not text). */
export function badTextFields(form: FormData): string[] {
  const names: string[] = [];
  for (const [name, value] of form)
    if (typeof value === "string" && (hasBadText(value) || hasBadText(name)) && !names.includes(name)) names.push(cleanText(name));
  return names;
}
