// PHONE / EMAIL / WEB / IM values live in one table keyed by their own ID, as in the portal
// (b_crm_field_multi). Update semantics: no ID -> add, ID -> change, ID + DELETE=Y -> remove.
import { RestError } from "./errors";
import { asList, asRecord } from "./php-query";

export type MultiType = "PHONE" | "EMAIL" | "WEB" | "IM";
export const MULTI_TYPES: MultiType[] = ["PHONE", "EMAIL", "WEB", "IM"];
export type Owner = "company" | "contact";

export type MultiValue = { ID: number; owner: Owner; elementId: number; TYPE_ID: MultiType; VALUE_TYPE: string; VALUE: string };
export type MultiView = { ID: string; VALUE_TYPE: string; VALUE: string; TYPE_ID: MultiType };

const VALUE_TYPES: Record<MultiType, string[]> = {
  PHONE: ["WORK", "MOBILE", "FAX", "HOME", "PAGER", "MAILING", "OTHER"],
  EMAIL: ["WORK", "HOME", "MAILING", "OTHER"],
  WEB: ["WORK", "HOME", "FACEBOOK", "VK", "LIVEJOURNAL", "TWITTER", "OTHER"],
  IM: ["SKYPE", "ICQ", "MSN", "JABBER", "TELEGRAM", "VK", "FACEBOOK", "INSTAGRAM", "IMOL", "OTHER"],
};

const EMAIL_LABELS: Record<string, string> = {
  WORK: "Work e-mail",
  HOME: "Personal e-mail",
  MAILING: "Newsletter e-mail",
  OTHER: "Other e-mail",
};

// Deliberately simple, like the portal's check: one @, a dot in the domain, no spaces.
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type MultiOp =
  | { kind: "add"; TYPE_ID: MultiType; VALUE: string; VALUE_TYPE: string }
  | { kind: "change"; ID: number; VALUE?: string; VALUE_TYPE?: string }
  | { kind: "delete"; ID: number };

function valueType(type: MultiType, raw: unknown): string {
  const v = typeof raw === "string" ? raw.toUpperCase() : "";
  if (VALUE_TYPES[type].includes(v)) return v;
  return type === "IM" ? "OTHER" : "WORK";
}

function checkEmail(value: string, vt: string): void {
  if (!EMAIL_RE.test(value)) {
    throw new RestError(400, "ERROR_CORE", `The field "${EMAIL_LABELS[vt] ?? "E-mail"}" contains an invalid address`);
  }
}

/** Normalised comparison key used by crm.duplicate.findbycomm: e-mail case-folded, phone digits without extension. */
export function commKey(type: "PHONE" | "EMAIL", value: string): string {
  if (type === "EMAIL") return value.trim().toLowerCase();
  return value.split(/(?:ext|доб|#)/i)[0].replace(/\D/g, "");
}

export class MultiFieldTable {
  private rows = new Map<number, MultiValue>();
  private nextId = 1;
  // Indexes keep get/list/findbycomm fast with thousands of records.
  private byElement = new Map<string, Set<number>>();
  private byComm = new Map<string, Set<number>>();

  /** Turns incoming `fields` into operations, validating everything before anything is written. */
  plan(fields: Record<string, unknown>, owner: Owner, elementId: number | null): MultiOp[] {
    const ops: MultiOp[] = [];
    for (const type of MULTI_TYPES) {
      for (const raw of asList(fields[type]) ?? []) {
        const item = asRecord(raw);
        if (!item) continue;
        const id = Number(item.ID);
        const existing = elementId !== null && id > 0 ? this.rows.get(id) : undefined;
        const owned = existing && existing.owner === owner && existing.elementId === elementId && existing.TYPE_ID === type;
        if (owned) {
          const value = item.VALUE === undefined ? undefined : String(item.VALUE).trim();
          if (String(item.DELETE ?? "").toUpperCase() === "Y" || value === "") {
            ops.push({ kind: "delete", ID: id });
            continue;
          }
          const vt = item.VALUE_TYPE === undefined ? undefined : valueType(type, item.VALUE_TYPE);
          if (type === "EMAIL" && value !== undefined) checkEmail(value, vt ?? existing.VALUE_TYPE);
          ops.push({ kind: "change", ID: id, VALUE: value, VALUE_TYPE: vt });
          continue;
        }
        if (id > 0 && elementId !== null) continue; // someone else's value id: the portal ignores it
        if (String(item.DELETE ?? "").toUpperCase() === "Y") continue;
        const value = String(item.VALUE ?? "").trim();
        if (!value) continue;
        const vt = valueType(type, item.VALUE_TYPE);
        if (type === "EMAIL") checkEmail(value, vt);
        ops.push({ kind: "add", TYPE_ID: type, VALUE: value, VALUE_TYPE: vt });
      }
    }
    return ops;
  }

  apply(ops: MultiOp[], owner: Owner, elementId: number): void {
    for (const op of ops) {
      if (op.kind === "add") {
        const row: MultiValue = { ID: this.nextId++, owner, elementId, TYPE_ID: op.TYPE_ID, VALUE: op.VALUE, VALUE_TYPE: op.VALUE_TYPE };
        this.rows.set(row.ID, row);
        this.index(row, true);
      } else if (op.kind === "delete") {
        this.index(this.rows.get(op.ID)!, false);
        this.rows.delete(op.ID);
      } else {
        const row = this.rows.get(op.ID)!;
        this.index(row, false);
        if (op.VALUE !== undefined) row.VALUE = op.VALUE;
        if (op.VALUE_TYPE !== undefined) row.VALUE_TYPE = op.VALUE_TYPE;
        this.index(row, true);
      }
    }
  }

  of(owner: Owner, elementId: number): Partial<Record<MultiType, MultiView[]>> {
    const out: Partial<Record<MultiType, MultiView[]>> = {};
    const ids = [...(this.byElement.get(`${owner}:${elementId}`) ?? [])].sort((a, b) => a - b);
    for (const row of ids.map((id) => this.rows.get(id)!)) {
      (out[row.TYPE_ID] ??= []).push({ ID: String(row.ID), VALUE_TYPE: row.VALUE_TYPE, VALUE: row.VALUE, TYPE_ID: row.TYPE_ID });
    }
    return out;
  }

  /** Element ids of `owner` having any of the values, oldest first. */
  find(owner: Owner, type: "PHONE" | "EMAIL", values: string[]): number[] {
    const ids = new Set<number>();
    for (const v of values) {
      const key = commKey(type, String(v));
      if (!key) continue;
      for (const rowId of this.byComm.get(`${owner}:${type}:${key}`) ?? []) ids.add(this.rows.get(rowId)!.elementId);
    }
    return [...ids].sort((a, b) => a - b);
  }

  private index(row: MultiValue, add: boolean): void {
    const keys: [Map<string, Set<number>>, string][] = [[this.byElement, `${row.owner}:${row.elementId}`]];
    if (row.TYPE_ID === "PHONE" || row.TYPE_ID === "EMAIL")
      keys.push([this.byComm, `${row.owner}:${row.TYPE_ID}:${commKey(row.TYPE_ID, row.VALUE)}`]);
    for (const [map, key] of keys) {
      const set = map.get(key) ?? new Set<number>();
      if (add) set.add(row.ID);
      else set.delete(row.ID);
      if (set.size) map.set(key, set);
      else map.delete(key);
    }
  }
}
