import { normalizeEmail, normalizePersonName, normalizePhones, type PhoneRegion } from "../../utils/validators";
import type { ColumnMapping, StaffField } from "./mapping";

// Spreadsheet rows -> staff candidates. A row with any error is left out of `items` entirely
// (the UI lists it as an error row for the user to fix in the file); rows whose mapped cells are
// all empty (e.g. only a "№" or a totals cell filled) are skipped silently.

export const MAX_LENGTH = { lastName: 100, firstName: 100, middleName: 100, position: 200, email: 254 } as const;

export type RowErrorCode = "required" | "invalid_email" | "invalid_phone" | "too_long";

export interface StaffImportItem {
  /** 1-based row number as in the spreadsheet, header included: 2 is the first data row. */
  rowNumber: number;
  lastName: string;
  firstName: string;
  middleName?: string;
  position?: string;
  email?: string;
  /** E.164, possibly several from one cell; may be empty. */
  phones: string[];
}

export interface StaffImportRowError {
  rowNumber: number;
  /** The staff field at fault; names split from a full-name column are reported as lastName/firstName/middleName. */
  field: Exclude<StaffField, "fullName">;
  code: RowErrorCode;
  /** The offending text, for invalid_email / invalid_phone / too_long. */
  value?: string;
  /** The length limit, for too_long. */
  max?: number;
}

export interface MapRowsOptions {
  defaultRegion?: PhoneRegion;
  /** Staff e-mail is required by the data model (invitations go by e-mail). Default true. */
  requireEmail?: boolean;
  /** Sheet row numbers from parseStaffFile (which skips empty rows); default: index + 2. */
  rowNumbers?: readonly number[];
}

export interface MapRowsResult {
  items: StaffImportItem[];
  errors: StaffImportRowError[];
}

/**
 * "Иванов Иван Иванович" -> last, first, middle (Russian order). Everything after the second word
 * is the middle name ("Мамедов Ильхам Гейдар оглы"). Commas are separators too.
 */
export function splitFullName(fullName: string): { lastName: string; firstName: string; middleName: string } {
  const [lastName = "", firstName = "", ...rest] = fullName.split(/[\s,]+/).filter(Boolean);
  return { lastName, firstName, middleName: rest.join(" ") };
}

export function mapRows(
  rows: readonly (readonly string[])[],
  mapping: Partial<ColumnMapping>,
  options: MapRowsOptions = {},
): MapRowsResult {
  const region = options.defaultRegion ?? "RU";
  const requireEmail = options.requireEmail ?? true;
  const items: StaffImportItem[] = [];
  const errors: StaffImportRowError[] = [];

  rows.forEach((row, index) => {
    const rowNumber = options.rowNumbers?.[index] ?? index + 2;
    const cell = (field: StaffField) => {
      const column = mapping[field];
      return column === null || column === undefined ? "" : (row[column] ?? "").trim();
    };
    const raw = { full: cell("fullName"), last: cell("lastName"), first: cell("firstName"), middle: cell("middleName") };
    const position = cell("position").replace(/\s+/g, " ");
    const emailText = cell("email");
    const phoneText = cell("phone");
    if (!raw.full && !raw.last && !raw.first && !raw.middle && !position && !emailText && !phoneText) return;

    const rowErrors: StaffImportRowError[] = [];
    const fail = (error: Omit<StaffImportRowError, "rowNumber">) => rowErrors.push({ rowNumber, ...error });

    // Own columns win; a full-name column fills what they leave empty.
    const split = splitFullName(raw.full);
    const typed = {
      lastName: raw.last || split.lastName,
      firstName: raw.first || split.firstName,
      middleName: raw.middle || split.middleName,
    };
    const names = {
      lastName: normalizePersonName(typed.lastName),
      firstName: normalizePersonName(typed.firstName),
      middleName: normalizePersonName(typed.middleName),
    };
    for (const field of ["lastName", "firstName", "middleName"] as const) {
      if (names[field] === "" && field !== "middleName") fail({ field, code: "required" });
      else if (names[field].length > MAX_LENGTH[field]) fail({ field, code: "too_long", value: typed[field], max: MAX_LENGTH[field] });
    }

    if (position.length > MAX_LENGTH.position) fail({ field: "position", code: "too_long", value: position, max: MAX_LENGTH.position });

    let email: string | undefined;
    if (emailText === "") {
      if (requireEmail) fail({ field: "email", code: "required" });
    } else if (emailText.length > MAX_LENGTH.email) {
      fail({ field: "email", code: "too_long", value: emailText, max: MAX_LENGTH.email });
    } else {
      email = normalizeEmail(emailText) ?? undefined;
      if (!email) fail({ field: "email", code: "invalid_email", value: emailText });
    }

    const { phones, invalid } = normalizePhones(phoneText, region);
    if (invalid.length > 0) fail({ field: "phone", code: "invalid_phone", value: invalid.join(", ") });

    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      return;
    }
    items.push({
      rowNumber,
      lastName: names.lastName,
      firstName: names.firstName,
      ...(names.middleName && { middleName: names.middleName }),
      ...(position && { position }),
      ...(email && { email }),
      phones,
    });
  });
  return { items, errors };
}
