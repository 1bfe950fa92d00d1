import { z } from "zod";
import { isValidInn } from "~/utils/validators";
import { isoDateTime } from "./common";

// Exhibitors (the cabinet's company card).

export const innField = z
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

export const LockInput = z.object({ reason: z.string().trim().min(1, "Required").max(500) }).strict();
