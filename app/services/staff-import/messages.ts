import type { DuplicateBy, DuplicateGroup, ExistingDuplicate, InFileDuplicate } from "./duplicates";
import type { ImportFileError, ImportFileErrorCode } from "./errors";
import type { StaffField } from "./mapping";
import type { RowErrorCode, StaffImportRowError } from "./rows";

// Texts for the import screen, keyed by the codes the modules return. Placeholders use the
// same {name} syntax as app/i18n, so these can move into the main catalogue unchanged.

export type ImportLocale = "ru" | "en";

interface ImportMessages {
  fields: Record<StaffField, string>;
  errors: Record<RowErrorCode, string>;
  fileErrors: Record<ImportFileErrorCode, string>;
  duplicates: { in_file: string; exhibitor: string; event: string };
  by: { email: string; phone: string };
}

const ru: ImportMessages = {
  fields: {
    lastName: "Фамилия",
    firstName: "Имя",
    middleName: "Отчество",
    fullName: "ФИО",
    position: "Должность",
    email: "Эл. почта",
    phone: "Телефон",
  },
  errors: {
    required: "Заполните поле «{field}»",
    invalid_email: "Неверный адрес эл. почты: {value}",
    invalid_phone: "Неверный номер телефона: {value}",
    too_long: "Поле «{field}» длиннее {max} символов",
  },
  fileErrors: {
    unsupported_type: "Загрузите файл XLSX или CSV. Файл XLS сохраните в Excel как «Книга Excel (.xlsx)».",
    empty: "В файле нет данных: первая заполненная строка — заголовки, под ней должны быть сотрудники.",
    too_many_rows: "В файле больше {limit} строк. Разделите его на несколько файлов.",
    too_large: "Файл слишком большой: в нём больше {limit} МБ данных. Разделите его на несколько файлов.",
    unreadable: "Не удалось прочитать файл. Проверьте, что он не повреждён и сохранён в формате XLSX или CSV.",
  },
  duplicates: {
    in_file: "Повторяет строку {row} ({by})",
    exhibitor: "Уже есть среди ваших сотрудников ({by})",
    event: "Уже зарегистрирован на мероприятии ({by})",
  },
  by: { email: "та же эл. почта", phone: "тот же телефон" },
};

const en: ImportMessages = {
  fields: {
    lastName: "Last name",
    firstName: "First name",
    middleName: "Middle name",
    fullName: "Full name",
    position: "Position",
    email: "Email",
    phone: "Phone",
  },
  errors: {
    required: "Fill in “{field}”",
    invalid_email: "Invalid email address: {value}",
    invalid_phone: "Invalid phone number: {value}",
    too_long: "“{field}” is longer than {max} characters",
  },
  fileErrors: {
    unsupported_type: "Upload an XLSX or CSV file. Save an XLS file in Excel as “Excel Workbook (.xlsx)”.",
    empty: "The file has no data: the first filled row is the header, staff go below it.",
    too_many_rows: "The file has more than {limit} rows. Split it into several files.",
    too_large: "The file is too large: it holds more than {limit} MB of data. Split it into several files.",
    unreadable: "The file could not be read. Check that it is not damaged and is saved as XLSX or CSV.",
  },
  duplicates: {
    in_file: "Repeats row {row} ({by})",
    exhibitor: "Already among your staff ({by})",
    event: "Already registered for the event ({by})",
  },
  by: { email: "same email", phone: "same phone" },
};

export const messages: Record<ImportLocale, ImportMessages> = { ru, en };

export function fillTemplate(text: string, params: Record<string, string | number | undefined>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

export function rowErrorMessage(locale: ImportLocale, error: StaffImportRowError): string {
  const m = messages[locale];
  return fillTemplate(m.errors[error.code], { field: m.fields[error.field], value: error.value, max: error.max });
}

export function fileErrorMessage(locale: ImportLocale, error: Pick<ImportFileError, "code" | "params">): string {
  return fillTemplate(messages[locale].fileErrors[error.code], error.params);
}

export function duplicateMessage(locale: ImportLocale, duplicate: InFileDuplicate | ExistingDuplicate): string {
  const m = messages[locale];
  const by = m.by[duplicate.by];
  if ("duplicateOf" in duplicate) return fillTemplate(m.duplicates.in_file, { row: duplicate.duplicateOf, by });
  return fillTemplate(m.duplicates[duplicate.scope], { by });
}

/** All reasons of one duplicate row in one line: "Repeats row 2 (same email, same phone); Already among your staff (same email)". */
export function duplicateGroupMessage(locale: ImportLocale, group: Pick<DuplicateGroup, "inFile" | "existing">): string {
  const m = messages[locale];
  const parts = new Map<string, { template: string; row?: number; by: Set<DuplicateBy> }>();
  const add = (key: string, template: string, by: DuplicateBy, row?: number) => {
    const part = parts.get(key) ?? { template, row, by: new Set<DuplicateBy>() };
    part.by.add(by);
    parts.set(key, part);
  };
  for (const d of group.inFile) add(`row:${d.duplicateOf}`, m.duplicates.in_file, d.by, d.duplicateOf);
  for (const d of group.existing) add(d.scope, m.duplicates[d.scope], d.by);
  return [...parts.values()].map((p) => fillTemplate(p.template, { row: p.row, by: [...p.by].map((b) => m.by[b]).join(", ") })).join("; ");
}
