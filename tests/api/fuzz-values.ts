// The hostile values of the contract fuzzing (tests/api/fuzz.test.ts): fast-check arbitraries
// for schema-shaped bodies with hostile nodes, path segments, query values and tokens. `tokens`
// and `ids` are filled by the test's setup with the tokens and the records it created.
import fc from "fast-check";

export const tokens: Record<string, string> = {};
export const ids: Record<string, string[]> = {};

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
};
export type Operation = {
  method: string;
  path: string;
  description?: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: "path" | "query" }>;
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
};

// ---------------------------------------------------------------------------------------------
// Hostile values

const LONG = "Ж".repeat(70_000);
const hostileStrings = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "\udc00\ud800",
  "😀𝕏ёЁ\u200b\u202e",
  "' OR 1=1--",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "%00%ff",
  "------------------------------------",
  "00000000-0000-0000-0000-000000000000",
  "99999999999999999999999",
  "-1",
  "1e999",
  "NaN",
  "null",
  "2026-13-45T99:99:99+25:00",
  "+7 (999) 000-00-00\u0000",
  LONG,
];
const hostileText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 300 }) },
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1e308,
      -1e308,
      2 ** 63,
      0.5,
      [],
      {},
      [null],
      { "": null },
      { __proto__: { a: 1 } },
    ),
  },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** A value for the schema, where any node may instead be hostile, and objects may get extra fields. */
function fuzzed(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 7, arbitrary: plausible(schema ?? {}, depth) }, { weight: 1, arbitrary: hostileValue });
}

function plausible(s: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => fuzzed(a, depth)));
  if (s.allOf?.length) return fuzzed(s.allOf[0], depth);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "string":
      return stringFor(s);
    case "integer":
      return fc.integer({ min: Math.max(s.minimum ?? -1000, -1e9), max: Math.min(s.maximum ?? 1000, 1e9) });
    case "number":
      return fc.double({ min: s.exclusiveMinimum ?? s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(fuzzed(s.items, depth + 1), { minLength: Math.min(s.minItems ?? 0, 3), maxLength: Math.min(s.maxItems ?? 3, 3) });
    case "object": {
      if (depth > 4) return fc.constant({});
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const record = fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fuzzed(v, depth + 1)])), {
        requiredKeys: Object.keys(props).filter((k) => required.has(k) || k === "clientId"),
      });
      const extra = fc.option(
        fc.tuple(fc.oneof(fc.constantFrom("extra", "__proto__", "constructor", "a\u0000b", "\ud800"), fc.string()), hostileValue),
        { freq: 6 },
      );
      return fc.tuple(record, extra).map(([r, e]) => (e ? { ...r, [e[0]]: e[1] } : r));
    }
    default:
      return hostileValue;
  }
}

function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  const known = ids.any ?? [];
  switch (s.format) {
    case "uuid":
      return fc.oneof(fc.constantFrom(...known), fc.uuid());
    case "date-time":
      return fc.date({ min: new Date("2020-01-01"), max: new Date("2035-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
    case "email":
      return fc.emailAddress();
  }
  const base = s.pattern
    ? fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 200))
    : fc.string({ unit: "grapheme", minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 30, 30) });
  // Values that pass validation where the field is free text or a ticket code.
  return fc.oneof(
    { weight: 4, arbitrary: base },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        ...(ids.codes ?? ["x"]),
        "Иванов",
        "+7 916 123-45-67",
        "7707083893",
        "https://example.com",
        "Europe/Moscow",
      ),
    },
  );
}

/** A path segment: a known id, a random UUID, or garbage, some of it as raw (invalid) percent-encoding. */
export function segment(param: string, path: string): fc.Arbitrary<string> {
  const key = param === "staffId" ? "staff" : param === "eventId" || path.startsWith("/api/v1/events/{id}") ? "event" : path.split("/")[3];
  const known = ids[key] ?? [];
  const enc = (v: string) =>
    [...Buffer.from(v, "utf8")]
      .map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, "0")}`))
      .join("");
  return fc.oneof(
    { weight: 4, arbitrary: known.length ? fc.constantFrom(...known) : fc.uuid() },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: hostileText.filter((v) => v.length < 5000 && v !== "").map(enc) },
    { weight: 1, arbitrary: fc.constantFrom("%ED%A0%80", "%00", "%", "%zz", "%C0%AF", "..", "%2e%2e", "A".repeat(4000), "1%20OR%201=1--") },
  );
}

export function queryValue(name: string): fc.Arbitrary<string> {
  const cursor = (c: unknown) => Buffer.from(JSON.stringify(c)).toString("base64url");
  const specials: Record<string, string[]> = {
    since: [
      "0",
      cursor({ t: "99999999999999999999", r: "ffffffff-ffff-ffff-ffff-ffffffffffff", c: "", i: 0 }),
      cursor({ t: "-99999999999999999999", r: "ffffffff-ffff-ffff-ffff-ffffffffffff", c: "", i: 1 }),
      cursor({ t: 1, r: null }),
      "e30",
    ],
    limit: ["1", "5000", "5001", "0", "-1", "1e3", "99999999999999999999", "0x10"],
    day: ["2026-12-03", "2026-02-30", "9999-99-99", "0000-00-00"],
    eventId: ids.event ?? [],
    printerId: ids.printer ?? [],
    status: ["queued", "done", "QUEUED"],
    health: ["0", "1"],
  };
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...(specials[name]?.length ? specials[name] : ["x"])) },
    { weight: 2, arbitrary: hostileText.filter((v) => v.length < 5000) },
  );
}

export const encodeQueryValue = (v: string) => [...Buffer.from(v, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");

/** A body: JSON of a fuzzed value, or bytes that are not the JSON asked for. */
export function bodyFor(op: Operation): fc.Arbitrary<string | Buffer | undefined> {
  const schema = op.requestBody?.content["application/json"].schema;
  const raw = fc.constantFrom<string | Buffer>(
    "",
    "not json",
    '{"a":',
    "null",
    "[]",
    "1e999",
    '"\\u0000"',
    '{"code":"\\ud800","clientId":"00000000-0000-4000-8000-000000000000"}',
    '{"__proto__":{"polluted":1}}',
    Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
    Buffer.alloc(1024 * 1024 + 10, 0x20),
  );
  if (!schema) return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: raw });
  return fc.oneof({ weight: 8, arbitrary: fuzzed(schema).map((v) => JSON.stringify(v) ?? "null") }, { weight: 1, arbitrary: raw });
}

/** The tokens worth trying: mostly the roles the operation names, sometimes others or none. */
export function tokenFor(op: Operation): fc.Arbitrary<string | undefined> {
  const roles = Object.keys(tokens).filter((r) => op.description?.includes(r));
  const own = roles.map((r) => tokens[r]);
  const all = Object.values(tokens);
  return fc.oneof(
    { weight: 6, arbitrary: own.length ? fc.constantFrom(...own) : fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(...all, undefined, "exd_wrong", "exd_%00", "Basic abc", "x".repeat(10_000)) },
  );
}
