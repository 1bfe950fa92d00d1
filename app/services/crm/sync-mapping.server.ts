// Local records -> Bitrix24 fields, and deal stages per registration status. Pure functions:
// no database, no HTTP (the sync job loads the data, the engine talks to the portal).
import { createHash } from "node:crypto";
import { translate, type MessageKey } from "~/i18n";
import { dealSourceFields, type DealSource } from "./deal-source";

export const ORIGINATOR_ID = "expodesk";

export type CrmEntity = "organization" | "person" | "registration" | "exhibitor" | "standBooking";
export const CRM_ENTITIES: readonly CrmEntity[] = ["organization", "person", "registration", "exhibitor", "standBooking"];

export type RecordRef = { entity: CrmEntity; id: string };
export const refKey = (r: RecordRef) => `${r.entity}:${r.id}`;
export const originId = (r: RecordRef) => `${r.entity}:${r.id}`;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseRef(payload: unknown): RecordRef | null {
  if (!payload || typeof payload !== "object") return null;
  const { entity, id } = payload as { entity?: unknown; id?: unknown };
  if (typeof entity !== "string" || !CRM_ENTITIES.includes(entity as CrmEntity)) return null;
  if (typeof id !== "string" || !UUID_RE.test(id)) return null;
  return { entity: entity as CrmEntity, id: id.toLowerCase() };
}

export function refFromJobKey(key: string | null): RecordRef | null {
  const m = /^crm:([a-z_]+):([0-9a-f-]{36})$/i.exec(key ?? "");
  return m ? parseRef({ entity: m[1], id: m[2] }) : null;
}

// ---- mapping settings -------------------------------------------------------------------------

export type StageRow = { STATUS_ID: string; NAME: string; SORT: number; semantics: "process" | "success" | "failure" | "apology" };

export type DealStageRole = "pending" | "confirmed" | "visited" | "lost";

export type SyncMapping = {
  innField: string | null;
  attendanceCategoryId: number;
  attendanceStages: Partial<Record<DealStageRole, string>>;
  attendanceResponsibleId: number | null;
  servicesCategoryId: number;
  servicesStage: string | null;
  servicesResponsibleId: number | null;
};

/** A stage by its role: the mapped one if set (and of this pipeline), otherwise by semantics. */
export function pickStage(stages: StageRow[], role: DealStageRole | "new", mapped?: string | null): string | null {
  if (mapped && stages.some((s) => s.STATUS_ID === mapped)) return mapped;
  const sorted = [...stages].sort((a, b) => a.SORT - b.SORT);
  const by = (sem: StageRow["semantics"]) => sorted.find((s) => s.semantics === sem)?.STATUS_ID ?? null;
  switch (role) {
    case "new":
    case "pending":
    case "confirmed":
      return by("process");
    case "visited":
      return by("success");
    case "lost":
      return by("failure") ?? by("apology");
  }
}

export function isLostStage(stages: StageRow[], stageId: string, mapped?: string | null): boolean {
  if (mapped && stageId === mapped) return true;
  const s = stages.find((x) => x.STATUS_ID === stageId);
  return !!s && (s.semantics === "failure" || s.semantics === "apology");
}

export function stageRowsFrom(raw: unknown): StageRow[] {
  const rows = Array.isArray(raw) ? (raw as Record<string, unknown>[]) : [];
  return rows.map((r) => {
    const extra = (r.EXTRA ?? {}) as { SEMANTICS?: string };
    const sem = String(extra.SEMANTICS ?? (r.SEMANTICS === "S" ? "success" : r.SEMANTICS === "F" ? "failure" : "process")).toLowerCase();
    return {
      STATUS_ID: String(r.STATUS_ID),
      NAME: String(r.NAME ?? r.STATUS_ID),
      SORT: Number(r.SORT) || 0,
      semantics: (["process", "success", "failure", "apology"].includes(sem) ? sem : "process") as StageRow["semantics"],
    };
  });
}

export const stageEntityId = (categoryId: number) => (categoryId === 0 ? "DEAL_STAGE" : `DEAL_STAGE_${categoryId}`);

// ---- payloads ---------------------------------------------------------------------------------

/** Scalars as strings ("" clears a field), multi-fields as plain value lists. */
export type CardPayload = {
  scalars: Record<string, string>;
  multi: Partial<Record<"PHONE" | "EMAIL" | "WEB", string[]>>;
};

export type OrgData = {
  id: string;
  name: string;
  inn: string | null;
  country: string | null;
  city: string | null;
  address: string | null;
  website: string | null;
  phones: string[];
  emails: string[];
};

export function companyPayload(org: OrgData, mapping: Pick<SyncMapping, "innField">): CardPayload {
  const scalars: Record<string, string> = {
    TITLE: org.name,
    ADDRESS: org.address ?? "",
    ADDRESS_CITY: org.city ?? "",
    ADDRESS_COUNTRY: org.country ?? "",
    ORIGINATOR_ID,
    ORIGIN_ID: originId({ entity: "organization", id: org.id }),
  };
  if (mapping.innField) scalars[mapping.innField] = org.inn ?? "";
  return { scalars, multi: { PHONE: [...org.phones], EMAIL: [...org.emails], WEB: org.website ? [org.website] : [] } };
}

export type PersonData = {
  id: string;
  firstName: string;
  lastName: string;
  middleName: string | null;
  position: string | null;
  email: string | null;
  phone: string | null;
};

export function contactPayload(p: PersonData, companyCrmId: number | null): CardPayload {
  const scalars: Record<string, string> = {
    NAME: p.firstName,
    LAST_NAME: p.lastName,
    SECOND_NAME: p.middleName ?? "",
    POST: p.position ?? "",
    ORIGINATOR_ID,
    ORIGIN_ID: originId({ entity: "person", id: p.id }),
  };
  // Only ever set, never cleared: a company linked by hand in the CRM stays.
  if (companyCrmId) scalars.COMPANY_ID = String(companyCrmId);
  return { scalars, multi: { PHONE: p.phone ? [p.phone] : [], EMAIL: p.email ? [p.email] : [] } };
}

export type RegistrationData = {
  id: string;
  status: "pending_approval" | "confirmed" | "rejected" | "cancelled";
  category: string;
  eventName: string;
  timezone: string;
  person: { lastName: string; firstName: string };
  /** The latest check-in, if any. */
  checkIn: { id: string; scannedAt: Date; kioskName: string | null } | null;
  /** Where the registration came from (issue #14); the deal's SOURCE_* and UTM_* fields. */
  origin?: DealSource;
};

export function registrationRole(r: Pick<RegistrationData, "status" | "checkIn">): DealStageRole {
  if (r.status === "cancelled" || r.status === "rejected") return "lost";
  if (r.checkIn) return "visited";
  return r.status === "pending_approval" ? "pending" : "confirmed";
}

export type DealPayload = { scalars: Record<string, string>; contactId: number | null };

export function registrationDealPayload(
  r: RegistrationData,
  deps: { contactId: number | null; companyId: number | null },
  mapping: Pick<SyncMapping, "attendanceResponsibleId">,
): DealPayload {
  const categoryKey = `category.${r.category}` as MessageKey;
  const category = translate("ru", categoryKey);
  const scalars: Record<string, string> = {
    TITLE: `${r.eventName}: ${r.person.lastName} ${r.person.firstName}${category !== categoryKey ? ` (${category.toLowerCase()})` : ""}`,
    ORIGINATOR_ID,
    ORIGIN_ID: originId({ entity: "registration", id: r.id }),
    ...(r.origin ? dealSourceFields(r.origin) : {}),
  };
  return linkedDeal(scalars, deps, mapping.attendanceResponsibleId);
}

export type ExhibitorData = { id: string; eventName: string; orgName: string; stand: string | null; areaM2: string | null };

export function exhibitorDealPayload(
  ex: ExhibitorData,
  deps: { companyId: number | null },
  mapping: Pick<SyncMapping, "servicesResponsibleId">,
): DealPayload {
  const scalars: Record<string, string> = {
    TITLE: `${ex.eventName}: ${ex.orgName}${ex.stand ? `, стенд ${ex.stand}` : ""}${ex.areaM2 ? `, ${ex.areaM2} м²` : ""}`,
    ORIGINATOR_ID,
    ORIGIN_ID: originId({ entity: "exhibitor", id: ex.id }),
  };
  return linkedDeal(scalars, { ...deps, contactId: null }, mapping.servicesResponsibleId);
}

export type StandBookingData = {
  id: string;
  eventName: string;
  companyName: string;
  inn: string | null;
  city: string | null;
  country: string | null;
  website: string | null;
  contact: { lastName: string; firstName: string; middleName: string | null; position: string | null; email: string; phone: string | null };
  areaM2: string;
  comment: string | null;
  origin?: DealSource;
};

type BookingContactColumns = {
  contactLastName: string;
  contactFirstName: string;
  contactMiddleName: string | null;
  contactPosition: string | null;
  contactEmail: string;
  contactPhone: string | null;
};

/** The contact person of a StandBooking row (used by its API view too). */
export function bookingContactOf(b: BookingContactColumns): StandBookingData["contact"] {
  return {
    lastName: b.contactLastName,
    firstName: b.contactFirstName,
    middleName: b.contactMiddleName,
    position: b.contactPosition,
    email: b.contactEmail,
    phone: b.contactPhone,
  };
}

/**
 * The booking's company, with the contact's e-mail and phone as its own (as the conversion into
 * an exhibitor does), so the exhibitor's company later finds this one instead of making another.
 */
export function bookingCompanyPayload(b: StandBookingData, mapping: Pick<SyncMapping, "innField">): CardPayload {
  const scalars: Record<string, string> = {
    TITLE: b.companyName,
    ADDRESS_CITY: b.city ?? "",
    ADDRESS_COUNTRY: b.country ?? "",
    ORIGINATOR_ID,
    ORIGIN_ID: `standBooking:${b.id}:company`,
  };
  if (mapping.innField && b.inn) scalars[mapping.innField] = b.inn;
  return {
    scalars,
    multi: { EMAIL: [b.contact.email], PHONE: b.contact.phone ? [b.contact.phone] : [], WEB: b.website ? [b.website] : [] },
  };
}

export function bookingContactPayload(b: StandBookingData, companyCrmId: number | null): CardPayload {
  const scalars: Record<string, string> = {
    NAME: b.contact.firstName,
    LAST_NAME: b.contact.lastName,
    SECOND_NAME: b.contact.middleName ?? "",
    POST: b.contact.position ?? "",
    ORIGINATOR_ID,
    ORIGIN_ID: `standBooking:${b.id}:contact`,
  };
  if (companyCrmId) scalars.COMPANY_ID = String(companyCrmId);
  return { scalars, multi: { EMAIL: [b.contact.email], PHONE: b.contact.phone ? [b.contact.phone] : [] } };
}

export function bookingDealPayload(
  b: StandBookingData,
  deps: { contactId: number | null; companyId: number | null },
  mapping: Pick<SyncMapping, "servicesResponsibleId">,
): DealPayload {
  const scalars: Record<string, string> = {
    TITLE: `${b.eventName}: заявка на стенд — ${b.companyName}, ${b.areaM2} м²`,
    COMMENTS: b.comment ?? "",
    ORIGINATOR_ID,
    ORIGIN_ID: originId({ entity: "standBooking", id: b.id }),
    ...(b.origin ? dealSourceFields(b.origin) : {}),
  };
  return linkedDeal(scalars, deps, mapping.servicesResponsibleId);
}

/** A deal's links: its company and responsible user when known (never cleared), its contact. */
function linkedDeal(
  scalars: Record<string, string>,
  deps: { contactId: number | null; companyId: number | null },
  responsibleId: number | null,
): DealPayload {
  if (deps.companyId) scalars.COMPANY_ID = String(deps.companyId);
  if (responsibleId) scalars.ASSIGNED_BY_ID = String(responsibleId);
  return { scalars, contactId: deps.contactId };
}

/** Timeline comment for a visit: time in the event's zone and the kiosk. */
export function visitComment(checkIn: { scannedAt: Date; kioskName: string | null }, timezone: string): string {
  const time = new Intl.DateTimeFormat("ru-RU", { dateStyle: "short", timeStyle: "short", timeZone: timezone }).format(checkIn.scannedAt);
  return `Посетил(а) выставку: ${time} (${timezone}), киоск «${checkIn.kioskName ?? "без названия"}».`;
}

/** Stable fingerprint of what would be sent: the same data again needs no call. */
export function dataHash(value: unknown): string {
  return createHash("sha256").update(stableJson(value)).digest("hex").slice(0, 32);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object" && !(v instanceof Date)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}
