import { guessMapping, splitFullName, squashHeader, type ParsedSheet } from "../staff-import";
import { isValidInn, normalizeEmail, normalizePersonName, normalizePhones } from "~/utils/validators";

// Rows of an uploaded contact list -> cleaned contacts (issue #14 item 5), the way the
// customer's documents clean a base: phones to E.164 (+7 for Russian national formats, foreign
// numbers with their own code), several numbers in one cell split, e-mails lower-cased, INN
// checked. Pure: the database side (base and event duplicates, insert) is contact-import.server.ts.

export type ContactField = "company" | "inn" | "city" | "industry" | "companySize" | "category";
type Extra = Record<ContactField, number | null>;

// Squashed headers (see squashHeader) of the columns the staff mapping does not know.
const EXTRA_HEADERS: Record<ContactField, (h: string) => boolean> = {
  company: (h) => ["компания", "организация", "company", "organization", "organisation", "названиекомпании"].includes(h) || h.startsWith("компани") && !h.includes("размер"),
  inn: (h) => h === "инн" || h === "inn" || h.startsWith("иннкомпании"),
  city: (h) => ["город", "city", "town", "населенныйпункт"].includes(h),
  industry: (h) => ["отрасль", "сфера", "сферадеятельности", "industry", "sector"].includes(h),
  companySize: (h) => ["размеркомпании", "численность", "численностьсотрудников", "companysize", "employees", "size"].includes(h),
  category: (h) => ["категория", "category", "сегмент", "segment", "тип"].includes(h),
};

export type ContactMapping = ReturnType<typeof guessMapping> & Extra;

export function guessContactMapping(headers: readonly string[]): ContactMapping {
  const staff = guessMapping(headers);
  const squashed = headers.map(squashHeader);
  const taken = new Set(Object.values(staff).filter((v): v is number => v !== null));
  const extra = {} as Extra;
  for (const field of Object.keys(EXTRA_HEADERS) as ContactField[]) {
    const i = squashed.findIndex((h, n) => !taken.has(n) && EXTRA_HEADERS[field](h));
    extra[field] = i === -1 ? null : i;
    if (i !== -1) taken.add(i);
  }
  return { ...staff, ...extra };
}

export type ContactRow = {
  row: number;
  lastName: string | null;
  firstName: string | null;
  middleName: string | null;
  position: string | null;
  email: string | null;
  phones: string[];
  inn: string | null;
  company: string | null;
  city: string | null;
  industry: string | null;
  companySize: string | null;
  category: string | null;
  /** Parts that could not be used: bad e-mail, unrecognised numbers, a wrong INN. */
  notes: Array<{ kind: "badEmail" | "badPhone" | "badInn"; value: string }>;
};

export type PhoneStats = { phones: number; multi: number; foreign: number; badPhones: number };

const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);
const opt = (s: string | undefined, n = 200) => (s && s.trim() ? cut(s.trim().replace(/\s+/g, " "), n) : null);

/** One sheet row, cleaned. A row is usable when it has an e-mail or a phone. */
export function cleanContactRow(cells: string[], rowNumber: number, m: ContactMapping, stats: PhoneStats): ContactRow {
  const at = (i: number | null) => (i === null ? "" : (cells[i] ?? ""));
  let last = at(m.lastName);
  let first = at(m.firstName);
  let middle = at(m.middleName);
  if (m.fullName !== null && !last && !first) ({ lastName: last, firstName: first, middleName: middle } = splitFullName(at(m.fullName)));
  const notes: ContactRow["notes"] = [];
  const rawEmail = at(m.email).trim();
  const email = rawEmail ? normalizeEmail(rawEmail) : null;
  if (rawEmail && !email) notes.push({ kind: "badEmail", value: cut(rawEmail, 100) });
  const rawPhone = at(m.phone);
  const parsed = rawPhone.trim() ? normalizePhones(rawPhone) : { phones: [], invalid: [] };
  for (const bad of parsed.invalid) notes.push({ kind: "badPhone", value: cut(bad, 60) });
  stats.phones += parsed.phones.length;
  stats.badPhones += parsed.invalid.length;
  if (parsed.phones.length > 1) stats.multi += 1;
  stats.foreign += parsed.phones.filter((p) => !p.startsWith("+7")).length;
  const rawInn = at(m.inn).replace(/\s/g, "");
  const inn = rawInn && isValidInn(rawInn) ? rawInn : null;
  if (rawInn && !inn) notes.push({ kind: "badInn", value: cut(rawInn, 20) });
  const name = (s: string) => (s.trim() ? cut(normalizePersonName(s) || s.trim(), 100) : null);
  return {
    row: rowNumber,
    lastName: name(last),
    firstName: name(first),
    middleName: name(middle),
    position: opt(at(m.position)),
    email,
    phones: parsed.phones.slice(0, 5),
    inn,
    company: opt(at(m.company)),
    city: opt(at(m.city), 100),
    industry: opt(at(m.industry), 100),
    companySize: opt(at(m.companySize), 50),
    category: opt(at(m.category), 100),
    notes,
  };
}

export const usable = (c: ContactRow) => !!c.email || c.phones.length > 0;

/** INN is a company's: it identifies a person only together with the name. */
export const innKey = (c: Pick<ContactRow, "inn" | "lastName" | "firstName">) =>
  c.inn && c.lastName ? `${c.inn}|${c.lastName.toLowerCase()}|${(c.firstName ?? "").toLowerCase()}` : null;

export type DupBy = "email" | "phone" | "inn";

/** Keys of a contact, in the order they are reported. */
export function keysOf(c: ContactRow): Array<[DupBy, string]> {
  const keys: Array<[DupBy, string]> = [];
  if (c.email) keys.push(["email", c.email]);
  for (const p of c.phones) keys.push(["phone", p]);
  const ik = innKey(c);
  if (ik) keys.push(["inn", ik]);
  return keys;
}

export function cleanSheet(sheet: ParsedSheet, mapping: ContactMapping) {
  const stats: PhoneStats = { phones: 0, multi: 0, foreign: 0, badPhones: 0 };
  const rows = sheet.rows.map((cells, i) => cleanContactRow(cells, sheet.rowNumbers[i], mapping, stats));
  return { rows, stats };
}
