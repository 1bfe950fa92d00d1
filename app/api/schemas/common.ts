import { z } from "zod";
import { normalizeEmail, normalizePhones, normalizeWebsite } from "~/utils/validators";

// The zod schemas that validate API requests, one file per domain; openapi.server.ts builds the
// document from them (through index.ts). This one: the shared field types.

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

export const Health = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.object({ ok: z.boolean(), latencyMs: z.number().optional() }),
  queue: z.object({ ok: z.boolean(), pending: z.number().optional(), failed: z.number().optional() }),
  version: z.string(),
});

export const ErrorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});

export const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();
export const emailField = z.string().trim().max(254).refine((v) => normalizeEmail(v) !== null, "Invalid email");
export const onePhone = z
  .string()
  .trim()
  .max(40)
  .refine((v) => v === "" || (normalizePhones(v).phones.length === 1 && normalizePhones(v).invalid.length === 0), "Must be a phone number, e.g. +7 916 123-45-67");
export const webLink = z.string().trim().max(500).refine((v) => v === "" || normalizeWebsite(v) !== null, "Must be a URL, e.g. https://example.com");
/** A trap for bots: forms hide this field; anything in it discards the submission. */
export const honeypot = z.string().max(1000).nullable().optional();
/** For server-to-server callers: the address of the person who filled the site's form (per-IP limit). */
export const clientIp = z.string().trim().max(64).regex(/^[0-9a-fA-F.:]+$/, "Must be an IP address").optional();
