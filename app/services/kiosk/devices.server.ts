import { randomInt } from "node:crypto";
import { sha256 } from "~/utils/auth.server";
import { createApiToken } from "~/utils/api-tokens.server";
import { audit } from "~/utils/audit.server";
import { prisma } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { canSeeEvent, requireManager, type Actor } from "~/utils/permissions.server";
import { CATEGORIES } from "../../../printing/template";
import { hitRateLimit } from "../registrations/registrations.server";

// Kiosks of an event for managers (issue #6): create, edit, see which devices are alive, pair a
// device with a one-time code, revoke its token. The device exchanges the code for its own
// revocable kiosk token (POST /api/v1/kiosk/pair).

export type Category = (typeof CATEGORIES)[number];
/** No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read aloud or off a screen is typed right the first time. */
export const PAIR_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679";
export const PAIR_CODE_LENGTH = 8;
export const PAIR_TTL_MS = 10 * 60_000;
/** A device polls every 3 s; one not heard from for a minute is shown offline. */
export const ONLINE_MS = 60_000;
const PAIR_LIMIT = { hits: 10, windowSeconds: 600 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface KioskRow {
  id: string;
  name: string;
  location: string | null;
  printerId: string | null;
  printerName: string | null;
  categories: Category[];
  mode: "entry" | "exit";
  lastSeenAt: string | null;
  online: boolean;
  devices: number;
}

export async function listKiosks(actor: Actor, eventId: string, now = new Date()): Promise<KioskRow[]> {
  requireManager(actor);
  if (!canSeeEvent(actor, eventId)) throw notFound("Event");
  const kiosks = await prisma().kiosk.findMany({
    where: { eventId },
    orderBy: { createdAt: "asc" },
    include: { defaultPrinter: true, apiTokens: { where: { revokedAt: null }, select: { lastUsedAt: true } } },
  });
  return kiosks.map((k) => {
    const seen = k.apiTokens.reduce<number>((m, t) => Math.max(m, t.lastUsedAt?.getTime() ?? 0), 0);
    return {
      id: k.id,
      name: k.name,
      location: k.location,
      printerId: k.defaultPrinterId,
      printerName: k.defaultPrinter?.name ?? null,
      categories: k.categories,
      mode: k.mode === "exit" ? "exit" : "entry",
      lastSeenAt: seen ? new Date(seen).toISOString() : null,
      online: seen > 0 && now.getTime() - seen < ONLINE_MS,
      devices: k.apiTokens.length,
    };
  });
}

/** Printers a kiosk of this event may use: the event's own and shared ones. */
export async function eventPrinters(eventId: string) {
  return prisma().printer.findMany({
    where: { OR: [{ eventId }, { eventId: null }] },
    orderBy: { name: "asc" },
    select: { id: true, name: true, driver: true },
  });
}

export interface KioskInput {
  name: string;
  location: string | null;
  printerId: string | null;
  categories: string[];
  mode?: string | null;
}

async function kioskOfEvent(eventId: string, kioskId: string) {
  const k = UUID.test(kioskId) ? await prisma().kiosk.findUnique({ where: { id: kioskId } }) : null;
  if (!k || k.eventId !== eventId) throw notFound("Kiosk");
  return k;
}

async function validate(eventId: string, input: KioskInput) {
  const fields: Record<string, string> = {};
  const name = input.name.trim();
  if (!name) fields.name = "Required";
  else if (name.length > 100) fields.name = "Too long";
  if ((input.location ?? "").length > 200) fields.location = "Too long";
  const categories = [...new Set(input.categories)];
  if (categories.some((c) => !(CATEGORIES as readonly string[]).includes(c))) fields.categories = "Unknown category";
  const mode = input.mode || "entry";
  if (mode !== "entry" && mode !== "exit") fields.mode = "Unknown mode";
  if (input.printerId) {
    const p = UUID.test(input.printerId) ? await prisma().printer.findUnique({ where: { id: input.printerId } }) : null;
    if (!p || (p.eventId !== null && p.eventId !== eventId)) fields.printerId = "No such printer for this event";
  }
  if (Object.keys(fields).length) throw new HttpError(422, "validation_failed", "Some fields are invalid.", fields);
  return { name, location: input.location?.trim() || null, defaultPrinterId: input.printerId || null, categories: categories as Category[], mode };
}

export async function saveKiosk(actor: Actor, eventId: string, kioskId: string | null, input: KioskInput, ip?: string) {
  requireManager(actor);
  if (!canSeeEvent(actor, eventId)) throw notFound("Event");
  const data = await validate(eventId, input);
  if (kioskId) {
    const before = await kioskOfEvent(eventId, kioskId);
    return prisma().$transaction(async (tx) => {
      const k = await tx.kiosk.update({ where: { id: before.id }, data });
      await audit(actor, { action: "kiosk.update", entityType: "Kiosk", entityId: k.id, eventId, before, after: data, ip }, tx);
      return k;
    });
  }
  return prisma().$transaction(async (tx) => {
    const k = await tx.kiosk.create({ data: { eventId, ...data } });
    await audit(actor, { action: "kiosk.create", entityType: "Kiosk", entityId: k.id, eventId, after: data, ip }, tx);
    return k;
  });
}

/** Exit counting for the event (off by default): kiosks in exit mode then record check-outs. */
export async function setCountsExits(actor: Actor, eventId: string, on: boolean, ip?: string) {
  requireManager(actor);
  if (!canSeeEvent(actor, eventId)) throw notFound("Event");
  await prisma().$transaction(async (tx) => {
    await tx.event.update({ where: { id: eventId }, data: { countsExits: on } });
    await audit(actor, { action: "event.countsExits", entityType: "Event", entityId: eventId, eventId, after: { countsExits: on }, ip }, tx);
  });
}

/** Revokes every device token of the kiosk: the devices go back to their pairing screen. */
export async function revokeKioskDevices(actor: Actor, eventId: string, kioskId: string, ip?: string): Promise<number> {
  requireManager(actor);
  if (!canSeeEvent(actor, eventId)) throw notFound("Event");
  const k = await kioskOfEvent(eventId, kioskId);
  return prisma().$transaction(async (tx) => {
    const r = await tx.apiToken.updateMany({ where: { kioskId: k.id, revokedAt: null }, data: { revokedAt: new Date() } });
    await tx.kioskPairingCode.deleteMany({ where: { kioskId: k.id, usedAt: null } });
    await audit(actor, { action: "kiosk.revoke", entityType: "Kiosk", entityId: k.id, eventId, after: { revoked: r.count }, ip }, tx);
    return r.count;
  });
}

export function normalizePairCode(raw: string): string {
  return raw.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

/** A new one-time code (the kiosk's earlier unused codes stop working). Shown once; only its hash is kept. */
export async function createPairingCode(actor: Actor, eventId: string, kioskId: string, now = new Date()) {
  requireManager(actor);
  if (!canSeeEvent(actor, eventId)) throw notFound("Event");
  const k = await kioskOfEvent(eventId, kioskId);
  let code = "";
  for (let i = 0; i < PAIR_CODE_LENGTH; i++) code += PAIR_ALPHABET[randomInt(PAIR_ALPHABET.length)];
  const expiresAt = new Date(now.getTime() + PAIR_TTL_MS);
  await prisma().$transaction([
    prisma().kioskPairingCode.deleteMany({ where: { kioskId: k.id, usedAt: null } }),
    prisma().kioskPairingCode.create({
      data: { kioskId: k.id, codeHash: sha256(code), expiresAt, createdById: actor.type === "user" ? actor.id : null },
    }),
  ]);
  return { code, expiresAt: expiresAt.toISOString(), kioskName: k.name };
}

const pairError = (code: "pairing_code_invalid" | "pairing_code_expired" | "pairing_code_used", message: string) =>
  new HttpError(422, code, message, { code: message });

/** Exchanges a one-time code for a new kiosk token (rate-limited per address). */
export async function pairDevice(rawCode: string, ip: string | undefined) {
  const hit = await hitRateLimit(`kiosk-pair:${ip ?? "unknown"}`, PAIR_LIMIT.hits, PAIR_LIMIT.windowSeconds);
  if (!hit.allowed) throw new HttpError(429, "rate_limited", "Too many pairing attempts from this address; try again later.");
  const hash = sha256(normalizePairCode(rawCode));
  // One UPDATE claims the code: two devices typing it at once cannot both get a token.
  // The claim, the token and the audit entry commit together.
  const { row, token } = await prisma().$transaction(async (tx) => {
    const claimed = await tx.kioskPairingCode.updateMany({
      where: { codeHash: hash, usedAt: null, expiresAt: { gt: new Date() } },
      data: { usedAt: new Date() },
    });
    if (claimed.count !== 1) {
      const row = await tx.kioskPairingCode.findUnique({ where: { codeHash: hash } });
      if (!row) throw pairError("pairing_code_invalid", "Unknown pairing code");
      if (row.usedAt) throw pairError("pairing_code_used", "This pairing code was used already");
      throw pairError("pairing_code_expired", "This pairing code has expired");
    }
    const row = await tx.kioskPairingCode.findUniqueOrThrow({ where: { codeHash: hash }, include: { kiosk: { include: { event: true } } } });
    const { id, token } = await createApiToken(
      { role: "kiosk", name: `kiosk ${row.kiosk.name} (paired)`, eventId: row.kiosk.eventId, kioskId: row.kioskId, createdById: row.createdById },
      tx,
    );
    await audit(null, { action: "kiosk.pair", entityType: "Kiosk", entityId: row.kioskId, eventId: row.kiosk.eventId, after: { tokenId: id }, ip }, tx);
    return { row, token };
  });
  return { token, kiosk: { id: row.kiosk.id, name: row.kiosk.name }, event: { id: row.kiosk.event.id, name: row.kiosk.event.name } };
}
