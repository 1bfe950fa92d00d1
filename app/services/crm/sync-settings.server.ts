// CRM sync configuration: the webhook (env), the mapping (CrmSettings row, edited on
// /manage/crm), the pause switch, and the per-process client, batcher and stage cache.
import { createHash } from "node:crypto";
import type { CrmSettings } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { singleton } from "~/utils/singleton.server";
import { AutoBatcher, DuplicateFinder } from "./auto-batch.server";
import { createBitrix24Client, type Bitrix24Client } from "./bitrix24-client.server";
import { SyncEngine } from "./sync-engine.server";
import { stageEntityId, stageRowsFrom, type StageRow, type SyncMapping } from "./sync-mapping.server";

export function crmWebhookUrl(): string | null {
  return env().BITRIX24_WEBHOOK_URL ?? null;
}

/** Fingerprint of the webhook URL (never the URL itself: it holds the secret). */
export function webhookFingerprint(url: string | null = crmWebhookUrl()): string | null {
  return url ? createHash("sha256").update(url.trim()).digest("hex").slice(0, 16) : null;
}

/**
 * One client per process (the worker and the pages share it through singleton()), so the
 * client-side leaky bucket really is the whole process's budget. Retries ride out a portal
 * outage of about a minute and a half before the job itself is retried later.
 */
export function crmClient(): Bitrix24Client {
  const url = crmWebhookUrl();
  if (!url) throw new Error("BITRIX24_WEBHOOK_URL is not set");
  return singleton("crm:client", () =>
    createBitrix24Client({
      webhookUrl: url,
      rateLimitPerSecond: env().BITRIX24_RATE_LIMIT,
      burst: env().BITRIX24_RATE_BURST,
      maxRetries: 10,
      retryBaseMs: 500,
      retryMaxMs: 15_000,
      timeoutMs: 60_000,
      logger: logger(),
    }),
  );
}

/** The client if this process has made one (its counters are per process). */
export function existingCrmClient(): Bitrix24Client | null {
  const g = globalThis as unknown as { __expodesk?: Map<string, unknown> };
  return (g.__expodesk?.get("crm:client") as Bitrix24Client | undefined) ?? null;
}

export function crmEngine(): SyncEngine {
  return singleton("crm:engine", () => {
    // Four in flight: under load a portal (or the emulator) may take longer to answer a full
    // batch than the rate limit's spacing, and the bucket, not the answers, should set the pace.
    const batcher = new AutoBatcher(crmClient(), { maxInFlight: 4 });
    return new SyncEngine(batcher, new DuplicateFinder(batcher));
  });
}

export async function loadSettings(): Promise<CrmSettings> {
  return (
    (await prisma().crmSettings.findUnique({ where: { id: 1 } })) ??
    (await prisma().crmSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} }))
  );
}

export function mappingOf(s: CrmSettings): SyncMapping {
  return {
    innField: s.innField,
    attendanceCategoryId: s.attendanceCategoryId ?? 0,
    attendanceStages: {
      pending: s.stagePending ?? undefined,
      confirmed: s.stageConfirmed ?? undefined,
      visited: s.stageVisited ?? undefined,
      lost: s.stageLost ?? undefined,
    },
    attendanceResponsibleId: s.attendanceResponsibleId,
    servicesCategoryId: s.servicesCategoryId ?? 0,
    servicesStage: s.servicesStage,
    servicesResponsibleId: s.servicesResponsibleId,
  };
}

/** Stages of a deal pipeline, cached for a minute per process. */
export async function pipelineStages(categoryId: number): Promise<StageRow[]> {
  const cache = singleton("crm:stages", () => new Map<number, { at: number; rows: Promise<StageRow[]> }>());
  const hit = cache.get(categoryId);
  if (hit && Date.now() - hit.at < 60_000) return hit.rows;
  const rows = crmEngine()
    .b.call("crm.status.list", { filter: { ENTITY_ID: stageEntityId(categoryId) }, order: { SORT: "ASC" } })
    .then(stageRowsFrom);
  cache.set(categoryId, { at: Date.now(), rows });
  rows.catch(() => cache.delete(categoryId));
  return rows;
}

export function forgetStageCache(): void {
  singleton("crm:stages", () => new Map<number, unknown>()).clear();
}

/** Auth or configuration refused by the portal: stop sending until a manager resumes. */
export async function pauseSync(reason: string): Promise<void> {
  await prisma().crmSettings.upsert({
    where: { id: 1 },
    create: { id: 1, pausedAt: new Date(), pausedReason: reason, pausedWebhook: webhookFingerprint() },
    update: { pausedAt: new Date(), pausedReason: reason, pausedWebhook: webhookFingerprint() },
  });
  logger().error({ reason }, "CRM sync paused");
}

export async function clearPause(): Promise<void> {
  await prisma().crmSettings.upsert({
    where: { id: 1 },
    create: { id: 1 },
    update: { pausedAt: null, pausedReason: null, pausedWebhook: null },
  });
}
