import { z } from "zod";
import { isoDateTime, timeZone } from "./common";

/** A venue-local time of day, "HH:MM" (24 h). */
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Must be a time HH:MM");
const doorsInOrder = (e: { doorsOpen?: string | null; doorsClose?: string | null }) => !e.doorsOpen || !e.doorsClose || e.doorsClose > e.doorsOpen;
const DOORS_ORDER = { path: ["doorsClose"], message: "Doors must close after they open" };

const eventFields = {
  name: z.string().trim().min(1, "Required").max(200),
  venue: z.string().trim().min(1, "Required").max(200),
  address: z.string().trim().max(500).nullable().optional(),
  timezone: timeZone,
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  editDeadline: isoDateTime.nullable().optional(),
  doorsOpen: localTime.nullable().optional(),
  doorsClose: localTime.nullable().optional(),
  format: z.enum(["exhibition", "conference", "forum", "seminar", "other"]).optional(),
};

export const EventCreate = z
  .object(eventFields)
  .strict()
  .refine((e) => new Date(e.endsAt) >= new Date(e.startsAt), { path: ["endsAt"], message: "Must not be before startsAt" })
  .refine(doorsInOrder, DOORS_ORDER);

export const EventPatch = z
  .object(eventFields)
  .partial()
  .strict()
  .refine((e) => !e.startsAt || !e.endsAt || new Date(e.endsAt) >= new Date(e.startsAt), { path: ["endsAt"], message: "Must not be before startsAt" })
  .refine(doorsInOrder, DOORS_ORDER);

export const Event = z.object({
  id: z.string().uuid(),
  name: z.string(),
  venue: z.string(),
  address: z.string().nullable(),
  timezone: z.string(),
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  editDeadline: isoDateTime.nullable(),
  doorsOpen: z.string().nullable(),
  doorsClose: z.string().nullable(),
  format: z.enum(["exhibition", "conference", "forum", "seminar", "other"]),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export const EventList = z.object({ events: z.array(Event) });
