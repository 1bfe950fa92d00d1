// Events from the portal (POST /api/bitrix24/events): only the record id comes, so the
// `crm-inbound` job fetches the record and pulls the fields back.
//
// - ONCRMCOMPANYUPDATE: the company card (title, phones, e-mails, site, address, INN) -> Organization.
// - ONCRMDEALUPDATE: a registration's deal moved to a lost stage -> the registration is cancelled.
// - ONCRMDEALADD / ONCRMDEALUPDATE: a deal of one of our contacts or companies is stored in
//   CrmDeal for the funnel and ROI (analytics/crm-deals.server.ts).
//
// No loops: our own pushes come back as events too. A pull changes nothing when the CRM holds
// what we sent (same values / the stage we set), is skipped while a local change of the record is
// still queued or being pushed (local wins and is pushed next), and records the pulled data as
// already in the CRM, so no push follows it.
import { createHash, timingSafeEqual } from "node:crypto";
import { refreshDeal } from "~/services/analytics/crm-deals.server";
import { audit } from "~/utils/audit.server";
import { prisma, pool } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { enqueue } from "~/utils/jobs.server";
import { logger } from "~/utils/logger.server";
import { normalizeEmail, normalizePhones, normalizeWebsite } from "~/utils/validators";
import { Bitrix24Error, normalizeMultiValue, type MultiFieldKind } from "./bitrix24-client.server";
import { crmJobKey } from "../outbox.server";
import { companyPayload, dataHash, isLostStage, type RecordRef } from "./sync-mapping.server";
import { crmEngine, crmWebhookUrl, loadSettings, mappingOf, pauseSync, pipelineStages } from "./sync-settings.server";

export const INBOUND_EVENTS = ["ONCRMCOMPANYUPDATE", "ONCRMDEALUPDATE", "ONCRMDEALADD"] as const;
export type InboundEvent = (typeof INBOUND_EVENTS)[number];

// ---- the HTTP side ----------------------------------------------------------------------------

/** PHP-style form body (`auth[application_token]=…&data[FIELDS][ID]=5`) or JSON, as nested objects. */
export function parseEventBody(contentType: string, text: string): Record<string, unknown> {
  if (contentType.includes("application/json")) {
    const v: unknown = JSON.parse(text || "{}");
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  }
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!m) continue;
    const path = [m[1], ...[...m[2].matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1])];
    if (path.some((k) => k === "__proto__" || k === "constructor" || k === "prototype")) continue;
    let node = out;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i] || String(Object.keys(node).length);
      const next = node[k];
      if (!next || typeof next !== "object") node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[path[path.length - 1] || String(Object.keys(node).length)] = value;
  }
  return out;
}

/** Constant-time comparison with BITRIX24_APPLICATION_TOKEN; false when it is not configured. */
export function applicationTokenValid(given: unknown): boolean {
  const expected = env().BITRIX24_APPLICATION_TOKEN;
  if (!expected || typeof given !== "string" || !given) return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export class ForbiddenEvent extends Error {}

/** Checks one delivery and queues its pull. Throws ForbiddenEvent for a wrong token. */
export async function acceptEvent(body: Record<string, unknown>): Promise<{ event: string; id: number | null }> {
  const auth = (body.auth ?? {}) as Record<string, unknown>;
  if (!applicationTokenValid(auth.application_token)) throw new ForbiddenEvent("Unknown application token");
  const event = String(body.event ?? "").toUpperCase();
  const fields = ((body.data ?? {}) as { FIELDS?: { ID?: unknown } }).FIELDS ?? {};
  const id = Number(fields.ID);
  if (!(INBOUND_EVENTS as readonly string[]).includes(event) || !Number.isInteger(id) || id <= 0) return { event, id: null };
  const key = `crm-in:${event}:${id}`;
  await enqueue("crm-inbound", { event, id }, { queue: key, jobKey: key, maxAttempts: 10 });
  return { event, id };
}

// ---- the job -----------------------------------------------------------------------------------

/** A local change of the record is queued or being pushed: it wins, the pull waits for it. */
async function outboundBusy(ref: RecordRef): Promise<boolean> {
  const r = await pool().query(
    `SELECT (SELECT count(*) FROM graphile_worker.jobs WHERE key = $1 AND attempts < max_attempts)
          + (SELECT count(*) FROM "CrmSyncState" WHERE "entityType" = $2::"CrmEntity" AND "localId" = $3::uuid AND "leaseUntil" > now()) AS n`,
    [crmJobKey(ref.entity, ref.id), ref.entity, ref.id],
  );
  return Number(r.rows[0].n) > 0;
}

export async function handleInbound(payload: unknown): Promise<void> {
  const { event, id } = (payload ?? {}) as { event?: string; id?: number };
  if (!crmWebhookUrl() || typeof id !== "number" || !Number.isInteger(id)) return;
  const settings = await loadSettings();
  if (settings.pausedAt) return; // a later event or a resync brings the record back
  try {
    if (event === "ONCRMCOMPANYUPDATE") await pullCompany(id);
    else if (event === "ONCRMDEALUPDATE") {
      await pullDeal(id);
      await refreshDeal(id);
    } else if (event === "ONCRMDEALADD") await refreshDeal(id);
  } catch (e) {
    if (e instanceof Bitrix24Error && (e.kind === "auth" || e.kind === "config")) {
      await pauseSync(`${e.code}${e.description ? `: ${e.description}` : ""}`);
      return;
    }
    if (e instanceof Bitrix24Error && e.kind === "validation") return; // deleted meanwhile
    throw e;
  }
}

const multiValues = (raw: unknown): string[] =>
  (Array.isArray(raw) ? (raw as { VALUE?: unknown }[]) : []).map((x) => String(x?.VALUE ?? "").trim()).filter(Boolean);

const sameList = (kind: MultiFieldKind, a: string[], b: string[]) =>
  a.length === b.length && a.every((v, i) => normalizeMultiValue(kind, v) === normalizeMultiValue(kind, b[i]));

export async function pullCompany(crmId: number): Promise<string[]> {
  const org = await prisma().organization.findFirst({ where: { crmCompanyId: crmId } });
  if (!org) return [];
  const ref: RecordRef = { entity: "organization", id: org.id };
  if (await outboundBusy(ref)) return [];
  const mapping = mappingOf(await loadSettings());
  const c = await crmEngine().b.call<Record<string, unknown>>("crm.company.get", { id: crmId });
  const str = (k: string) => {
    const v = String(c[k] ?? "").trim();
    return v ? v : null;
  };
  const phones = multiValues(c.PHONE).map((p) => normalizePhones(p).phones[0] ?? p);
  const emails = multiValues(c.EMAIL).map((e) => normalizeEmail(e) ?? e.toLowerCase());
  const web = multiValues(c.WEB)[0];
  const pulled: Record<string, unknown> = {
    name: str("TITLE") ?? org.name,
    address: str("ADDRESS"),
    city: str("ADDRESS_CITY"),
    country: str("ADDRESS_COUNTRY"),
    website: web ? (normalizeWebsite(web) ?? web) : null,
    phones: sameList("PHONE", phones, org.phones) ? org.phones : phones,
    emails: sameList("EMAIL", emails, org.emails) ? org.emails : emails,
  };
  if (mapping.innField) pulled.inn = str(mapping.innField);
  const local = org as unknown as Record<string, unknown>;
  const changed = Object.entries(pulled).filter(([k, v]) => {
    if (k === "website") return normalizeMultiValue("WEB", String(local[k] ?? "")) !== normalizeMultiValue("WEB", String(v ?? ""));
    return JSON.stringify(local[k] ?? null) !== JSON.stringify(v ?? null);
  });
  if (!changed.length) return []; // our own update echoed back, or nothing we map changed
  const data = Object.fromEntries(changed);
  await prisma().$transaction(async (tx) => {
    const updated = await tx.organization.update({ where: { id: org.id }, data });
    // What the CRM holds now is exactly what we would push: recorded, so no push follows.
    await tx.crmSyncState.updateMany({
      where: { entityType: "organization", localId: org.id },
      data: { dataHash: dataHash(companyPayload(updated, mapping)), status: "synced", syncedAt: new Date() },
    });
    await audit(null, { action: "crm.company.pull", entityType: "Organization", entityId: org.id, before: Object.fromEntries(changed.map(([k]) => [k, local[k]])), after: data }, tx);
  });
  logger().info({ organization: org.id, fields: changed.map(([k]) => k) }, "CRM: company card pulled");
  return changed.map(([k]) => k);
}

export async function pullDeal(crmId: number): Promise<boolean> {
  const reg = await prisma().registration.findFirst({ where: { crmDealId: crmId } });
  if (!reg) return false;
  const ref: RecordRef = { entity: "registration", id: reg.id };
  if (await outboundBusy(ref)) return false;
  const state = await prisma().crmSyncState.findUnique({ where: { entityType_localId: { entityType: "registration", localId: reg.id } } });
  const deal = await crmEngine().b.call<Record<string, unknown>>("crm.deal.get", { id: crmId });
  const stageId = String(deal.STAGE_ID ?? "");
  if (!stageId || stageId === state?.crmStageId) return false; // the stage we set ourselves
  if (reg.status === "cancelled" || reg.status === "rejected") return false;
  const categoryId = Number(deal.CATEGORY_ID ?? 0) || 0;
  const mapping = mappingOf(await loadSettings());
  const stages = await pipelineStages(categoryId);
  if (!isLostStage(stages, stageId, categoryId === mapping.attendanceCategoryId ? mapping.attendanceStages.lost : null)) return false;
  await prisma().$transaction(async (tx) => {
    await tx.registration.update({ where: { id: reg.id }, data: { status: "cancelled" } });
    // The deal already is where a cancelled registration goes: the stage is remembered as ours.
    await tx.crmSyncState.updateMany({ where: { entityType: "registration", localId: reg.id }, data: { crmStageId: stageId } });
    await audit(
      null,
      { action: "crm.deal.lost", entityType: "Registration", entityId: reg.id, eventId: reg.eventId, exhibitorId: reg.exhibitorId, before: { status: reg.status }, after: { status: "cancelled", crmDealId: crmId, stageId } },
      tx,
    );
  });
  logger().info({ registration: reg.id, deal: crmId, stageId }, "CRM: deal lost in the CRM, registration cancelled");
  return true;
}
