// What /manage/crm shows and does: sync state, failures with the CRM's text, retries, resume
// after an auth error, the mapping (pipelines, stages and users read from the portal) and
// "resync this event" with its progress. Also a compact state for the health output.
import { prisma, pool } from "~/utils/db.server";
import { HttpError } from "~/utils/errors.server";
import { singleton } from "~/utils/singleton.server";
import { Bitrix24Error, redactWebhookUrl } from "./bitrix24-client.server";
import { CRM_ENTITIES, stageEntityId, stageRowsFrom, type CrmEntity, type RecordRef, type StageRow } from "./sync-mapping.server";
import { crmJobKey, enqueueCrmSyncMany } from "../outbox.server";
import { kickWaitingJobs } from "./sync-job.server";
import {
  clearPause,
  crmClient,
  crmEngine,
  crmWebhookUrl,
  existingCrmClient,
  forgetStageCache,
  loadSettings,
  pauseSync,
} from "./sync-settings.server";

export type CrmFailure = { entity: CrmEntity; id: string; label: string; error: string | null; code: string | null; at: string };

export async function crmOverview() {
  const configured = !!crmWebhookUrl();
  const settings = await loadSettings();
  const [queue, counts, failures, lastError, recent] = await Promise.all([
    pool().query<{ pending: number; running: number; waiting: number; dead: number; inbound: number }>(
      `SELECT count(*) FILTER (WHERE task_identifier = 'crm-sync' AND attempts < max_attempts)::int AS pending,
              count(*) FILTER (WHERE task_identifier = 'crm-sync' AND locked_at IS NOT NULL)::int AS running,
              count(*) FILTER (WHERE task_identifier = 'crm-sync' AND attempts < max_attempts AND run_at > now())::int AS waiting,
              count(*) FILTER (WHERE attempts >= max_attempts)::int AS dead,
              count(*) FILTER (WHERE task_identifier = 'crm-inbound' AND attempts < max_attempts)::int AS inbound
       FROM graphile_worker.jobs WHERE task_identifier IN ('crm-sync', 'crm-inbound')`,
    ),
    prisma().crmSyncState.groupBy({ by: ["status"], _count: { _all: true } }),
    prisma().crmSyncState.findMany({ where: { status: "failed" }, orderBy: { updatedAt: "desc" }, take: 50 }),
    prisma().crmSyncState.findFirst({ where: { lastError: { not: null } }, orderBy: { updatedAt: "desc" } }),
    prisma().crmSyncState.count({ where: { syncedAt: { gte: new Date(Date.now() - 5 * 60_000) } } }),
  ]);
  const labels = await labelsOf(failures.map((f) => ({ entity: f.entityType, id: f.localId })));
  const client = configured ? existingCrmClient() : null;
  return {
    configured,
    portal: configured ? redactWebhookUrl(crmWebhookUrl()!) : null,
    paused: settings.pausedAt ? { at: settings.pausedAt.toISOString(), reason: settings.pausedReason ?? "" } : null,
    queue: queue.rows[0] ?? { pending: 0, running: 0, waiting: 0, dead: 0, inbound: 0 },
    counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Partial<
      Record<"synced" | "pending" | "failed" | "waiting_config", number>
    >,
    syncedLast5Min: recent,
    lastError: lastError ? { error: lastError.lastError, code: lastError.lastErrorCode, at: lastError.updatedAt.toISOString() } : null,
    requests: client ? client.stats() : null,
    failures: failures.map<CrmFailure>((f) => ({
      entity: f.entityType,
      id: f.localId,
      label: labels.get(`${f.entityType}:${f.localId}`) ?? f.localId,
      error: f.lastError,
      code: f.lastErrorCode,
      at: f.updatedAt.toISOString(),
    })),
  };
}

/** CRM state for the health output: `off` (no webhook), `paused`, `ok`, plus queue numbers. */
export async function crmHealth(): Promise<{ state: "off" | "paused" | "ok"; pending: number; failed: number }> {
  const settings = await prisma().crmSettings.findUnique({ where: { id: 1 }, select: { pausedAt: true } });
  const r = await pool().query<{ pending: number }>(
    `SELECT count(*)::int AS pending FROM graphile_worker.jobs WHERE task_identifier = 'crm-sync' AND attempts < max_attempts`,
  );
  const failed = await prisma().crmSyncState.count({ where: { status: "failed" } });
  const state = !crmWebhookUrl() ? "off" : settings?.pausedAt ? "paused" : "ok";
  return { state, pending: r.rows[0]?.pending ?? 0, failed };
}

/** Sync state of some records, for per-record badges on other pages. */
export async function crmStatusOf(entity: CrmEntity, ids: string[]) {
  const rows = await prisma().crmSyncState.findMany({ where: { entityType: entity, localId: { in: ids } } });
  const queued = await pool().query<{ key: string }>(`SELECT key FROM graphile_worker.jobs WHERE key = ANY($1::text[])`, [
    ids.map((id) => crmJobKey(entity, id)),
  ]);
  const waiting = new Set(queued.rows.map((r) => r.key));
  return new Map(
    ids.map((id) => {
      const s = rows.find((r) => r.localId === id);
      const status =
        waiting.has(crmJobKey(entity, id)) && s?.status !== "failed"
          ? s?.status === "waiting_config"
            ? "waiting_config"
            : "pending"
          : (s?.status ?? null);
      return [id, { status, error: s?.lastError ?? null, crmId: s?.crmId ?? null }];
    }),
  );
}

export type CrmBadge = { entity: CrmEntity; id: string; status: "synced" | "pending" | "failed" | "waiting_config" | null; error: string | null };

const BADGE_RANK = { failed: 4, waiting_config: 3, pending: 2, synced: 1 } as const;

/**
 * Per-record badges for pages: one per record of `refs`, keyed `entity:id`. Several refs under
 * one key (e.g. a staff member's contact and deal) show the worst of them, with its retry.
 */
export async function crmBadges(groups: Record<string, RecordRef[]>): Promise<Record<string, CrmBadge>> {
  const all = Object.values(groups).flat();
  const states = new Map<string, CrmBadge>();
  for (const entity of CRM_ENTITIES) {
    const ids = [...new Set(all.filter((r) => r.entity === entity).map((r) => r.id))];
    if (!ids.length) continue;
    for (const [id, s] of await crmStatusOf(entity, ids)) states.set(`${entity}:${id}`, { entity, id, status: s.status, error: s.error });
  }
  const out: Record<string, CrmBadge> = {};
  for (const [key, refs] of Object.entries(groups)) {
    const badges = refs.map((r) => states.get(`${r.entity}:${r.id}`)).filter((b): b is CrmBadge => !!b?.status);
    badges.sort((x, y) => BADGE_RANK[y.status!] - BADGE_RANK[x.status!]);
    if (badges[0]) out[key] = badges[0];
  }
  return out;
}

async function labelsOf(refs: RecordRef[]): Promise<Map<string, string>> {
  const ids = (e: CrmEntity) => refs.filter((r) => r.entity === e).map((r) => r.id);
  const out = new Map<string, string>();
  const [orgs, people, regs, exhibitors, bookings] = await Promise.all([
    prisma().organization.findMany({ where: { id: { in: ids("organization") } }, select: { id: true, name: true } }),
    prisma().person.findMany({ where: { id: { in: ids("person") } }, select: { id: true, lastName: true, firstName: true, email: true } }),
    prisma().registration.findMany({
      where: { id: { in: ids("registration") } },
      select: { id: true, person: { select: { lastName: true, firstName: true } }, event: { select: { name: true } } },
    }),
    prisma().exhibitor.findMany({
      where: { id: { in: ids("exhibitor") } },
      select: { id: true, organization: { select: { name: true } }, event: { select: { name: true } } },
    }),
    prisma().standBooking.findMany({
      where: { id: { in: ids("standBooking") } },
      select: { id: true, companyName: true, event: { select: { name: true } } },
    }),
  ]);
  orgs.forEach((o) => out.set(`organization:${o.id}`, o.name));
  people.forEach((p) => out.set(`person:${p.id}`, `${p.lastName} ${p.firstName}${p.email ? ` <${p.email}>` : ""}`));
  regs.forEach((r) => out.set(`registration:${r.id}`, `${r.person.lastName} ${r.person.firstName} — ${r.event.name}`));
  exhibitors.forEach((e) => out.set(`exhibitor:${e.id}`, `${e.organization.name} — ${e.event.name}`));
  bookings.forEach((b) => out.set(`standBooking:${b.id}`, `${b.companyName} — ${b.event.name}`));
  return out;
}

// ---- actions ----------------------------------------------------------------------------------

function parseRefInput(entity: string, id: string): RecordRef {
  if (!CRM_ENTITIES.includes(entity as CrmEntity) || !/^[0-9a-f-]{36}$/i.test(id))
    throw new HttpError(422, "validation_failed", "Unknown record.");
  return { entity: entity as CrmEntity, id };
}

/** Pushes a record again even if its data did not change (the retry button). */
export async function retryRecord(entity: string, id: string): Promise<void> {
  const ref = parseRefInput(entity, id);
  await prisma().crmSyncState.updateMany({
    where: { entityType: ref.entity, localId: ref.id },
    data: { dataHash: null, status: "pending" },
  });
  await enqueueCrmSyncMany([ref]);
}

export async function retryAllFailed(): Promise<number> {
  const failed = await prisma().crmSyncState.findMany({ where: { status: "failed" }, select: { entityType: true, localId: true } });
  await prisma().crmSyncState.updateMany({ where: { status: "failed" }, data: { dataHash: null, status: "pending" } });
  await enqueueCrmSyncMany(failed.map((f) => ({ entity: f.entityType, id: f.localId })));
  return failed.length;
}

/** Jobs that used up their attempts (dead letters) get a fresh start. */
export async function retryDeadJobs(): Promise<number> {
  const r = await pool().query(
    `SELECT count(*)::int AS n FROM graphile_worker.reschedule_jobs(ARRAY(
       SELECT id FROM graphile_worker.jobs WHERE task_identifier IN ('crm-sync', 'crm-inbound') AND attempts >= max_attempts AND locked_at IS NULL),
       run_at => now(), attempts => 0)`,
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** After fixing the webhook: checks the credentials with a cheap call, then lets the jobs flow. */
export async function resumeSync(): Promise<{ ok: boolean; reason?: string }> {
  if (!crmWebhookUrl()) return { ok: false, reason: "BITRIX24_WEBHOOK_URL is not set" };
  try {
    await crmClient().call("profile");
  } catch (e) {
    if (e instanceof Bitrix24Error && (e.kind === "auth" || e.kind === "config")) {
      const reason = `${e.code}${e.description ? `: ${e.description}` : ""}`;
      await pauseSync(reason);
      return { ok: false, reason };
    }
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  await clearPause();
  await kickWaitingJobs();
  return { ok: true };
}

/** Every registration and exhibitor of the event (and their companies and contacts) pushed again. */
export async function resyncEvent(eventId: string): Promise<{ total: number }> {
  if (!/^[0-9a-f-]{36}$/i.test(eventId)) throw new HttpError(404, "not_found", "Event not found.");
  const event = await prisma().event.findUnique({ where: { id: eventId }, select: { id: true } });
  if (!event) throw new HttpError(404, "not_found", "Event not found.");
  const regs = await prisma().registration.findMany({
    where: { eventId },
    select: { id: true, personId: true, person: { select: { organizationId: true } }, exhibitor: { select: { organizationId: true } } },
  });
  const exhibitors = await prisma().exhibitor.findMany({ where: { eventId }, select: { id: true, organizationId: true } });
  const bookings = await prisma().standBooking.findMany({ where: { eventId }, select: { id: true } });
  const orgs = new Set<string>();
  for (const r of regs) {
    const o = r.person.organizationId ?? r.exhibitor?.organizationId;
    if (o) orgs.add(o);
  }
  exhibitors.forEach((e) => orgs.add(e.organizationId));
  const refs: RecordRef[] = [
    ...[...orgs].map((id) => ({ entity: "organization" as const, id })),
    ...[...new Set(regs.map((r) => r.personId))].map((id) => ({ entity: "person" as const, id })),
    ...bookings.map((b) => ({ entity: "standBooking" as const, id: b.id })),
    ...exhibitors.map((e) => ({ entity: "exhibitor" as const, id: e.id })),
    ...regs.map((r) => ({ entity: "registration" as const, id: r.id })),
  ];
  const total = regs.length + exhibitors.length + bookings.length;
  await prisma().crmResync.create({ data: { eventId, total } });
  // A forgotten hash makes the record look changed: it is compared with the CRM and corrected.
  for (const entity of CRM_ENTITIES) {
    const ids = refs.filter((r) => r.entity === entity).map((r) => r.id);
    if (ids.length)
      await prisma().crmSyncState.updateMany({ where: { entityType: entity, localId: { in: ids } }, data: { dataHash: null } });
  }
  await enqueueCrmSyncMany(refs);
  return { total };
}

export async function resyncProgress(eventId: string): Promise<{ total: number; done: number; failed: number; startedAt: string } | null> {
  const last = await prisma().crmResync.findFirst({ where: { eventId }, orderBy: { startedAt: "desc" } });
  if (!last) return null;
  const r = await pool().query<{ done: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE status = 'synced' AND "syncedAt" >= $2)::int AS done,
            count(*) FILTER (WHERE status = 'failed' AND "updatedAt" >= $2)::int AS failed
     FROM "CrmSyncState" WHERE "eventId" = $1::uuid AND "entityType" IN ('registration', 'exhibitor', 'standBooking')`,
    [eventId, last.startedAt],
  );
  const { done, failed } = r.rows[0] ?? { done: 0, failed: 0 };
  return { total: last.total, done: Math.min(last.total, done + failed), failed, startedAt: last.startedAt.toISOString() };
}

// ---- mapping ----------------------------------------------------------------------------------

export type PortalOptions = {
  categories: { id: number; name: string; stages: StageRow[] }[];
  users: { id: number; name: string; position: string }[];
};

/** Pipelines with their stages, and active users, read from the portal (cached for a minute). */
export async function portalOptions(fresh = false): Promise<PortalOptions> {
  const cache = singleton("crm:portal-options", () => ({ at: 0, value: null as Promise<PortalOptions> | null }));
  if (!fresh && cache.value && Date.now() - cache.at < 60_000) return cache.value;
  const b = crmEngine().b;
  const load = (async () => {
    const [cats, users] = await Promise.all([
      b.call<{ categories?: { id: number; name: string; sort?: number }[] }>("crm.category.list", { entityTypeId: 2 }),
      crmClient().listPaged<Record<string, unknown>>("user.get", { filter: { ACTIVE: true } }),
    ]);
    const list = [...(cats?.categories ?? [])].map((c) => ({ id: Number(c.id), name: String(c.name), sort: Number(c.sort ?? 0) }));
    if (!list.some((c) => c.id === 0)) list.unshift({ id: 0, name: "General", sort: -1 });
    const stages = await Promise.all(
      list.map((c) =>
        b.call("crm.status.list", { filter: { ENTITY_ID: stageEntityId(c.id) }, order: { SORT: "ASC" } }).then(stageRowsFrom),
      ),
    );
    return {
      categories: list.map((c, i) => ({ id: c.id, name: c.name, stages: stages[i] })),
      users: users.map((u) => ({
        id: Number(u.ID),
        name: `${String(u.NAME ?? "")} ${String(u.LAST_NAME ?? "")}`.trim(),
        position: String(u.WORK_POSITION ?? ""),
      })),
    };
  })();
  cache.value = load;
  cache.at = Date.now();
  load.catch(() => (cache.value = null));
  return load;
}

export type SettingsInput = {
  innField: string | null;
  attendanceCategoryId: number | null;
  stagePending: string | null;
  stageConfirmed: string | null;
  stageVisited: string | null;
  stageLost: string | null;
  servicesCategoryId: number | null;
  servicesStage: string | null;
  attendanceResponsibleId: number | null;
  servicesResponsibleId: number | null;
};

/** Saves the mapping; stage ids must belong to the chosen pipeline (checked against the portal when reachable). */
export async function saveSettings(input: SettingsInput, options: PortalOptions | null): Promise<void> {
  const fields: Record<string, string> = {};
  if (input.innField && !/^UF_CRM_[A-Z0-9_]+$/i.test(input.innField)) fields.innField = "Must look like UF_CRM_…";
  if (options) {
    const cat = (id: number | null) => options.categories.find((c) => c.id === (id ?? 0));
    const check = (name: keyof SettingsInput, catId: number | null) => {
      const v = input[name] as string | null;
      if (v && !cat(catId)?.stages.some((s) => s.STATUS_ID === v)) fields[name] = "Stage of another pipeline";
    };
    if (!cat(input.attendanceCategoryId)) fields.attendanceCategoryId = "Unknown pipeline";
    if (!cat(input.servicesCategoryId)) fields.servicesCategoryId = "Unknown pipeline";
    (["stagePending", "stageConfirmed", "stageVisited", "stageLost"] as const).forEach((n) => check(n, input.attendanceCategoryId));
    check("servicesStage", input.servicesCategoryId);
    for (const n of ["attendanceResponsibleId", "servicesResponsibleId"] as const) {
      if (input[n] && !options.users.some((u) => u.id === input[n])) fields[n] = "Unknown user";
    }
  }
  if (Object.keys(fields).length) throw new HttpError(422, "validation_failed", "Some fields are invalid.", fields);
  const data = { ...input, innField: input.innField ? input.innField.toUpperCase() : null };
  await prisma().crmSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  forgetStageCache();
}
