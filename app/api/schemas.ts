import { z } from "zod";

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
