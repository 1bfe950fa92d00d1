// filter / order / start handling shared by every *.list method (legacy crm.* semantics).
import { asList, asRecord, type Params } from "./php-query";

export const PAGE_SIZE = 50;

type Row = Record<string, unknown>;
type Op = "=" | "!=" | ">" | ">=" | "<" | "<=" | "%" | "!%" | "@" | "!@";

const OP_RE = /^(>=|<=|!=|!%|!@|>|<|=|!|%|@)?(.+)$/;

/** Multi-field arrays (`PHONE: [{VALUE}]`) compare by their VALUEs; everything else as one value. */
function valuesOf(row: Row, field: string): unknown[] {
  const v = row[field];
  if (Array.isArray(v)) return v.map((item) => (asRecord(item) ? asRecord(item)!.VALUE : item));
  return [v];
}

function compare(a: unknown, b: unknown): number {
  const as = a === null || a === undefined ? "" : String(a);
  const bs = b === null || b === undefined ? "" : String(b);
  const an = Number(as);
  const bn = Number(bs);
  if (as !== "" && bs !== "" && Number.isFinite(an) && Number.isFinite(bn)) return an - bn;
  return as < bs ? -1 : as > bs ? 1 : 0;
}

function matches(actual: unknown, op: Op, expected: unknown): boolean {
  const list = asList(expected);
  switch (op) {
    case "=":
      // A list as a plain filter value means IN, like in PHP.
      return Array.isArray(expected) ? (list ?? []).some((e) => compare(actual, e) === 0) : compare(actual, expected) === 0;
    case "!=":
      return !matches(actual, "=", expected);
    case ">":
      return compare(actual, expected) > 0;
    case ">=":
      return compare(actual, expected) >= 0;
    case "<":
      return compare(actual, expected) < 0;
    case "<=":
      return compare(actual, expected) <= 0;
    case "%":
      return String(actual ?? "")
        .toLowerCase()
        .includes(String(expected ?? "").toLowerCase());
    case "!%":
      return !matches(actual, "%", expected);
    case "@":
      return (list ?? []).some((e) => compare(actual, e) === 0);
    case "!@":
      return !matches(actual, "@", expected);
  }
}

/** Field names a filter refers to, without their operator prefixes. */
export function filterFields(filter: Params | undefined): string[] {
  return Object.keys(filter ?? {}).map((key) => OP_RE.exec(key)![2]);
}

export function filterRows<T extends Row>(rows: T[], filter: Params | undefined): T[] {
  if (!filter) return rows;
  const conditions = Object.entries(filter).map(([key, expected]) => {
    const [, rawOp, field] = OP_RE.exec(key)!;
    const op = (rawOp === "!" ? "!=" : (rawOp ?? "=")) as Op;
    return { field, op, expected };
  });
  return rows.filter((row) =>
    conditions.every(({ field, op, expected }) => {
      const values = valuesOf(row, field);
      // Negative operators must hold for every value of a multi-field, positive ones for any.
      return op.startsWith("!") ? values.every((v) => matches(v, op, expected)) : values.some((v) => matches(v, op, expected));
    }),
  );
}

export function sortRows<T extends Row>(rows: T[], order: Params | undefined, fallback: Params = { ID: "ASC" }): T[] {
  const keys = Object.entries({ ...(order && Object.keys(order).length ? order : fallback) });
  return [...rows].sort((a, b) => {
    for (const [field, dir] of keys) {
      const c = compare(a[field], b[field]);
      if (c !== 0) return String(dir).toUpperCase() === "DESC" ? -c : c;
    }
    return compare(a.ID, b.ID);
  });
}

export type Page<T> = { result: T[]; total?: number; next?: number };

/** Fixed page of 50; `start=-1` skips counting (no `total`, no `next`). */
export function paginate<T>(rows: T[], start: unknown): Page<T> {
  const s = Number(start ?? 0);
  if (s === -1) return { result: rows.slice(0, PAGE_SIZE) };
  const from = Number.isFinite(s) && s > 0 ? Math.floor(s) : 0;
  const page: Page<T> = { result: rows.slice(from, from + PAGE_SIZE), total: rows.length };
  if (from + PAGE_SIZE < rows.length) page.next = from + PAGE_SIZE;
  return page;
}
