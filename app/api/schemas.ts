import { z } from "zod";
import { isValidInn, normalizeEmail, normalizePhones, normalizeWebsite } from "~/utils/validators";

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

// --- kiosk check-in and the print queue (issues #6, #7) -------------------------------------

export const CheckInResult = z.enum(["checked_in", "already_checked_in", "invalid_code", "not_found", "cancelled", "not_admitted"]);

export const CheckInInput = z
  .object({
    code: z.string().trim().min(1, "Required").max(500).optional().describe("The scanned ticket code (QR text)"),
    registrationId: z.string().uuid().optional().describe("Instead of a code: a registration picked by manual search"),
    clientId: z.string().uuid().describe("Generated by the device per scan; the same id again gets the same answer"),
    scannedAt: isoDateTime.optional().describe("When the scan happened (offline scans); default now; a time more than 2 min ahead is replaced by now"),
    print: z.boolean().default(false).describe("Print the badge on the kiosk's printer when checked in"),
  })
  .strict()
  .refine((b) => (b.code === undefined) !== (b.registrationId === undefined), { path: ["code"], message: "Give either code or registrationId" });

export const CheckInBatchInput = z.object({ items: z.array(CheckInInput).min(1).max(500) }).strict();

export const PrintJob = z.object({
  id: z.string().uuid(),
  registrationId: z.string().uuid(),
  printerId: z.string().uuid().nullable(),
  printer: z.object({ id: z.string().uuid(), name: z.string(), driver: z.enum(["ipp", "raw_tcp", "browser"]) }).nullable(),
  format: z.enum(["pdf", "zpl"]),
  status: z.enum(["queued", "printing", "sent", "done", "failed"]).describe("sent: a browser printer's badge the kiosk fetched and has not reported yet; done: printed"),
  attempts: z.number().int(),
  error: z.string().nullable(),
  source: z.enum(["checkin", "reprint"]),
  reason: z.string().nullable(),
  reprintOfId: z.string().uuid().nullable(),
  createdAt: isoDateTime,
  startedAt: isoDateTime.nullable(),
  finishedAt: isoDateTime.nullable(),
  pdfUrl: z.string().nullable().describe("Browser printers: the badge as PDF (fetching it marks the job sent)"),
  imageUrl: z.string().nullable().describe("Browser printers: the badge as PNG, which the kiosk prints (fetching it marks the job sent)"),
});

export const CheckInAnswer = z.object({
  clientId: z.string().uuid(),
  result: CheckInResult,
  reason: z
    .string()
    .nullable()
    .describe("malformed | unknown-key | bad-signature (invalid_code); cancelled | rejected; pending_approval | category_not_admitted; duplicate | superseded"),
  registration: z
    .object({ id: z.string().uuid(), name: z.string(), company: z.string().nullable(), category: z.string(), status: z.string() })
    .nullable(),
  checkedInAt: isoDateTime.nullable(),
  kiosk: z.object({ id: z.string().uuid().nullable(), name: z.string() }).nullable(),
  printJob: PrintJob.nullable().optional(),
});

export const CheckInBatchAnswer = z.object({ results: z.array(CheckInAnswer) });

export const KioskSync = z.object({
  registrations: z.array(z.object({ id: z.string().uuid(), name: z.string(), company: z.string().nullable(), category: z.string(), status: z.string() })),
  removed: z.array(z.string().uuid()).describe("Drop these: deleted, or no longer admitted here"),
  cursor: z.string().describe("Pass as ?since= next time"),
  hasMore: z.boolean().describe("Ask again at once with the new cursor"),
  reset: z.boolean().describe("The kiosk's categories changed: this is a full sync; drop everything not in it"),
  publicKeys: z.array(z.string()).describe("The event's Ed25519 public keys (raw, base64url) for offline verification"),
  kiosk: z.object({ id: z.string().uuid(), name: z.string(), categories: z.array(z.string()), printerId: z.string().uuid().nullable().optional().describe("The kiosk's printer (reprints go there)") }),
  event: z.object({ id: z.string().uuid(), name: z.string(), timezone: z.string(), doorsOpen: z.string().nullable().optional(), doorsClose: z.string().nullable().optional() }),
  serverTime: isoDateTime,
});

const PrinterHealth = z.object({ ok: z.boolean(), state: z.string(), reasons: z.array(z.string()), message: z.string().optional() });

export const PrinterStatus = z.object({
  printer: z.object({ id: z.string().uuid(), name: z.string(), driver: z.enum(["ipp", "raw_tcp", "browser"]), address: z.string() }),
  health: PrinterHealth,
  queue: z.object({ queued: z.number().int(), printing: z.number().int(), failedLastHour: z.number().int() }),
  lastError: z.string().nullable(),
  lastDoneAt: isoDateTime.nullable(),
});

export const KioskStatus = z.object({
  kiosk: z.object({ id: z.string().uuid(), name: z.string(), categories: z.array(z.string()) }),
  event: z.object({ id: z.string().uuid(), name: z.string(), timezone: z.string() }),
  today: z.string().describe("The event-local date"),
  arrivedToday: z.number().int(),
  expected: z.number().int(),
  printer: PrinterStatus.nullable(),
  printers: z.array(z.object({ id: z.string().uuid(), name: z.string(), driver: z.enum(["ipp", "raw_tcp", "browser"]) })).describe("The event's printers (to move a failed badge)"),
  serverTime: isoDateTime,
});

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

export const ReprintInput = z
  .object({
    reason: z.string().trim().min(1, "Required").max(500),
    printerId: z.string().uuid().optional().describe("Another printer (move the job); default: the original printer"),
  })
  .strict();

export const PrintResultInput = z
  .object({
    status: z.enum(["printed", "failed"]).describe("printed: the kiosk browser's afterprint came; failed: it could not print"),
    error: z.string().trim().max(1000).optional().describe("Why it failed, as the kiosk saw it"),
  })
  .strict();

export const PrintJobList = z.object({ printJobs: z.array(PrintJob) });

export const MovePrintJobInput = z
  .object({ printerId: z.string().uuid().describe("A printer of the same event; the job starts over there") })
  .strict();

// --- public registration, media accreditation, stand booking (issue #5) ----------------------

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();
const emailField = z.string().trim().max(254).refine((v) => normalizeEmail(v) !== null, "Invalid email");
const onePhone = z
  .string()
  .trim()
  .max(40)
  .refine((v) => v === "" || (normalizePhones(v).phones.length === 1 && normalizePhones(v).invalid.length === 0), "Must be a phone number, e.g. +7 916 123-45-67");
const webLink = z.string().trim().max(500).refine((v) => v === "" || normalizeWebsite(v) !== null, "Must be a URL, e.g. https://example.com");
/** A trap for bots: forms hide this field; anything in it discards the submission. */
const honeypot = z.string().max(1000).nullable().optional();
/** For server-to-server callers: the address of the person who filled the site's form (per-IP limit). */
const clientIp = z.string().trim().max(64).regex(/^[0-9a-fA-F.:]+$/, "Must be an IP address").optional();

// --- kiosk pairing and walk-ins (issue #6) ---
export const KioskPairInput = z.object({ code: z.string().trim().min(1, "Required").max(40).describe("The one-time pairing code a manager got on the kiosks page") }).strict();

export const KioskPairAnswer = z.object({
  token: z.string().describe("The device's kiosk token: keep it; it stops working when a manager revokes it"),
  kiosk: z.object({ id: z.string().uuid(), name: z.string() }),
  event: z.object({ id: z.string().uuid(), name: z.string() }),
});

const walkInCategory = z.enum(["visitor", "exhibitor_staff", "media", "speaker", "organizer", "vip"]);
export const WalkInInput = z
  .object({
    clientId: z.string().uuid().describe("Generated by the device per walk-in; the same id again gets the same answer (no second person)"),
    lastName: z.string().trim().min(1, "Required").max(100),
    firstName: z.string().trim().min(1, "Required").max(100),
    company: z.string().trim().max(200).nullable().optional(),
    position: z.string().trim().max(200).nullable().optional(),
    email: z.string().trim().max(254).refine((v) => v === "" || normalizeEmail(v) !== null, "Invalid email").nullable().optional(),
    phone: onePhone.nullable().optional(),
    category: walkInCategory.default("visitor").describe("One of the kiosk's admitted categories"),
    locale: z.enum(["ru", "en"]).optional(),
    print: z.boolean().default(true).describe("Print the badge on the kiosk's printer"),
    scannedAt: isoDateTime.optional().describe("When the guest was registered (walk-ins queued offline); default now"),
  })
  .strict();

export const CheckOutInput = z
  .object({
    code: z.string().trim().min(1, "Required").max(500).optional().describe("The scanned ticket code (QR text)"),
    registrationId: z.string().uuid().optional().describe("Instead of a code: a registration picked by manual search"),
    clientId: z.string().uuid().describe("Generated by the device per scan; the same id again is the same exit"),
    scannedAt: isoDateTime.optional(),
  })
  .strict()
  .refine((b) => (b.code === undefined) !== (b.registrationId === undefined), { path: ["code"], message: "Give either code or registrationId" });

const kioskRegistration = z.object({ id: z.string().uuid(), name: z.string(), company: z.string().nullable(), category: z.string(), status: z.string() });

export const CheckOutAnswer = z.object({
  clientId: z.string().uuid(),
  result: z.enum(["checked_out", "already_out", "not_checked_in", "invalid_code", "not_found"]),
  registration: kioskRegistration.nullable(),
  checkedOutAt: z.string().nullable().describe("checked_out: this exit; already_out: the earlier exit"),
  inside: z.number().int().describe("People inside now (today)"),
});

export const KioskExitSettings = z.object({
  mode: z.enum(["entry", "exit"]).describe("exit: this kiosk's scans are check-outs"),
  countsExits: z.boolean(),
  inside: z.number().int().nullable().describe("People inside now (today); null unless the event counts exits"),
});

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
