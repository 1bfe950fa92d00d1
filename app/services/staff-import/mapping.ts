// Which spreadsheet column feeds which staff field. The UI shows the guess in a preview and lets
// the user change it, so a guess only has to be right for the usual headers.

export const STAFF_FIELDS = ["lastName", "firstName", "middleName", "fullName", "position", "email", "phone"] as const;
export type StaffField = (typeof STAFF_FIELDS)[number];

/** Column index (0-based, into `headers` and each row) per field, or null when not imported. */
export type ColumnMapping = Record<StaffField, number | null>;

/** Lower-case, "ё" as "е", letters and digits only: "Ф.И.О." -> "фио", "E-mail" -> "email". */
export function squashHeader(header: string): string {
  return header
    .toLocaleLowerCase("ru")
    .replace(/ё/g, "е")
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

// Whole headers, after squashing.
const EXACT: Record<StaffField, string[]> = {
  fullName: [
    "фио",
    "фамилияимяотчество",
    "фамилияимя",
    "полноеимя",
    "name",
    "fullname",
    "namesurname",
    "employeename",
    "participant",
    "участник",
    "сотрудник",
  ],
  lastName: ["фамилия", "lastname", "surname", "familyname"],
  firstName: ["имя", "firstname", "givenname", "forename"],
  middleName: ["отчество", "middlename", "patronymic", "secondname"],
  position: ["должность", "position", "jobtitle", "title", "job", "role", "post", "позиция"],
  email: ["email", "mail", "emailaddress", "элпочта", "почта", "электроннаяпочта", "емейл", "имейл", "емайл", "мейл"],
  phone: [
    "телефон",
    "тел",
    "мобильный",
    "мобильныйтелефон",
    "сотовый",
    "моб",
    "phone",
    "tel",
    "telephone",
    "mobile",
    "cell",
    "phonenumber",
    "mobilephone",
    "номертелефона",
  ],
};

// Parts of longer headers ("Фамилия сотрудника", "Контактный телефон"), tried in this order so
// "Фамилия, имя" becomes fullName before "имя" claims it for firstName.
const has = (h: string, ...parts: string[]) => parts.some((p) => h.includes(p));
const CONTAINS: Array<[StaffField, (h: string) => boolean]> = [
  ["fullName", (h) => has(h, "фио", "fullname") || (h.includes("фамил") && has(h, "имя", "отч"))],
  ["lastName", (h) => has(h, "фамил", "lastname", "surname", "familyname")],
  ["middleName", (h) => has(h, "отчеств", "middlename", "patronymic")],
  ["firstName", (h) => h.startsWith("имя") || has(h, "firstname", "givenname")],
  ["position", (h) => has(h, "должн", "jobtitle", "position")],
  // "почтовый адрес" is a postal address, not e-mail.
  ["email", (h) => has(h, "email", "элпочт", "электроннаяпочт", "электроннойпочт") || (h.includes("почта") && !h.includes("почтов"))],
  ["phone", (h) => h.startsWith("тел") || has(h, "телефон", "мобильн", "сотов", "phone", "mobile")],
];

export function emptyMapping(): ColumnMapping {
  return { lastName: null, firstName: null, middleName: null, fullName: null, position: null, email: null, phone: null };
}

/**
 * Guesses the column of each field from the headers, case-insensitively, Russian or English.
 * Exact header names win over partial ones; each column feeds at most one field and each field
 * takes the leftmost matching column.
 */
export function guessMapping(headers: readonly string[]): ColumnMapping {
  const mapping = emptyMapping();
  const squashed = headers.map(squashHeader);
  const taken = new Set<number>();
  const assign = (field: StaffField, column: number) => {
    mapping[field] = column;
    taken.add(column);
  };

  for (const field of STAFF_FIELDS) {
    const column = squashed.findIndex((h, i) => !taken.has(i) && EXACT[field].includes(h));
    if (column !== -1) assign(field, column);
  }
  for (const [field, matches] of CONTAINS) {
    if (mapping[field] !== null) continue;
    const column = squashed.findIndex((h, i) => !taken.has(i) && h !== "" && matches(h));
    if (column !== -1) assign(field, column);
  }
  return mapping;
}

/**
 * Fields the mapping cannot fill at all, for a message before the rows are checked: last and
 * first name need their own columns or a full-name column; e-mail its column when required.
 */
export function missingRequiredFields(mapping: Partial<ColumnMapping>, options: { requireEmail?: boolean } = {}): StaffField[] {
  const has = (field: StaffField) => mapping[field] !== null && mapping[field] !== undefined;
  const missing: StaffField[] = [];
  if (!has("lastName") && !has("fullName")) missing.push("lastName");
  if (!has("firstName") && !has("fullName")) missing.push("firstName");
  if ((options.requireEmail ?? true) && !has("email")) missing.push("email");
  return missing;
}

/**
 * The mapping from a per-column choice (what the import screen asks: "this column is the last
 * name"): `choices[i]` is the field of column i or empty. The leftmost column wins a field.
 */
export function mappingFromColumns(choices: ReadonlyArray<string | null | undefined>): ColumnMapping {
  const mapping = emptyMapping();
  choices.forEach((choice, column) => {
    const field = STAFF_FIELDS.find((f) => f === choice);
    if (field && mapping[field] === null) mapping[field] = column;
  });
  return mapping;
}
