// Bitrix24 is PHP: form bodies, query strings and batch commands are read with parse_str, so
// `fields[EMAIL][0][VALUE]=a%40b.c` becomes nested arrays. This mirrors that parser.

export type Params = Record<string, unknown>;

export function parsePhpQuery(query: string): Params {
  const root: Params = {};
  for (const part of query.replace(/^\?/, "").split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = decode(eq < 0 ? "" : part.slice(eq + 1));
    const path = splitKey(key);
    if (path) assign(root, path, value);
  }
  return normalizeLists(root) as Params;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/** `a[b][]` -> ["a", "b", ""]; PHP ignores keys that start with a bracket. */
function splitKey(key: string): string[] | null {
  const open = key.indexOf("[");
  if (open === 0 || key === "") return null;
  if (open < 0) return [key];
  const segments = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/y;
  re.lastIndex = open;
  for (let m = re.exec(key); m; m = re.exec(key)) segments.push(m[1]);
  return segments;
}

function assign(target: Params, path: string[], value: string): void {
  let cur = target;
  path.forEach((segment, i) => {
    const key = segment === "" ? String(nextIndex(cur)) : segment;
    if (i === path.length - 1) {
      cur[key] = value;
      return;
    }
    const child = cur[key];
    if (typeof child !== "object" || child === null) cur[key] = {};
    cur = cur[key] as Params;
  });
}

function nextIndex(obj: Params): number {
  const nums = Object.keys(obj)
    .filter((k) => /^\d+$/.test(k))
    .map(Number);
  return nums.length ? Math.max(...nums) + 1 : 0;
}

/** PHP has one array type; objects keyed 0..n become JS arrays so JSON and form input look alike. */
export function normalizeLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeLists);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value as Params);
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => normalizeLists(v));
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, normalizeLists(v)]));
}

/** Top-level keys of the legacy crm.* methods are case-insensitive (PHP array_change_key_case). */
export function pick(params: Params, name: string): unknown {
  if (name in params) return params[name];
  const upper = name.toUpperCase();
  for (const key of Object.keys(params)) if (key.toUpperCase() === upper) return params[key];
  return undefined;
}

export function asRecord(value: unknown): Params | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Params) : undefined;
}

/** A PHP list given as JSON array, as object with any keys (`n0`, `0`…), or a single scalar. */
export function asList(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === "object") return Object.values(value as Params);
  return [value];
}
