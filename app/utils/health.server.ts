import { pool } from "./db.server";
import { appVersion } from "./env.server";
import { queueStatus } from "./jobs.server";
import { crmHealth } from "~/services/crm/crm-admin.server";

export async function healthStatus() {
  const started = performance.now();
  let database: { ok: boolean; latencyMs?: number } = { ok: false };
  try {
    await pool().query("SELECT 1");
    database = { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch {
    database = { ok: false };
  }
  let queue: { ok: boolean; pending?: number; failed?: number } = { ok: false };
  if (database.ok) {
    try {
      queue = { ok: true, ...(await queueStatus()) };
    } catch {
      queue = { ok: false };
    }
  }
  const crm = database.ok ? await crmHealth().catch(() => null) : null;
  return { status: database.ok && queue.ok ? ("ok" as const) : ("degraded" as const), database, queue, crm, version: appVersion() };
}
