import { z } from "zod";
import { clientIp, emailField, honeypot, isoDateTime, onePhone, optionalText, webLink } from "./common";
import { innField } from "./exhibitors";

// Public registration and media accreditation (issue #5).

export const PersonInput = z
  .object({
    lastName: z.string().trim().min(1, "Required").max(100),
    firstName: z.string().trim().min(1, "Required").max(100),
    middleName: optionalText(100),
    email: emailField,
    phone: onePhone.nullable().optional(),
    position: optionalText(200),
  })
  .strict();

export const CompanyInput = z
  .object({
    name: z.string().trim().min(1, "Required").max(200),
    inn: z.union([z.literal(""), innField]).nullable().optional(),
    city: optionalText(100),
    country: optionalText(100),
    website: webLink.nullable().optional(),
  })
  .strict();

export const MediaInput = z
  .object({
    outlet: z.string().trim().min(1, "Required").max(200),
    role: optionalText(200),
    proofUrl: webLink.nullable().optional(),
  })
  .strict();

export const RegistrationCreate = z
  .object({
    category: z.enum(["visitor", "media"]),
    person: PersonInput,
    company: CompanyInput.nullable().optional(),
    media: MediaInput.nullable().optional(),
    locale: z.enum(["ru", "en"]).optional(),
    honeypot,
    clientIp,
  })
  .strict()
  .refine((r) => r.category !== "media" || !!r.media, { path: ["media", "outlet"], message: "Required" });

export const RegistrationCreated = z.object({
  id: z.string().uuid().nullable(),
  status: z.enum(["pending_approval", "confirmed", "rejected", "cancelled", "discarded"]),
  duplicate: z.boolean().optional(),
  invitationResent: z.boolean().optional(),
});

export const RegistrationDetail = z.object({
  id: z.string().uuid(),
  eventId: z.string().uuid(),
  category: z.string(),
  status: z.enum(["pending_approval", "confirmed", "rejected", "cancelled"]),
  source: z.string(),
  origin: z
    .object({
      channel: z.string().describe("The report channel: manager's label, else UTM source, else detail, else source"),
      sourceDetail: z.string().nullable(),
      utm: z.object({ source: z.string().nullable(), medium: z.string().nullable(), campaign: z.string().nullable(), content: z.string().nullable(), term: z.string().nullable() }),
      referrer: z.string().nullable(),
      manualSource: z.string().nullable(),
      invitationId: z.string().uuid().nullable(),
    })
    .optional(),
  locale: z.string(),
  person: z.object({ id: z.string().uuid(), lastName: z.string(), firstName: z.string(), middleName: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), position: z.string().nullable() }),
  company: z.object({ id: z.string().uuid(), name: z.string(), inn: z.string().nullable(), city: z.string().nullable(), country: z.string().nullable(), website: z.string().nullable() }).nullable(),
  media: z.object({ outlet: z.string(), role: z.string().nullable(), proofUrl: z.string().nullable(), proofFile: z.boolean() }).nullable(),
  rejectionReason: z.string().nullable(),
  inviteSentAt: isoDateTime.nullable(),
  inviteError: z.string().nullable(),
  sms: z.object({ status: z.string(), phone: z.string(), sentAt: isoDateTime.nullable(), error: z.string().nullable() }).nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export const RejectInput = z.object({ reason: z.string().trim().min(1, "Required").max(1000) }).strict();
