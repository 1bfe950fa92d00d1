import { z } from "zod";
import * as S from "./schemas";

type Op = { method: "get" | "post" | "patch" | "delete"; path: string; summary: string; auth: string[]; body?: z.ZodType; ok: [number, z.ZodType]; query?: Array<{ name: string; description: string }> };

// One line per endpoint; request and response schemas are the ones the handlers use.
export const operations: Op[] = [
  { method: "get", path: "/api/v1/health", summary: "Database and queue status", auth: [], ok: [200, S.Health] },
  { method: "get", path: "/api/v1/events", summary: "List events", auth: ["manager"], ok: [200, S.EventList] },
  { method: "post", path: "/api/v1/events", summary: "Create an event", auth: ["manager"], body: S.EventCreate, ok: [201, S.Event] },
  { method: "patch", path: "/api/v1/events/{id}", summary: "Change an event", auth: ["manager"], body: S.EventPatch, ok: [200, S.Event] },
  { method: "post", path: "/api/v1/events/{eventId}/exhibitors", summary: "Create an exhibitor (or sub-exhibitor)", auth: ["manager"], body: S.ExhibitorCreate, ok: [201, S.Exhibitor] },
  { method: "get", path: "/api/v1/exhibitors/{id}", summary: "An exhibitor with its company card", auth: ["manager", "exhibitor (own, or a sub-exhibitor of it)"], ok: [200, S.Exhibitor] },
  { method: "patch", path: "/api/v1/exhibitors/{id}", summary: "Edit the company card (stand, area, quota, deadline: managers only); 423 when closed", auth: ["manager", "exhibitor (own)"], body: S.ExhibitorPatch, ok: [200, S.Exhibitor] },
  { method: "get", path: "/api/v1/exhibitors/{id}/staff", summary: "Staff (badge holders)", auth: ["manager", "exhibitor (own, or a sub-exhibitor of it)"], ok: [200, z.object({ staff: z.array(S.Staff) })] },
  { method: "post", path: "/api/v1/exhibitors/{id}/staff", summary: "Add a staff member (409 quota_exceeded, 423 when closed)", auth: ["manager", "exhibitor (own)"], body: S.StaffCreate, ok: [201, S.Staff] },
  { method: "patch", path: "/api/v1/exhibitors/{id}/staff/{staffId}", summary: "Edit a staff member", auth: ["manager", "exhibitor (own)"], body: S.StaffPatch, ok: [200, S.Staff] },
  { method: "delete", path: "/api/v1/exhibitors/{id}/staff/{staffId}", summary: "Remove a staff member (cancels the registration)", auth: ["manager", "exhibitor (own)"], ok: [204, z.null()] },
  { method: "post", path: "/api/v1/exhibitors/{id}/lock", summary: "Lock a cabinet with a reason", auth: ["manager"], body: S.LockInput, ok: [200, S.Exhibitor] },
  { method: "post", path: "/api/v1/exhibitors/{id}/unlock", summary: "Unlock a cabinet", auth: ["manager"], ok: [200, S.Exhibitor] },
  { method: "post", path: "/api/v1/events/{eventId}/registrations", summary: "Register a visitor (confirmed, invitation mailed) or a media applicant (pending approval). 200 with duplicate: true when the email is registered in this event already (the invitation is re-sent, rate-limited; the existing registration is not changed); 202 status discarded when the honeypot is filled; 429 per client address for site tokens", auth: ["site", "manager"], body: S.RegistrationCreate, ok: [201, S.RegistrationCreated] },
  { method: "post", path: "/api/v1/events/{eventId}/stand-bookings", summary: "Request a stand (company, contact, wished area); 202 status discarded when the honeypot is filled; 429 per client address for site tokens", auth: ["site", "manager"], body: S.StandBookingCreate, ok: [201, S.StandBookingCreated] },
  { method: "get", path: "/api/v1/events/{eventId}/stand-bookings", summary: "Stand booking requests of an event, newest first", auth: ["manager"], ok: [200, z.object({ standBookings: z.array(S.StandBooking) })] },
  { method: "get", path: "/api/v1/registrations/{id}", summary: "A registration with person, company, media details and SMS reminder state", auth: ["manager"], ok: [200, S.RegistrationDetail] },
  { method: "post", path: "/api/v1/registrations/{id}/approve", summary: "Approve a pending media accreditation: confirmed + invitation with QR (409 unless pending)", auth: ["manager"], ok: [200, S.RegistrationDetail] },
  { method: "post", path: "/api/v1/registrations/{id}/reject", summary: "Reject a pending media accreditation with a reason: rejected + a polite email (409 unless pending)", auth: ["manager"], body: S.RejectInput, ok: [200, S.RegistrationDetail] },
  { method: "post", path: "/api/v1/kiosk/checkins", summary: "Check a scan in at this kiosk: always 200 with result checked_in | already_checked_in (when, which kiosk) | invalid_code | not_found | cancelled | not_admitted; the same clientId again gets the same answer; print: true prints the badge on the kiosk's printer (printJob)", auth: ["kiosk (paired with a kiosk)"], body: S.CheckInInput, ok: [200, S.CheckInAnswer] },
  { method: "post", path: "/api/v1/kiosk/checkins/batch", summary: "The offline queue: up to 500 scans answered in order as one by one; an older queued scan replaces a later stored check-in (earliest scan wins), the replaced one is reported as a duplicate", auth: ["kiosk (paired with a kiosk)"], body: S.CheckInBatchInput, ok: [200, S.CheckInBatchAnswer] },
  { method: "get", path: "/api/v1/kiosk/registrations", summary: "Delta sync of the registrations this kiosk admits (minimal fields) plus the event's public keys; call with the returned cursor as since until hasMore is false", auth: ["kiosk (paired with a kiosk)"], ok: [200, S.KioskSync], query: [{ name: "since", description: "Cursor from the previous answer; absent: everything" }, { name: "limit", description: "Rows per page, 1-5000 (default 1000)" }] },
  { method: "post", path: "/api/v1/kiosk/pair", summary: "Pair a device: exchange a one-time pairing code (from the manager's kiosks page; 8 characters, 10 minutes, once) for a revocable kiosk token. 422 pairing_code_invalid | pairing_code_expired | pairing_code_used; 429 per client address", auth: [], body: S.KioskPairInput, ok: [201, S.KioskPairAnswer] },
  { method: "delete", path: "/api/v1/kiosk/pair", summary: "Unpair this device: revokes the calling kiosk token", auth: ["kiosk"], ok: [204, z.null()] },
  { method: "post", path: "/api/v1/kiosk/walk-ins", summary: "Register a walk-in at this kiosk (category among the kiosk's admitted ones), then check in and print as a scan would: the same answer as /kiosk/checkins; the same clientId again gets the same answer and no second person; an email already registered for the event checks that registration in", auth: ["kiosk (paired with a kiosk)"], body: S.WalkInInput, ok: [200, S.CheckInAnswer] },
  { method: "get", path: "/api/v1/kiosk/checkouts", summary: "This kiosk's mode (entry | exit) and, for events that count exits, how many people are inside now", auth: ["kiosk (paired with a kiosk)"], ok: [200, S.KioskExitSettings] },
  { method: "post", path: "/api/v1/kiosk/checkouts", summary: "An exit scan (events that count exits; 409 exits_not_counted otherwise): checked_out | already_out | not_checked_in (no check-in today) | invalid_code | not_found, with inside now; the same clientId again is the same exit", auth: ["kiosk (paired with a kiosk)"], body: S.CheckOutInput, ok: [200, S.CheckOutAnswer] },
  { method: "get", path: "/api/v1/kiosk/status", summary: "Arrived / expected today, and the kiosk printer's live health and queue", auth: ["kiosk (paired with a kiosk)"], ok: [200, S.KioskStatus], query: [{ name: "health", description: "0: skip the live printer check" }] },
  { method: "get", path: "/api/v1/events/{eventId}/attendance", summary: "Plan vs fact: registered (confirmed) and checked in, by category, exhibitor and event-local hour; refused scans and duplicates", auth: ["manager"], ok: [200, S.Attendance], query: [{ name: "day", description: "Event-local date YYYY-MM-DD; absent: all days" }] },
  { method: "get", path: "/api/v1/print-jobs", summary: "Print jobs of an event, newest first", auth: ["manager", "kiosk (its event)"], ok: [200, S.PrintJobList], query: [{ name: "eventId", description: "Required for managers" }, { name: "printerId", description: "Only this printer" }, { name: "status", description: "queued | printing | sent | done | failed" }, { name: "limit", description: "1-500 (default 100)" }] },
  { method: "get", path: "/api/v1/print-jobs/{id}", summary: "A print job's status, attempts and last error", auth: ["manager", "kiosk (its event)"], ok: [200, S.PrintJob] },
  { method: "post", path: "/api/v1/print-jobs/{id}/reprint", summary: "Print the badge again with a reason, on the same or another printer (a new job)", auth: ["manager", "kiosk (its event)"], body: S.ReprintInput, ok: [201, S.PrintJob] },
  { method: "post", path: "/api/v1/print-jobs/{id}/move", summary: "Move a queued or failed job to another printer of the event: it starts over there (attempts 0, the new printer's format) and is sent at once; 409 not_movable for a job printing or done (reprint those)", auth: ["manager", "kiosk (its event)"], body: S.MovePrintJobInput, ok: [200, S.PrintJob] },
  { method: "get", path: "/api/v1/print-jobs/{id}/pdf", summary: "The badge as application/pdf (fetched with a kiosk token, a browser printer's queued job becomes sent)", auth: ["manager", "kiosk (its event)"], ok: [200, z.string().describe("application/pdf")] },
  { method: "get", path: "/api/v1/print-jobs/{id}/png", summary: "The badge as a 300 dpi image/png with X-Page-Width-Mm / X-Page-Height-Mm; the kiosk prints it for browser printers (fetched with a kiosk token, such a queued job becomes sent)", auth: ["manager", "kiosk (its event)"], ok: [200, z.string().describe("image/png")] },
  { method: "post", path: "/api/v1/print-jobs/{id}/result", summary: "The kiosk reports a browser printer's badge: printed (done) or failed with why; only a queued or sent job, the same report again is a no-op, else 409 not_reportable", auth: ["manager", "kiosk (its event)"], body: S.PrintResultInput, ok: [200, S.PrintJob] },
];

const schema = (s: z.ZodType, io: "input" | "output") => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const errors = Object.fromEntries(
      ["400", "401", "403", "404", "409", "413", "422", "423", "429"].map((code) => [code, { $ref: "#/components/responses/Error" }]),
    );
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      summary: op.summary,
      ...(op.auth.length ? { security: [{ bearer: [] }], description: `Token roles: ${op.auth.join(", ")}.` } : { security: [] }),
      parameters: [
        ...[...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string", format: "uuid" } })),
        ...(op.query ?? []).map((q) => ({ name: q.name, in: "query", required: false, description: q.description, schema: { type: "string" } })),
      ],
      ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: schema(op.body, "input") } } } } : {}),
      responses: { [String(op.ok[0])]: { description: "OK", content: { "application/json": { schema: schema(op.ok[1], "output") } } }, ...errors },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Expo Desk API", version: "1", description: "JSON, camelCase fields, `Authorization: Bearer <token>`. Errors: `{ error: { code, message, fields? } }`." },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      responses: { Error: { description: "Error", content: { "application/json": { schema: schema(S.ErrorEnvelope, "output") } } } },
    },
    paths,
  };
}
