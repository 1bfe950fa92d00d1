import { audit } from "~/utils/audit.server";
import { pool, prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { registerTask } from "~/utils/jobs.server";
import { logger } from "~/utils/logger.server";
import { canSeeEvent, requireManager, type Actor } from "~/utils/permissions.server";
import { formatEventDay, type MailLocale } from "./mail/format";
import { enqueueSmsReminder, enqueueSmsStatusCheck } from "./outbox.server";
import { purgeRateLimits, UUID_RE } from "./registrations/registrations.server";
import { createSmsRuClient, SmsError, type SmsRuClient } from "./sms/smsru.server";

// Day-before SMS reminders through SMS.RU.
//
// A self-rescheduling job ("sms-reminders", job key "sms-reminders") wakes at the next event's
// reminder time (the day before the event, REMINDER_LOCAL_TIME in the event's time zone) and at
// least every five minutes. For a due event it inserts one SmsReminder row per confirmed attendee
// with a phone; the unique registrationId makes a second run insert nothing, so nobody gets the
// reminder twice. Each inserted row gets its own "send-sms-reminder" job in the same
// transaction: a bad number fails only its own row. After a send, "sms-reminder-status" polls the
// delivery status a few times.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const TICK_KEY = "sms-reminders";
/** Delays of the delivery-status checks after a send. */
const STATUS_DELAYS_MS = [5_000, 30_000, 2 * MINUTE, 10 * MINUTE, 60 * MINUTE, 6 * 60 * MINUTE];
/** Rows in these states have been handed to SMS.RU (or given up on): the scheduler never sends them again. */
const SETTLED = new Set(["queued", "sending", "sent", "delivered", "read", "failed", "unknown", "skipped"]);

// --- time ----------------------------------------------------------------------------------

function zonedParts(date: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { y: get("year"), m: get("month"), d: get("day"), h: get("hour"), mi: get("minute"), s: get("second") };
}

function offsetMs(at: number, timeZone: string): number {
  const p = zonedParts(new Date(at), timeZone);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - Math.floor(at / 1000) * 1000;
}

/** The instant when the wall clock in `timeZone` shows the given local date and time. */
export function zonedTimeToUtc(y: number, m: number, d: number, h: number, mi: number, timeZone: string): Date {
  const wall = Date.UTC(y, m - 1, d, h, mi);
  let t = wall - offsetMs(wall, timeZone);
  t = wall - offsetMs(t, timeZone); // once more: the offset may differ across a DST change
  return new Date(t);
}

/** REMINDER_LOCAL_TIME on the calendar day before the event's first day, in the event's zone. */
export function reminderDueAt(event: { startsAt: Date; timezone: string }, localTime = env().REMINDER_LOCAL_TIME): Date {
  const p = zonedParts(event.startsAt, event.timezone);
  const dayBefore = new Date(Date.UTC(p.y, p.m - 1, p.d - 1));
  const [h, mi] = localTime.split(":").map(Number);
  return zonedTimeToUtc(dayBefore.getUTCFullYear(), dayBefore.getUTCMonth() + 1, dayBefore.getUTCDate(), h, mi, event.timezone);
}

// --- text ----------------------------------------------------------------------------------

export function reminderText(
  locale: MailLocale,
  event: { name: string; venue: string; address: string | null; startsAt: Date; endsAt: Date; timezone: string },
): string {
  const day = formatEventDay(locale, event);
  const time = new Intl.DateTimeFormat(locale, { timeZone: event.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    event.startsAt,
  );
  return locale === "en"
    ? `Reminder: ${event.name}, ${day}, starts at ${time}, ${event.venue}. Show the QR code from your invitation email at the entrance.`
    : `Напоминаем: «${event.name}», ${day}, начало в ${time}, ${event.venue}. Покажите QR-код из письма-приглашения на входе.`;
}

// --- scheduler -----------------------------------------------------------------------------

function smsClient(): SmsRuClient | null {
  const { SMSRU_API_ID, SMSRU_BASE_URL } = env();
  return SMSRU_API_ID ? createSmsRuClient({ apiId: SMSRU_API_ID, baseUrl: SMSRU_BASE_URL }) : null;
}

export const smsConfigured = () => Boolean(env().SMSRU_API_ID);

/** Inserts the missing reminder rows of one event and a send job for each; returns how many. */
export async function createDueReminders(eventId: string): Promise<number> {
  return prisma().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO "SmsReminder" ("registrationId", "phone")
      SELECT r."id", btrim(p."phone")
      FROM "Registration" r JOIN "Person" p ON p."id" = r."personId"
      WHERE r."eventId" = ${eventId}::uuid AND r."status" = 'confirmed' AND p."phone" IS NOT NULL AND btrim(p."phone") <> ''
      ON CONFLICT ("registrationId") DO NOTHING
      RETURNING "id"`;
    for (const row of rows)
      await enqueueSmsReminder(row.id, tx);
    return rows.length;
  });
}

/** One pass of the scheduler; returns when it wants to run next. */
export async function reminderTick(now = new Date()): Promise<{ created: number; next: Date }> {
  let next = new Date(now.getTime() + 5 * MINUTE);
  let created = 0;
  const events = await prisma().event.findMany({
    where: { startsAt: { gt: now, lt: new Date(now.getTime() + 3 * DAY) } },
    select: { id: true, startsAt: true, timezone: true },
  });
  for (const event of events) {
    const due = reminderDueAt(event);
    if (due > now) {
      if (due < next) next = due;
      continue;
    }
    if (!smsConfigured()) {
      logger().warn({ eventId: event.id }, "SMS reminders are due but SMSRU_API_ID is not set");
      continue;
    }
    created += await createDueReminders(event.id);
  }
  await purgeRateLimits();
  return { created, next };
}

async function scheduleTick(runAt: Date, mode: "replace" | "preserve_run_at" = "replace") {
  await pool().query(
    `SELECT graphile_worker.add_job('sms-reminders', '{}'::json, run_at => $1, max_attempts => 5, job_key => $2, job_key_mode => $3)`,
    [runAt, TICK_KEY, mode],
  );
}

/** Starts the schedule (keeps an already planned run); called when tasks are registered. */
export async function ensureReminderSchedule(): Promise<void> {
  await scheduleTick(new Date(), "preserve_run_at");
}

/** Runs the scheduler now (due reminders only; rows that exist are never sent again). */
export const runRemindersNow = () => scheduleTick(new Date());

// --- sending -------------------------------------------------------------------------------

type ReminderUpdate = Parameters<ReturnType<typeof prisma>["smsReminder"]["update"]>[0]["data"];

async function setReminder(id: string, data: ReminderUpdate): Promise<void> {
  await prisma().smsReminder.update({ where: { id }, data });
}

export async function sendReminder(reminderId: string, now = new Date()): Promise<void> {
  const rem = await prisma().smsReminder.findUnique({
    where: { id: reminderId },
    include: { registration: { include: { person: true, event: true } } },
  });
  if (!rem || SETTLED.has(rem.status)) return;
  if (rem.status === "submitting") {
    // A previous attempt died while talking to SMS.RU: it may have gone out. Never risk a second SMS.
    await setReminder(rem.id, {
      status: "failed",
      error: "Interrupted while sending; not retried to avoid a duplicate. Use resend if needed.",
    });
    return;
  }
  const reg = rem.registration;
  if (reg.status !== "confirmed") return setReminder(rem.id, { status: "skipped", error: `Registration ${reg.status}` });
  if (reg.event.endsAt <= now) return setReminder(rem.id, { status: "skipped", error: "The event is over" });
  const client = smsClient();
  if (!client) {
    await setReminder(rem.id, { status: "retrying", error: "SMSRU_API_ID is not set" });
    throw new Error("SMSRU_API_ID is not set");
  }
  const claimed = await prisma().smsReminder.updateMany({
    where: { id: rem.id, status: rem.status },
    data: { status: "submitting", attempts: { increment: 1 } },
  });
  if (claimed.count === 0) return;
  const locale: MailLocale = reg.person.locale === "en" ? "en" : "ru";
  try {
    const result = await client.send(rem.phone, reminderText(locale, reg.event));
    await prisma().$transaction(async (tx) => {
      await tx.smsReminder.update({
        where: { id: rem.id },
        data: { status: result.status, smsId: result.smsId, statusCode: result.statusCode, sentAt: new Date(), error: null },
      });
      await enqueueSmsStatusCheck(rem.id, 0, new Date(Date.now() + STATUS_DELAYS_MS[0]), tx);
    });
  } catch (err) {
    const message = (err as Error).message.slice(0, 500);
    if (err instanceof SmsError && err.kind === "permanent") {
      await setReminder(rem.id, { status: "failed", error: message, statusCode: err.statusCode ?? null });
      return; // a bad number fails only this message
    }
    await setReminder(rem.id, {
      status: "retrying",
      error: message,
      statusCode: err instanceof SmsError ? (err.statusCode ?? null) : null,
    });
    throw err;
  }
}

export async function checkReminderStatus(reminderId: string, n: number): Promise<void> {
  const rem = await prisma().smsReminder.findUnique({ where: { id: reminderId } });
  const client = smsClient();
  if (!rem?.smsId || !client || ["delivered", "read", "failed", "skipped"].includes(rem.status)) return;
  const st = await client.status(rem.smsId);
  // -1 "not found yet" is reported as "unknown": keep the last known state then.
  const status = st.status === "unknown" ? rem.status : st.status;
  await prisma().$transaction(async (tx) => {
    await tx.smsReminder.update({
      where: { id: rem.id },
      data: {
        status,
        statusCode: st.statusCode,
        statusCheckedAt: new Date(),
        ...(st.status === "failed" ? { error: st.statusText ?? `SMS.RU status ${st.statusCode}` } : {}),
      },
    });
    if (!st.final && n + 1 < STATUS_DELAYS_MS.length) {
      await enqueueSmsStatusCheck(rem.id, n + 1, new Date(Date.now() + STATUS_DELAYS_MS[n + 1]), tx);
    }
  });
}

// --- manager side --------------------------------------------------------------------------

export async function listReminders(actor: Actor | null, eventId: string) {
  requireManager(actor);
  if (!canSeeEvent(actor, eventId)) throw notFound("Event");
  const rows = await prisma().smsReminder.findMany({
    where: { registration: { eventId } },
    include: { registration: { include: { person: true } } },
    orderBy: [{ createdAt: "desc" }],
    take: 2000,
  });
  return rows.map((r) => ({
    id: r.id,
    registrationId: r.registrationId,
    name: [r.registration.person.lastName, r.registration.person.firstName].join(" "),
    phone: r.phone,
    status: r.status,
    smsId: r.smsId,
    error: r.error,
    attempts: r.attempts,
    resends: r.resends,
    sentAt: r.sentAt?.toISOString() ?? null,
    statusCheckedAt: r.statusCheckedAt?.toISOString() ?? null,
  }));
}

/** Sends one reminder again (to the person's current phone), by a manager's explicit choice. */
export async function resendReminder(actor: Actor | null, reminderId: string, ip?: string): Promise<void> {
  requireManager(actor);
  const rem = UUID_RE.test(reminderId)
    ? await prisma().smsReminder.findUnique({ where: { id: reminderId }, include: { registration: { include: { person: true } } } })
    : null;
  if (!rem || !canSeeEvent(actor, rem.registration.eventId)) throw notFound("Reminder");
  if (rem.registration.status !== "confirmed") throw new HttpError(409, "invalid_state", `The registration is ${rem.registration.status}.`);
  if (rem.status === "submitting" || rem.status === "pending" || rem.status === "retrying")
    throw new HttpError(409, "invalid_state", "This reminder is being sent right now.");
  const phone = rem.registration.person.phone?.trim() || rem.phone;
  await prisma().$transaction(async (tx) => {
    const updated = await tx.smsReminder.update({
      where: { id: rem.id },
      data: {
        status: "pending",
        phone,
        smsId: null,
        statusCode: null,
        error: null,
        sentAt: null,
        statusCheckedAt: null,
        resends: { increment: 1 },
      },
    });
    await enqueueSmsReminder(rem.id, tx, updated.resends);
    await audit(
      actor,
      { action: "sms.resend", entityType: "SmsReminder", entityId: rem.id, eventId: rem.registration.eventId, before: { status: rem.status, phone: rem.phone }, after: { status: "pending", phone }, ip },
      tx,
    );
  });
}

// --- tasks ---------------------------------------------------------------------------------

export function registerReminderTasks(): void {
  registerTask("sms-reminders", async () => {
    let next = new Date(Date.now() + 5 * MINUTE);
    try {
      next = (await reminderTick()).next;
    } finally {
      await scheduleTick(next);
    }
  });
  registerTask("send-sms-reminder", async (payload) => sendReminder((payload as { reminderId: string }).reminderId));
  registerTask("sms-reminder-status", async (payload) => {
    const p = payload as { reminderId: string; n?: number };
    await checkReminderStatus(p.reminderId, p.n ?? 0);
  });
  void ensureReminderSchedule().catch((err: unknown) => logger().error({ err }, "could not schedule SMS reminders"));
}

/** Confirmed registrations of the event that have a phone number (who an SMS can reach). */
export function confirmedWithPhone(eventId: string): Promise<number> {
  return prisma().registration.count({ where: { eventId, status: "confirmed", person: { phone: { not: null } } } });
}
