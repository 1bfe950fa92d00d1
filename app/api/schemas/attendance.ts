import { z } from "zod";
import { isoDateTime } from "./common";

// Plan vs fact of an event (the attendance endpoint).

export const Attendance = z.object({
  eventId: z.string().uuid(),
  timezone: z.string(),
  day: z.string().nullable(),
  registered: z.number().int().describe("Confirmed registrations (plan)"),
  checkedIn: z.number().int().describe("Registrations with a check-in (fact), on `day` if given"),
  noShows: z.number().int(),
  byCategory: z.array(z.object({ category: z.string(), registered: z.number().int(), checkedIn: z.number().int() })),
  byExhibitor: z.array(z.object({ exhibitorId: z.string().uuid(), name: z.string(), stand: z.string().nullable(), registered: z.number().int(), checkedIn: z.number().int() })),
  byHour: z.array(z.object({ hour: z.string().describe("Event-local hour, YYYY-MM-DDTHH:00"), at: isoDateTime, checkedIn: z.number().int() })),
  inside: z.number().int().optional().describe("People inside now (today): only for events that count exits"),
  refused: z.object({ invalid_code: z.number().int(), not_found: z.number().int(), cancelled: z.number().int(), not_admitted: z.number().int() }),
  duplicates: z.object({
    count: z.number().int(),
    recent: z.array(z.object({ registrationId: z.string().uuid().nullable(), name: z.string().nullable(), reason: z.string().nullable(), kiosk: z.string().nullable(), scannedAt: isoDateTime })),
  }),
});
