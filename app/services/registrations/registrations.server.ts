import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdir, rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import type { RegistrationCreate } from "~/api/schemas/registrations";
import type { Prisma } from "~/generated/prisma/client";
import { audit } from "~/utils/audit.server";
import { prisma } from "~/utils/db.server";
import { appUrl, env } from "~/utils/env.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { canSeeEvent, requireManager, type Actor } from "~/utils/permissions.server";
import { normalizePersonName, normalizePhones, normalizeWebsite } from "~/utils/validators";
import { activeByEmail, lockEventEmail } from "../exhibitors/cabinet.server";
import { enqueueCrmSync, enqueueMail } from "../outbox.server";
import { openSubmission } from "./public-event.server";
import { cleanTag, NO_TAGS, originOf, type SourceTags } from "./source";

// Public registration (site page and API), media accreditation approval, the attendee's
// self-service link, and the per-IP limits of public forms (issue #5).
//
// The self-service link carries a token derived from the registration's random codeSecret
// (HMAC), so the same link can be mailed again without storing it; the database keeps only its
// SHA-256 (manageTokenHash) to find the registration. Rotating codeSecret revokes the link.

type Tx = Prisma.TransactionClient;
type RegistrationStatus = "pending_approval" | "confirmed" | "rejected" | "cancelled";
export type RegistrationInput = z.infer<typeof RegistrationCreate>;
/** tags: UTM and referrer of a public form; sourceDetail: the API token's or invitation campaign's name (issue #14). */
export type Channel = { source: "site" | "api" | "invitation"; actor: Actor | null; ip?: string; proof?: ProofUpload | null; tags?: SourceTags; sourceDetail?: string | null; invitationId?: string | null };
export type ProofUpload = { data: Uint8Array; fileName: string; contentType: string };

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// --- tokens ---------------------------------------------------------------------------------

export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

export function manageToken(reg: { id: string; codeSecret: string }): string {
  return createHmac("sha256", reg.codeSecret).update(`manage:${reg.id}`).digest("base64url").slice(0, 32);
}

export function manageUrl(reg: { id: string; eventId: string; codeSecret: string }): string {
  return `${appUrl()}/e/${reg.eventId}/my/${manageToken(reg)}`;
}

// --- rate limits ----------------------------------------------------------------------------

/** Fixed-window counter; returns whether this hit is within `limit`, and when the window ends. */
export async function hitRateLimit(key: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; resetAt: Date }> {
  const rows = await prisma().$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO "RateLimit" ("key", "count", "windowStart") VALUES (${key}, 1, now())
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" <= now() - make_interval(secs => ${windowSeconds}::double precision) THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" <= now() - make_interval(secs => ${windowSeconds}::double precision) THEN now() ELSE "RateLimit"."windowStart" END
    RETURNING "count", "windowStart"`;
  const row = rows[0];
  return { allowed: row.count <= limit, resetAt: new Date(row.windowStart.getTime() + windowSeconds * 1000) };
}

/** Public forms and site-token API calls: RATE_LIMIT_PER_IP submissions per window and address. */
export async function limitPublicSubmission(ip: string | undefined): Promise<void> {
  const { RATE_LIMIT_PER_IP, RATE_LIMIT_WINDOW_SECONDS } = env();
  const hit = await hitRateLimit(`reg-ip:${ip ?? "unknown"}`, RATE_LIMIT_PER_IP, RATE_LIMIT_WINDOW_SECONDS);
  if (!hit.allowed) {
    const minutes = Math.max(1, Math.ceil((hit.resetAt.getTime() - Date.now()) / 60_000));
    throw new HttpError(429, "rate_limited", `Too many submissions from this address; try again in ${minutes} min.`);
  }
}

export async function purgeRateLimits(olderThanSeconds = 86_400): Promise<number> {
  return prisma()
    .$executeRaw`DELETE FROM "RateLimit" WHERE "windowStart" < now() - make_interval(secs => ${olderThanSeconds}::double precision)`;
}

// --- registration -----------------------------------------------------------------------------

export type RegisterResult =
  | { discarded: true }
  | { discarded: false; id: string; status: RegistrationStatus; duplicate: boolean; invitationResent: boolean; email: string };

const blank = (s: string | null | undefined) => (s && s.trim() ? s.trim() : null);
const phoneOf = (s: string | null | undefined) => (blank(s) ? (normalizePhones(s!).phones[0] ?? null) : null);

const PROOF_TYPES: Record<string, string> = { "application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp" };
export const MAX_PROOF_BYTES = 5 * 1024 * 1024;

export function proofDir() {
  return path.resolve(env().DATA_DIR, "uploads", "media");
}

async function storeProof(proof: ProofUpload): Promise<{ file: string; name: string }> {
  const ext = PROOF_TYPES[proof.contentType];
  if (!ext)
    throw new HttpError(422, "validation_failed", "Some fields are invalid.", {
      "media.proofFile": "Must be a PDF, JPEG, PNG or WebP file",
    });
  if (proof.data.byteLength > MAX_PROOF_BYTES)
    throw new HttpError(422, "validation_failed", "Some fields are invalid.", { "media.proofFile": "File too large" });
  await mkdir(proofDir(), { recursive: true });
  const name = `${randomUUID()}${ext}`;
  const full = path.join(proofDir(), name);
  await writeFile(`${full}.tmp`, proof.data);
  await rename(`${full}.tmp`, full);
  return { file: path.join("uploads", "media", name), name: proof.fileName.replace(/[\r\n"\\/]/g, "_").slice(0, 200) || name };
}

/**
 * Registers a visitor (confirmed, invitation mailed) or a media applicant (pending approval).
 * The same email again for the same event returns the existing registration and mails the
 * invitation again, at most once per INVITE_RESEND_MINUTES.
 */
export async function registerAttendee(eventId: string, input: RegistrationInput, channel: Channel): Promise<RegisterResult> {
  const closed = "Registration for this event is closed.";
  const opened = await openSubmission(eventId, channel.actor, input.honeypot, { field: "person.email", value: input.person.email }, closed);
  if (!opened) return { discarded: true };
  const { event, email } = opened;
  const category = input.category;
  const locale = input.locale ?? "ru";
  const stored = category === "media" && channel.proof ? await storeProof(channel.proof) : null;

  let outcome: { id: string; status: RegistrationStatus; duplicate: boolean; codeSecret: string };
  try {
    outcome = await prisma().$transaction(async (tx) => {
      // One live registration per address and event: serialise registrations of the same address.
      await lockEventEmail(tx, event.id, email);
      // Read only: an existing registration is answered as a duplicate, never changed. Cancelled
      // and rejected ones stay as they were; the new registration is a registration of its own.
      const existing = await activeByEmail(tx, event.id, email, ["cancelled", "rejected"]);
      if (existing && (existing.status === "confirmed" || existing.status === "pending_approval")) {
        return { id: existing.id, status: existing.status, duplicate: true, codeSecret: existing.codeSecret };
      }
      const organizationId = input.company?.name?.trim() ? await findOrCreateOrganization(tx, input.company) : null;
      // The registration's own contact row (docs/decisions/0007): what the registrant entered,
      // nothing copied from or written to anyone else's registration with the same address.
      const person = await tx.person.create({
        data: {
          lastName: normalizePersonName(input.person.lastName) || input.person.lastName.trim(),
          firstName: normalizePersonName(input.person.firstName) || input.person.firstName.trim(),
          middleName: blank(input.person.middleName) ? normalizePersonName(input.person.middleName!) || null : null,
          position: blank(input.person.position),
          email,
          phone: phoneOf(input.person.phone),
          locale,
          organizationId,
        },
      });
      const id = randomUUID();
      const codeSecret = randomBytes(16).toString("base64url");
      const status: RegistrationStatus = category === "media" ? "pending_approval" : "confirmed";
      await tx.registration.create({
        data: {
          id,
          eventId: event.id,
          personId: person.id,
          category,
          status,
          codeSecret,
          source: channel.source,
          ...(channel.tags ?? NO_TAGS),
          sourceDetail: cleanTag(channel.sourceDetail),
          invitationId: channel.invitationId ?? null,
          manageTokenHash: sha256(manageToken({ id, codeSecret })),
        },
      });
      if (channel.invitationId) // the invitation's first registration is the one it brought
        await tx.audienceInvitation.updateMany({ where: { id: channel.invitationId, registrationId: null }, data: { registrationId: id } });
      if (category === "media" && input.media) {
        await tx.mediaAccreditation.create({
          data: {
            registrationId: id,
            outlet: input.media.outlet.trim(),
            role: blank(input.media.role),
            proofUrl: blank(input.media.proofUrl) ? normalizeWebsite(input.media.proofUrl!) : null,
            proofFile: stored?.file ?? null,
            proofFileName: stored?.name ?? null,
          },
        });
      }
      if (organizationId) await enqueueCrmSync("organization", organizationId, tx);
      await enqueueCrmSync("person", person.id, tx);
      await enqueueCrmSync("registration", id, tx);
      if (status === "confirmed")
        await enqueueMail(
          { kind: "invitation", registrationId: id, manageUrl: manageUrl({ id, eventId: event.id, codeSecret }) },
          tx,
        );
      await audit(
        channel.actor,
        { action: "registration.create", entityType: "Registration", entityId: id, eventId: event.id, after: { category, status, source: channel.source, email }, ip: channel.ip },
        tx,
      );
      return { id, status, duplicate: false, codeSecret };
    });
  } catch (err) {
    if (stored) await unlink(path.resolve(env().DATA_DIR, stored.file)).catch(() => {});
    throw err;
  }
  if (stored && outcome.duplicate) await unlink(path.resolve(env().DATA_DIR, stored.file)).catch(() => {});

  let invitationResent = false;
  if (outcome.duplicate && outcome.status === "confirmed") {
    const minutes = env().INVITE_RESEND_MINUTES;
    const allowed = minutes === 0 || (await hitRateLimit(`resend:${outcome.id}`, 1, minutes * 60)).allowed;
    if (allowed) {
      await enqueueMail({
        kind: "invitation",
        registrationId: outcome.id,
        manageUrl: manageUrl({ id: outcome.id, eventId: event.id, codeSecret: outcome.codeSecret }),
      });
      invitationResent = true;
    }
  }
  // A new registration's entry was written with it; a repeated one changes nothing but is noted.
  if (outcome.duplicate)
    await audit(channel.actor, { action: "registration.duplicate", entityType: "Registration", entityId: outcome.id, eventId: event.id, after: { invitationResent }, ip: channel.ip });
  return { discarded: false, id: outcome.id, status: outcome.status, duplicate: outcome.duplicate, invitationResent, email };
}

/** Reuse the company when the INN is known (one company, one CRM record), else create it. */
export async function findOrCreateOrganization(tx: Tx, company: NonNullable<RegistrationInput["company"]>): Promise<string> {
  const inn = blank(company.inn);
  if (inn) {
    const found = await tx.organization.findFirst({ where: { inn }, orderBy: { createdAt: "asc" } });
    if (found) return found.id;
  }
  const org = await tx.organization.create({
    data: {
      name: company.name.trim(),
      inn,
      city: blank(company.city),
      country: blank(company.country),
      website: blank(company.website) ? normalizeWebsite(company.website!) : null,
    },
  });
  return org.id;
}

// --- reading ----------------------------------------------------------------------------------

export const detailInclude = { person: { include: { organization: true } }, media: true, smsReminder: true } as const;
type Detail = Prisma.RegistrationGetPayload<{ include: typeof detailInclude }>;

export function serializeRegistration(r: Detail) {
  const o = r.person.organization;
  return {
    id: r.id,
    eventId: r.eventId,
    category: r.category,
    status: r.status,
    source: r.source,
    origin: originOf(r),
    locale: r.person.locale,
    person: {
      id: r.person.id,
      lastName: r.person.lastName,
      firstName: r.person.firstName,
      middleName: r.person.middleName,
      email: r.person.email,
      phone: r.person.phone,
      position: r.person.position,
    },
    company: o ? { id: o.id, name: o.name, inn: o.inn, city: o.city, country: o.country, website: o.website } : null,
    media: r.media ? { outlet: r.media.outlet, role: r.media.role, proofUrl: r.media.proofUrl, proofFile: !!r.media.proofFile } : null,
    rejectionReason: r.rejectionReason,
    inviteSentAt: r.inviteSentAt?.toISOString() ?? null,
    inviteError: r.inviteError,
    sms: r.smsReminder
      ? {
          status: r.smsReminder.status,
          phone: r.smsReminder.phone,
          sentAt: r.smsReminder.sentAt?.toISOString() ?? null,
          error: r.smsReminder.error,
        }
      : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function loadForManager(actor: Actor | null, id: string): Promise<Detail> {
  requireManager(actor);
  const reg = UUID_RE.test(id) ? await prisma().registration.findUnique({ where: { id }, include: detailInclude }) : null;
  if (!reg || !canSeeEvent(actor, reg.eventId)) throw notFound("Registration");
  return reg;
}

export async function getRegistration(actor: Actor | null, id: string) {
  return serializeRegistration(await loadForManager(actor, id));
}

export async function mediaQueue(eventId: string) {
  const rows = await prisma().registration.findMany({
    where: { eventId, category: "media" },
    include: detailInclude,
    orderBy: [{ createdAt: "asc" }],
    take: 500,
  });
  return rows.map(serializeRegistration);
}

// --- media approval ---------------------------------------------------------------------------

async function decide(actor: Actor | null, id: string, to: "confirmed" | "rejected", reason: string | null, ip?: string) {
  const reg = await loadForManager(actor, id);
  const updated = await prisma().$transaction(async (tx) => {
    // Only a pending application can be decided; two managers clicking at once decide once.
    const claimed = await tx.registration.updateMany({
      where: { id: reg.id, status: "pending_approval" },
      data: to === "confirmed" ? { status: "confirmed", rejectionReason: null } : { status: "rejected", rejectionReason: reason },
    });
    if (claimed.count === 0)
      throw new HttpError(
        409,
        "invalid_state",
        `Only a registration pending approval can be ${to === "confirmed" ? "approved" : "rejected"}; this one is ${reg.status}.`,
      );
    if (to === "confirmed" && !reg.manageTokenHash) {
      // Registrations created elsewhere get their self-service link on approval.
      await tx.registration.update({ where: { id: reg.id }, data: { manageTokenHash: sha256(manageToken(reg)) } });
    }
    await enqueueCrmSync("registration", reg.id, tx);
    if (to === "confirmed") await enqueueMail({ kind: "invitation", registrationId: reg.id, manageUrl: manageUrl(reg) }, tx);
    else await enqueueMail({ kind: "rejection", registrationId: reg.id }, tx);
    await audit(
      actor,
      { action: to === "confirmed" ? "registration.approve" : "registration.reject", entityType: "Registration", entityId: reg.id, eventId: reg.eventId, before: { status: reg.status }, after: { status: to, ...(reason ? { reason } : {}) }, ip },
      tx,
    );
    return tx.registration.findUniqueOrThrow({ where: { id: reg.id }, include: detailInclude });
  });
  return serializeRegistration(updated);
}

export const approveRegistration = (actor: Actor | null, id: string, ip?: string) => decide(actor, id, "confirmed", null, ip);

export function rejectRegistration(actor: Actor | null, id: string, reason: string, ip?: string) {
  const text = reason.trim();
  if (!text) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { reason: "Required" });
  return decide(actor, id, "rejected", text.slice(0, 1000), ip);
}

// --- attendee self-service --------------------------------------------------------------------

const selfInclude = { person: true, event: true, media: true } as const;

export async function registrationByToken(eventId: string, token: string) {
  if (!/^[A-Za-z0-9_-]{32}$/.test(token) || !UUID_RE.test(eventId)) return null;
  const reg = await prisma().registration.findUnique({ where: { manageTokenHash: sha256(token) }, include: selfInclude });
  if (!reg || reg.eventId !== eventId || manageToken(reg) !== token) return null;
  return reg;
}

export async function updatePhoneByToken(eventId: string, token: string, phoneInput: string, ip?: string) {
  const reg = await registrationByToken(eventId, token);
  if (!reg) throw notFound("Registration");
  if (reg.status !== "confirmed" && reg.status !== "pending_approval")
    throw new HttpError(409, "invalid_state", "This registration cannot be changed.");
  const text = phoneInput.trim();
  const parsed = text ? normalizePhones(text) : { phones: [], invalid: [] };
  if (text && (parsed.phones.length !== 1 || parsed.invalid.length > 0))
    throw new HttpError(422, "validation_failed", "Some fields are invalid.", { phone: "Invalid phone" });
  const phone = parsed.phones[0] ?? null;
  await prisma().$transaction(async (tx) => {
    // This registration's own contact row only (Registration.personId is unique).
    await tx.person.update({ where: { id: reg.personId }, data: { phone } });
    await enqueueCrmSync("person", reg.personId, tx);
    await audit(null, { action: "registration.self.phone", entityType: "Registration", entityId: reg.id, eventId: reg.eventId, before: { phone: reg.person.phone }, after: { phone }, ip }, tx);
  });
  return phone;
}

export async function cancelByToken(eventId: string, token: string, ip?: string) {
  const reg = await registrationByToken(eventId, token);
  if (!reg) throw notFound("Registration");
  await prisma().$transaction(async (tx) => {
    const done = await tx.registration.updateMany({
      where: { id: reg.id, status: { in: ["confirmed", "pending_approval"] } },
      data: { status: "cancelled" },
    });
    if (done.count === 0) throw new HttpError(409, "invalid_state", "This registration cannot be cancelled.");
    await enqueueCrmSync("registration", reg.id, tx);
    await audit(null, { action: "registration.self.cancel", entityType: "Registration", entityId: reg.id, eventId: reg.eventId, before: { status: reg.status }, after: { status: "cancelled" }, ip }, tx);
  });
}
