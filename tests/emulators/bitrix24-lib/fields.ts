// The field tables of the emulated crm.* entities and the portal's value coercions.
import { asList } from "./php-query";

export type EntityType = "company" | "contact" | "deal";
export const ENTITY_TYPES: EntityType[] = ["company", "contact", "deal"];

const COMMON = [
  "ASSIGNED_BY_ID",
  "OPENED",
  "COMMENTS",
  "SOURCE_ID",
  "SOURCE_DESCRIPTION",
  "ORIGINATOR_ID",
  "ORIGIN_ID",
  "ORIGIN_VERSION",
  "UTM_SOURCE",
  "UTM_MEDIUM",
  "UTM_CAMPAIGN",
  "UTM_CONTENT",
  "UTM_TERM",
];
const ADDRESS = [
  "ADDRESS",
  "ADDRESS_2",
  "ADDRESS_CITY",
  "ADDRESS_POSTAL_CODE",
  "ADDRESS_REGION",
  "ADDRESS_PROVINCE",
  "ADDRESS_COUNTRY",
  "ADDRESS_COUNTRY_CODE",
];

// Writable scalar fields; anything else in `fields` is ignored silently, as documented.
export const SCALARS: Record<EntityType, string[]> = {
  company: [
    "TITLE",
    "COMPANY_TYPE",
    "INDUSTRY",
    "EMPLOYEES",
    "REVENUE",
    "CURRENCY_ID",
    "BANKING_DETAILS",
    "IS_MY_COMPANY",
    ...ADDRESS,
    ...COMMON,
  ],
  contact: ["HONORIFIC", "NAME", "SECOND_NAME", "LAST_NAME", "POST", "TYPE_ID", "BIRTHDATE", "EXPORT", ...ADDRESS, ...COMMON],
  deal: [
    "TITLE",
    "TYPE_ID",
    "CATEGORY_ID",
    "STAGE_ID",
    "PROBABILITY",
    "CURRENCY_ID",
    "OPPORTUNITY",
    "IS_MANUAL_OPPORTUNITY",
    "TAX_VALUE",
    "COMPANY_ID",
    "BEGINDATE",
    "CLOSEDATE",
    "ADDITIONAL_INFO",
    ...COMMON,
  ],
};
export const SYSTEM: Record<EntityType, string[]> = {
  company: ["ID", "DATE_CREATE", "DATE_MODIFY", "CREATED_BY_ID", "MODIFY_BY_ID", "HAS_PHONE", "HAS_EMAIL", "HAS_IMOL"],
  contact: ["ID", "COMPANY_ID", "DATE_CREATE", "DATE_MODIFY", "CREATED_BY_ID", "MODIFY_BY_ID", "HAS_PHONE", "HAS_EMAIL", "HAS_IMOL"],
  deal: ["ID", "CONTACT_ID", "CLOSED", "STAGE_SEMANTIC_ID", "IS_NEW", "DATE_CREATE", "DATE_MODIFY", "CREATED_BY_ID", "MODIFY_BY_ID"],
};
// Distinct id ranges so a contact id used as a company id fails instead of silently matching.
export const FIRST_ID: Record<EntityType, number> = { company: 101, contact: 2001, deal: 30001 };

export const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00");

export function coerce(value: unknown): unknown {
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "Y" : "N";
  return value;
}

export function idList(value: unknown): number[] {
  const ids = (asList(value) ?? []).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return [...new Set(ids)];
}

export function positiveId(value: unknown): number | null {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : null;
}
