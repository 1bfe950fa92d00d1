// Encodes params the way PHP's http_build_query does: batch commands are query strings that
// the portal reads with parse_str, e.g. `crm.contact.add?fields[NAME]=Anna&fields[EMAIL][0][VALUE]=a%40b.c`.
//
// PHP semantics kept on purpose: null/undefined and empty arrays/objects are left out (a query string
// cannot carry an empty array; clear a list with a plain JSON call instead), true/false become 1/0
// (send Bitrix flags as "Y"/"N" strings), dates become ISO-8601.

const encodeSegment = (s: string) => encodeURIComponent(s);

export function encodePhpQuery(params: Record<string, unknown>): string {
  const pairs: string[] = [];
  const walk = (key: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (value instanceof Date) return void pairs.push(`${key}=${encodeURIComponent(value.toISOString())}`);
    if (Array.isArray(value)) return value.forEach((v, i) => walk(`${key}[${i}]`, v));
    if (typeof value === "object") {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(`${key}[${encodeSegment(k)}]`, v);
      return;
    }
    const scalar = typeof value === "boolean" ? (value ? "1" : "0") : String(value);
    pairs.push(`${key}=${encodeURIComponent(scalar)}`);
  };
  for (const [k, v] of Object.entries(params)) walk(encodeSegment(k), v);
  return pairs.join("&");
}
