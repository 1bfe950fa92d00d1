import { z } from "zod";
import { clientIp, honeypot, isoDateTime, optionalText } from "./common";
import { CompanyInput, PersonInput } from "./registrations";

// Stand booking requests (issue #5).

export const StandBookingCreate = z
  .object({
    company: CompanyInput,
    contact: PersonInput,
    areaM2: z.number().positive("Must be greater than 0").max(100000),
    comment: optionalText(2000),
    locale: z.enum(["ru", "en"]).optional(),
    honeypot,
    clientIp,
  })
  .strict();

export const StandBookingCreated = z.object({ id: z.string().uuid().nullable(), status: z.enum(["new", "converted", "declined", "discarded"]) });

export const StandBooking = z.object({
  id: z.string().uuid(),
  eventId: z.string().uuid(),
  status: z.enum(["new", "converting", "converted", "declined"]),
  company: z.object({ name: z.string(), inn: z.string().nullable(), city: z.string().nullable(), country: z.string().nullable(), website: z.string().nullable() }),
  contact: z.object({ lastName: z.string(), firstName: z.string(), middleName: z.string().nullable(), position: z.string().nullable(), email: z.string(), phone: z.string().nullable() }),
  areaM2: z.number(),
  comment: z.string().nullable(),
  locale: z.string(),
  source: z.string(),
  exhibitorId: z.string().uuid().nullable(),
  createdAt: isoDateTime,
});
