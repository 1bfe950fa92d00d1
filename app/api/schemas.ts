import { z } from "zod";
import { isValidInn } from "~/utils/validators";

// The zod schemas that validate API requests; openapi.server.ts builds the document from them.

export const isoDateTime = z.iso.datetime({ offset: true, message: "Must be an ISO 8601 date-time, e.g. 2026-12-01T09:00:00+03:00" });

export const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return tz.includes("/") || tz === "UTC";
    } catch {
      return false;
    }
  },
  { message: "Must be an IANA time zone, e.g. Europe/Moscow" },
);

const eventFields = {
  name: z.string().trim().min(1, "Required").max(200),
  venue: z.string().trim().min(1, "Required").max(200),
  address: z.string().trim().max(500).nullable().optional(),
  timezone: timeZone,
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  editDeadline: isoDateTime.nullable().optional(),
};

export const EventCreate = z
  .object(eventFields)
  .strict()
  .refine((e) => new Date(e.endsAt) >= new Date(e.startsAt), { path: ["endsAt"], message: "Must not be before startsAt" });

export const EventPatch = z
  .object(eventFields)
  .partial()
  .strict()
  .refine((e) => !e.startsAt || !e.endsAt || new Date(e.endsAt) >= new Date(e.startsAt), { path: ["endsAt"], message: "Must not be before startsAt" });

export const Event = z.object({
  id: z.string().uuid(),
  name: z.string(),
  venue: z.string(),
  address: z.string().nullable(),
  timezone: z.string(),
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  editDeadline: isoDateTime.nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export const EventList = z.object({ events: z.array(Event) });

export const Health = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.object({ ok: z.boolean(), latencyMs: z.number().optional() }),
  queue: z.object({ ok: z.boolean(), pending: z.number().optional(), failed: z.number().optional() }),
  version: z.string(),
});

export const ErrorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});

// --- exhibitors and staff (cabinet) ---------------------------------------------------------

const innField = z
  .string()
  .trim()
  .regex(/^(\d{10}|\d{12})$/, "Must be 10 or 12 digits")
  .refine((v) => isValidInn(v), "Invalid INN checksum");
const phoneList = z.array(z.string().regex(/^\+[1-9]\d{6,14}$/, "Must be in E.164 format, e.g. +74951234567")).max(10);
const emailList = z.array(z.string().trim().toLowerCase().email("Invalid email")).max(10);

export const CompanyCard = z.object({
  name: z.string().trim().min(1, "Required").max(200),
  legalName: z.string().trim().max(300).nullable().optional(),
  inn: innField.nullable().optional(),
  country: z.string().trim().max(100).nullable().optional(),
  city: z.string().trim().max(100).nullable().optional(),
  address: z.string().trim().max(500).nullable().optional(),
  website: z.string().trim().max(300).url("Must be a URL, e.g. https://example.com").nullable().optional(),
  phones: phoneList.optional(),
  emails: emailList.optional(),
  descriptionRu: z.string().max(5000).nullable().optional(),
  descriptionEn: z.string().max(5000).nullable().optional(),
});

export const ExhibitorCreate = z
  .object({
    company: CompanyCard.strict(),
    stand: z.string().trim().min(1, "Required").max(50),
    areaM2: z.number().positive().max(100000).optional(),
    staffQuota: z.number().int().min(0).max(10000),
    parentExhibitorId: z.string().uuid().nullable().optional(),
  })
  .strict();

export const ExhibitorPatch = z
  .object({
    company: CompanyCard.partial().strict().optional(),
    stand: z.string().trim().min(1).max(50).optional(),
    areaM2: z.number().positive().max(100000).nullable().optional(),
    staffQuota: z.number().int().min(0).max(10000).optional(),
    deadlineOverride: isoDateTime.nullable().optional(),
  })
  .strict();

export const Exhibitor = z.object({
  id: z.string().uuid(),
  eventId: z.string().uuid(),
  parentExhibitorId: z.string().uuid().nullable(),
  stand: z.string().nullable(),
  areaM2: z.number().nullable(),
  staffQuota: z.number(),
  staffUsed: z.number(),
  locked: z.boolean(),
  lockReason: z.string().nullable(),
  deadline: isoDateTime.nullable(),
  editable: z.boolean(),
  company: CompanyCard.extend({ id: z.string().uuid() }),
});

export const StaffCreate = z
  .object({
    lastName: z.string().trim().min(1, "Required").max(100),
    firstName: z.string().trim().min(1, "Required").max(100),
    middleName: z.string().trim().max(100).nullable().optional(),
    position: z.string().trim().max(200).nullable().optional(),
    email: z.string().trim().toLowerCase().email("Invalid email").max(254),
    phone: z.string().trim().max(40).nullable().optional(),
  })
  .strict();

export const StaffPatch = StaffCreate.partial().strict();

export const Staff = z.object({
  id: z.string().uuid(),
  registrationId: z.string().uuid(),
  lastName: z.string(),
  firstName: z.string(),
  middleName: z.string().nullable(),
  position: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  status: z.string(),
});

export const LockInput = z.object({ reason: z.string().trim().min(1, "Required").max(500) }).strict();
