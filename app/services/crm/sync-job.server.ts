// The `crm-sync` job: pushes organizations, people, registrations, exhibitors and stand-booking
// requests to Bitrix24.
//
// Jobs are added by the services in the same transaction as the change (transactional outbox),
// one per record: `{entity, id}`, queue and job key `crm:<entity>:<id>` (so pending changes of one
// record coalesce into one job and run one after another).
//
// Throughput: one record costs a couple of REST commands and the portal allows ~2 requests/s,
// but a `batch` request carries 50 commands. So a job does not sync only its own record: it
// "sweeps" up to SWEEP_SIZE other due crm-sync jobs (sync-sweep.server.ts: moving them out of
// the way with graphile_worker.reschedule_jobs), syncs all those records concurrently (their
// REST calls share batch requests through the AutoBatcher) and then completes the swept jobs
// whose record is done, unless the job was replaced meanwhile by a newer change (revision check).
// The per-entity pushes are in sync-cards.server.ts and sync-deals.server.ts.
//
// Without BITRIX24_WEBHOOK_URL, or while the sync is paused after an auth error, a job marks its
// record and re-adds itself WAIT_RECHECK_MS later with a fresh attempt count, so jobs wait
// indefinitely instead of exhausting their retries; at start (URL set) and on "resume" the
// waiting jobs are moved to now.
import type { CrmSettings } from "~/generated/prisma/client";
import { pool } from "~/utils/db.server";
import { registerTask } from "~/utils/jobs.server";
import { logger } from "~/utils/logger.server";
import { handleInbound } from "./inbound.server";
import { parseRef, refKey, type RecordRef } from "./sync-mapping.server";
import { rescheduleJobs, takeDueJobs } from "./sync-queue.server";
import { crmJobKey } from "../outbox.server";
import { clearPause, crmEngine, crmWebhookUrl, loadSettings, webhookFingerprint } from "./sync-settings.server";
import { markWaiting } from "./sync-state.server";
import { requeue, Sweep, SWEEP_SIZE, WAIT_RECHECK_MS } from "./sync-sweep.server";

export function registerCrmTasks(): void {
  registerTask("crm-sync", async (payload) => {
    await handleSync(payload);
  });
  registerTask("crm-inbound", async (payload) => {
    await handleInbound(payload);
  });
  // The queue may hold jobs that waited for configuration or a resume: wake them once the
  // database is up. Harmless when several processes do it.
  setTimeout(
    () => void kickWaitingJobs().catch((err: unknown) => logger().warn({ err }, "CRM sync: waking waiting jobs failed")),
    500,
  ).unref();
}

/** Moves jobs that wait (for a URL, a resume, or a crashed sweep) to now; lifts a pause made under another webhook URL. */
export async function kickWaitingJobs(): Promise<number> {
  if (!crmWebhookUrl()) return 0;
  const s = await loadSettings();
  if (s.pausedAt && !(await liftStalePause(s))) return 0;
  const r = await pool().query(
    `SELECT count(*)::int AS n FROM graphile_worker.reschedule_jobs(ARRAY(
       SELECT id FROM graphile_worker.jobs
       WHERE task_identifier IN ('crm-sync', 'crm-inbound') AND locked_at IS NULL AND attempts = 0 AND run_at > now()), run_at => now())`,
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** A pause made under another webhook URL ends once the URL has changed (a restart with the fix). */
async function liftStalePause(s: CrmSettings): Promise<boolean> {
  if (!s.pausedWebhook || s.pausedWebhook === webhookFingerprint()) return false;
  await clearPause();
  s.pausedAt = null;
  return true;
}

export async function handleSync(payload: unknown): Promise<void> {
  const ref = parseRef(payload);
  if (!ref) {
    logger().warn({ payload }, "crm-sync: payload is not {entity, id}; dropped");
    return;
  }
  if (!crmWebhookUrl()) return park(ref, "waiting_config");
  const settings = await loadSettings();
  if (settings.pausedAt && !(await liftStalePause(settings))) return park(ref, "pending");
  await new Sweep(settings, crmEngine()).run(ref);
}

/**
 * Nothing can be sent (no URL, or paused): this job's record and up to SWEEP_SIZE other due
 * crm-sync jobs wait WAIT_RECHECK_MS, in five statements for all of them instead of four per job
 * (at the door every check-in adds a job). A crash after the take leaves the taken jobs due
 * later, as a sweep's would: none is lost.
 */
async function park(ref: RecordRef, status: "waiting_config" | "pending"): Promise<void> {
  const others = (await takeDueJobs(SWEEP_SIZE - 1, crmJobKey(ref.entity, ref.id))).filter((t) => refKey(t.ref) !== refKey(ref));
  await markWaiting([ref, ...others.map((t) => t.ref)], status);
  await rescheduleJobs(others, WAIT_RECHECK_MS);
  await requeue(ref, WAIT_RECHECK_MS);
}
