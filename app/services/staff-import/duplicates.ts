import { normalizeEmail, normalizePhones, type PhoneRegion } from "../../utils/validators";

// Duplicates shown before commit, so the user can choose skip or update. One Map per key kind:
// 20,000 rows against 20,000 existing people is a few hundred thousand map operations.

export type DuplicateBy = "email" | "phone";
export type ExistingScope = "exhibitor" | "event";

export interface DuplicateCandidate {
  rowNumber: number;
  email?: string | null;
  phones?: readonly string[];
}

export interface ExistingPerson {
  id: string;
  email?: string | null;
  phone?: string | null;
  /** "exhibitor": staff of this exhibitor; "event": anyone else in the event (another exhibitor's staff, a visitor). */
  scope: ExistingScope;
}

/** The row repeats an earlier row of the same file (`duplicateOf` is the first such row). */
export interface InFileDuplicate {
  rowNumber: number;
  duplicateOf: number;
  by: DuplicateBy;
}

export interface ExistingDuplicate {
  rowNumber: number;
  existingId: string;
  scope: ExistingScope;
  by: DuplicateBy;
}

export interface DuplicateReport {
  /** Sorted by row; one entry per (row, earlier row, key kind): a row equal by e-mail and phone appears twice. */
  inFile: InFileDuplicate[];
  /** Sorted by row, "exhibitor" before "event"; one entry per (row, person, key kind). */
  existing: ExistingDuplicate[];
}

const E164 = /^\+[1-9]\d{6,14}$/;

function emailKey(email: string | null | undefined): string | null {
  if (!email) return null;
  return normalizeEmail(email) ?? (email.trim().toLowerCase() || null);
}

/** Stored phones should already be E.164; anything else is normalised the way the import does it. */
function phoneKeys(phone: string | null | undefined, region: PhoneRegion): string[] {
  if (!phone) return [];
  const trimmed = phone.trim();
  return E164.test(trimmed) ? [trimmed] : normalizePhones(trimmed, region).phones;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function findDuplicates(
  items: readonly DuplicateCandidate[],
  existing: readonly ExistingPerson[],
  options: { defaultRegion?: PhoneRegion } = {},
): DuplicateReport {
  const region = options.defaultRegion ?? "RU";
  const existingByEmail = new Map<string, ExistingPerson[]>();
  const existingByPhone = new Map<string, ExistingPerson[]>();
  for (const person of existing) {
    const email = emailKey(person.email);
    if (email) push(existingByEmail, email, person);
    for (const phone of phoneKeys(person.phone, region)) push(existingByPhone, phone, person);
  }

  const firstRowByEmail = new Map<string, number>();
  const firstRowByPhone = new Map<string, number>();
  const inFile: InFileDuplicate[] = [];
  const found: ExistingDuplicate[] = [];

  // Rows are handled in sheet order so that "earlier" means earlier in the file.
  const ordered = [...items].sort((a, b) => a.rowNumber - b.rowNumber);
  for (const item of ordered) {
    const keys: Array<[DuplicateBy, string, Map<string, number>, Map<string, ExistingPerson[]>]> = [];
    const email = emailKey(item.email);
    if (email) keys.push(["email", email, firstRowByEmail, existingByEmail]);
    for (const phone of new Set(item.phones ?? [])) keys.push(["phone", phone, firstRowByPhone, existingByPhone]);

    const reportedRows = new Set<string>();
    const reportedPeople = new Set<string>();
    for (const [by, key, firstRows, people] of keys) {
      const first = firstRows.get(key);
      if (first === undefined) firstRows.set(key, item.rowNumber);
      else if (first !== item.rowNumber && !reportedRows.has(`${by}:${first}`)) {
        reportedRows.add(`${by}:${first}`);
        inFile.push({ rowNumber: item.rowNumber, duplicateOf: first, by });
      }
      for (const person of people.get(key) ?? []) {
        if (reportedPeople.has(`${by}:${person.id}`)) continue; // two phones of one row, same person
        reportedPeople.add(`${by}:${person.id}`);
        found.push({ rowNumber: item.rowNumber, existingId: person.id, scope: person.scope, by });
      }
    }
  }

  const scopeOrder = (s: ExistingScope) => (s === "exhibitor" ? 0 : 1);
  found.sort((a, b) => a.rowNumber - b.rowNumber || scopeOrder(a.scope) - scopeOrder(b.scope));
  return { inFile, existing: found };
}

/** Everything found for one row, so the user makes one decision per row, not one per reason. */
export interface DuplicateGroup {
  rowNumber: number;
  inFile: InFileDuplicate[];
  existing: ExistingDuplicate[];
  /** The one staff member of this exhibitor the row may update; null when the row can only be skipped. */
  updates: string | null;
}

export function groupDuplicates(report: DuplicateReport): DuplicateGroup[] {
  const byRow = new Map<number, DuplicateGroup>();
  const group = (rowNumber: number) => {
    let g = byRow.get(rowNumber);
    if (!g) byRow.set(rowNumber, (g = { rowNumber, inFile: [], existing: [], updates: null }));
    return g;
  };
  for (const d of report.inFile) group(d.rowNumber).inFile.push(d);
  for (const d of report.existing) group(d.rowNumber).existing.push(d);
  for (const g of byRow.values()) {
    const own = new Set(g.existing.filter((d) => d.scope === "exhibitor").map((d) => d.existingId));
    const others = g.existing.some((d) => d.scope === "event");
    // A repeat of an earlier row is skipped, someone else's registration is never taken over, and
    // a row matching two of the exhibitor's people (e-mail of one, phone of another) is ambiguous.
    g.updates = g.inFile.length === 0 && !others && own.size === 1 ? [...own][0]! : null;
  }
  return [...byRow.values()].sort((a, b) => a.rowNumber - b.rowNumber);
}
