// The `crm-sync` job: pushes organizations, people, registrations, exhibitors and stand-booking
// requests to Bitrix24.
//
// Jobs are added by the services in the same transaction as the change (transactional outbox),
// one per record: `{entity, id}`, queue and job key `crm:<entity>:<id>` (so pending changes of one
// record coalesce into one job and run one after another).
//
// Throughput: one record costs a couple of REST commands and the portal allows ~2 requests/s,
// but a `batch` request carries 50 commands. So a job does not sync only its own record: it
// "sweeps" up to SWEEP_SIZE other due crm-sync jobs (moving them out of the way with
// graphile_worker.reschedule_jobs), syncs all those records concurrently (their REST calls
// share batch requests through the AutoBatcher) and then completes the swept jobs whose record
// is done, unless the job was replaced meanwhile by a newer change (revision check).
//
// Safety: a record is synced by one worker at a time (a lease on its CrmSyncState row, which
// expires LEASE_SECONDS after a crash); data identical to the last push (same hash) costs no call.
// Dependencies are created first inside the same sweep: company, then contact, then deal.
//
// Without BITRIX24_WEBHOOK_URL, or while the sync is paused after an auth error, a job marks its
// record and re-adds itself WAIT_RECHECK_MS later with a fresh attempt count, so jobs wait
// indefinitely instead of exhausting their retries; at start (URL set) and on "resume" the
// waiting jobs are moved to now.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { CrmSettings, Prisma } from "~/generated/prisma/client";
import { inTransaction, prisma, pool } from "~/utils/db.server";
import { registerTask } from "~/utils/jobs.server";
import { crmJobKey, enqueueCrmSync, enqueueCrmSyncMany } from "../outbox.server";
import { logger } from "~/utils/logger.server";
import { Bitrix24Error } from "./bitrix24-client.server";
import { handleInbound } from "./inbound.server";
import type { SyncEngine } from "./sync-engine.server";
import {
  companyPayload,
  contactPayload,
  dataHash,
  bookingCompanyPayload,
  bookingContactOf,
  bookingContactPayload,
  bookingDealPayload,
  exhibitorDealPayload,
  originId,
  parseRef,
  pickStage,
  refFromJobKey,
  refKey,
  registrationDealPayload,
  registrationRole,
  visitComment,
  type CardPayload,
  type CrmEntity,
  type RecordRef,
  type SyncMapping,
} from "./sync-mapping.server";
import {
  clearPause,
  crmEngine,
  crmWebhookUrl,
  loadSettings,
  mappingOf,
  pauseSync,
  pipelineStages,
  webhookFingerprint,
} from "./sync-settings.server";

export const SWEEP_SIZE = 200;
const LEASE_SECONDS = 600;
const TAKE_AHEAD_SECONDS = 900;
export const WAIT_RECHECK_MS = 5 * 60_000;
const LEASE_WAIT_MS = 120_000;

type StatePatch = Partial<{
  status: "synced" | "pending" | "failed" | "waiting_config";
  crmId: number | null;
  crmCategoryId: number | null;
  crmStageId: string | null;
  dataHash: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  attempts: number;
  createStartedAt: Date | null;
  visitCommentFor: string | null;
  syncedAt: Date | null;
  eventId: string | null;
}>;

const CASTS: Partial<Record<keyof StatePatch, string>> = { status: '::"CrmSyncStatus"', eventId: "::uuid", visitCommentFor: "::uuid" };

type StateRow = {
  id: string;
  entityType: CrmEntity;
  localId: string;
  status: "synced" | "pending" | "failed" | "waiting_config";
  crmId: number | null;
  crmStageId: string | null;
  dataHash: string | null;
  attempts: number;
  createStartedAt: Date | null;
  visitCommentFor: string | null;
};

export type Outcome =
  | { kind: "synced" | "unchanged"; crmId: number | null }
  | { kind: "failed"; crmId: number | null; message: string }
  | { kind: "gone"; crmId: null }
  | { kind: "retry"; crmId: number | null; error: unknown }
  | { kind: "paused"; crmId: number | null };

const PERSON_INCLUDE = { organization: { select: { crmCompanyId: true } } } as const;
const REGISTRATION_INCLUDE = {
  event: { select: { name: true, timezone: true } },
  person: { include: { organization: { select: { crmCompanyId: true } } } },
  exhibitor: { include: { organization: { select: { crmCompanyId: true } } } },
  checkIns: { orderBy: { scannedAt: "desc" }, take: 1, include: { kiosk: { select: { name: true } } } },
} as const;
const EXHIBITOR_INCLUDE = { event: { select: { name: true } }, organization: { select: { name: true, crmCompanyId: true } } } as const;
type PersonRow = Prisma.PersonGetPayload<{ include: typeof PERSON_INCLUDE }>;
type RegistrationRow = Prisma.RegistrationGetPayload<{ include: typeof REGISTRATION_INCLUDE }>;
type ExhibitorRow = Prisma.ExhibitorGetPayload<{ include: typeof EXHIBITOR_INCLUDE }>;
const BOOKING_INCLUDE = { event: { select: { name: true } } } as const;
type BookingRow = Prisma.StandBookingGetPayload<{ include: typeof BOOKING_INCLUDE }>;

class PausedError extends Error {}
class LeaseBusy extends Error {}

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

/** Re-adds the job for later with a fresh attempt count (the running one then completes). */
async function requeue(ref: RecordRef, delayMs: number): Promise<void> {
  await enqueueCrmSync(ref.entity, ref.id, undefined, new Date(Date.now() + delayMs));
}

async function markWaiting(ref: RecordRef, status: "waiting_config" | "pending"): Promise<void> {
  await pool().query(
    `INSERT INTO "CrmSyncState" ("entityType", "localId", "status", "updatedAt") VALUES ($1::"CrmEntity", $2::uuid, $3::"CrmSyncStatus", now())
     ON CONFLICT ("entityType", "localId") DO UPDATE SET "status" = EXCLUDED."status", "updatedAt" = now()`,
    [ref.entity, ref.id, status],
  );
}

export async function handleSync(payload: unknown): Promise<void> {
  const ref = parseRef(payload);
  if (!ref) {
    logger().warn({ payload }, "crm-sync: payload is not {entity, id}; dropped");
    return;
  }
  if (!crmWebhookUrl()) {
    await markWaiting(ref, "waiting_config");
    await requeue(ref, WAIT_RECHECK_MS);
    return;
  }
  const settings = await loadSettings();
  if (settings.pausedAt && !(await liftStalePause(settings))) {
    await markWaiting(ref, "pending");
    await requeue(ref, WAIT_RECHECK_MS);
    return;
  }
  await new Sweep(settings, crmEngine()).run(ref);
}

// ---- graphile-worker helpers (public functions, plus one revision-checked delete) ----------

type TakenJob = { jobId: string; revision: number; ref: RecordRef };

async function takeDueJobs(limit: number, exclude: string): Promise<TakenJob[]> {
  if (limit <= 0) return [];
  const r = await inTransaction(async (client) => {
    // One take at a time, so concurrent sweeps do not grab the same jobs.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('expodesk:crm-sync:take'))`);
    return client.query<{ id: string; key: string; revision: number }>(
      `SELECT id::text, key, revision FROM graphile_worker.reschedule_jobs(ARRAY(
         SELECT id FROM graphile_worker.jobs
         WHERE task_identifier = 'crm-sync' AND locked_at IS NULL AND run_at <= now() AND attempts < max_attempts
           AND key LIKE 'crm:%' AND key <> $2
         ORDER BY priority, run_at, id LIMIT $1), run_at => now() + make_interval(secs => $3))`,
      [limit, exclude, TAKE_AHEAD_SECONDS],
    );
  });
  return r.rows.flatMap((row) => {
    const ref = refFromJobKey(row.key);
    return ref ? [{ jobId: row.id, revision: Number(row.revision), ref }] : [];
  });
}

async function rescheduleJobs(jobs: TakenJob[], delayMs: number): Promise<void> {
  if (!jobs.length) return;
  await pool().query(`SELECT count(*) FROM graphile_worker.reschedule_jobs($1::bigint[], run_at => now() + make_interval(secs => $2))`, [
    jobs.map((j) => j.jobId),
    delayMs / 1000,
  ]);
}

/**
 * Completes swept jobs whose record is done. Only a job still at the revision we took is
 * deleted: one replaced by a newer change since (add_job bumps the revision) stays and runs.
 * graphile-worker 0.16 has no public "complete if unchanged", hence its private table here.
 */
async function completeJobs(jobs: TakenJob[]): Promise<void> {
  if (!jobs.length) return;
  await pool().query(
    `DELETE FROM graphile_worker._private_jobs j USING unnest($1::bigint[], $2::int[]) AS t(id, rev)
     WHERE j.id = t.id AND j.revision = t.rev AND j.locked_at IS NULL`,
    [jobs.map((j) => j.jobId), jobs.map((j) => j.revision)],
  );
}

// ---- the sweep --------------------------------------------------------------------------------

/** Records being synced in this process, so sweeps wait for each other instead of polling. */
const inflight = () => ((globalThis as unknown as { __crmInflight?: Map<string, Promise<Outcome>> }).__crmInflight ??= new Map());

export class Sweep {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly mapping: SyncMapping;
  private readonly states = new Map<string, StateRow>();
  /** Leases this sweep holds right now. */
  private readonly held = new Set<string>();
  private readonly outcomes = new Map<string, Promise<Outcome>>();
  private readonly hashes = new Map<string, string>();
  private readonly eventIds = new Map<string, string>();
  private pausedReason: string | null = null;
  /** Records read in bulk at the start of the sweep; each is used once (later syncs re-read). */
  private readonly loaded = new Map<string, unknown>();

  constructor(
    settings: CrmSettings,
    private readonly engine: SyncEngine,
  ) {
    this.mapping = mappingOf(settings);
  }

  async run(primary: RecordRef): Promise<void> {
    const primaryKey = refKey(primary);
    const taken = new Map<string, TakenJob>();
    for (const t of await takeDueJobs(SWEEP_SIZE - 1, crmJobKey(primary.entity, primary.id))) if (refKey(t.ref) !== primaryKey) taken.set(refKey(t.ref), t);
    try {
      await this.claim([primary, ...[...taken.values()].map((t) => t.ref)]);
    } catch (e) {
      await rescheduleJobs([...taken.values()], 0);
      throw e;
    }
    const mine = [...taken.values()].filter((t) => this.held.has(refKey(t.ref)));
    // Held by another worker: their jobs come back a little later.
    await rescheduleJobs(
      [...taken.values()].filter((t) => !this.held.has(refKey(t.ref))),
      30_000,
    );

    await this.preload([primary, ...mine.map((t) => t.ref)].filter((r) => this.held.has(refKey(r))));
    const primaryOutcome = this.outcome(primary); // waits for the lease if another worker has it
    await Promise.allSettled([primaryOutcome, ...mine.map((t) => this.outcome(t.ref))]);

    const done: TakenJob[] = [];
    const retry: TakenJob[] = [];
    const paused: TakenJob[] = [];
    for (const t of mine) {
      const o = await this.outcome(t.ref);
      if (o.kind === "retry") retry.push(t);
      else if (o.kind === "paused") paused.push(t);
      else done.push(t);
    }
    await completeJobs(done);
    const worst = Math.max(0, ...retry.map((t) => this.states.get(refKey(t.ref))?.attempts ?? 0));
    await rescheduleJobs(retry, backoffMs(worst));
    await rescheduleJobs(paused, WAIT_RECHECK_MS);

    const p = await primaryOutcome;
    if (p.kind === "retry") throw p.error instanceof Error ? p.error : new Error(String(p.error));
    if (p.kind === "paused") await requeue(primary, WAIT_RECHECK_MS);
  }

  /** One query per entity type instead of one per record. */
  private async preload(refs: RecordRef[]): Promise<void> {
    const ids = (e: CrmEntity) => refs.filter((r) => r.entity === e).map((r) => r.id);
    const put = (e: CrmEntity, rows: { id: string }[]) => rows.forEach((row) => this.loaded.set(`${e}:${row.id}`, row));
    const [orgs, people, regs, exhibitors, bookings] = await Promise.all([
      ids("organization").length ? prisma().organization.findMany({ where: { id: { in: ids("organization") } } }) : [],
      ids("person").length ? prisma().person.findMany({ where: { id: { in: ids("person") } }, include: PERSON_INCLUDE }) : [],
      ids("registration").length
        ? prisma().registration.findMany({ where: { id: { in: ids("registration") } }, include: REGISTRATION_INCLUDE })
        : [],
      ids("exhibitor").length ? prisma().exhibitor.findMany({ where: { id: { in: ids("exhibitor") } }, include: EXHIBITOR_INCLUDE }) : [],
      ids("standBooking").length
        ? prisma().standBooking.findMany({ where: { id: { in: ids("standBooking") } }, include: BOOKING_INCLUDE })
        : [],
    ]);
    put("organization", orgs);
    put("person", people);
    put("registration", regs);
    put("exhibitor", exhibitors);
    put("standBooking", bookings);
  }

  private preloaded<T>(ref: RecordRef): T | undefined {
    const key = refKey(ref);
    const v = this.loaded.get(key) as T | undefined;
    this.loaded.delete(key);
    return v;
  }

  /** Takes the lease of every record it can (adds them to `held`). */
  private async claim(refs: RecordRef[]): Promise<void> {
    // A stable order keeps concurrent upserts from deadlocking each other.
    const sorted = [...new Map(refs.map((r) => [refKey(r), r])).values()].sort((a, b) => refKey(a).localeCompare(refKey(b)));
    const r = await pool().query<StateRow>(
      `INSERT INTO "CrmSyncState" ("entityType", "localId", "status", "leaseOwner", "leaseUntil", "updatedAt")
       SELECT t.e::"CrmEntity", t.id::uuid, 'pending', $3, now() + make_interval(secs => $4), now()
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(e, id, n) ORDER BY t.n
       ON CONFLICT ("entityType", "localId") DO UPDATE SET "leaseOwner" = EXCLUDED."leaseOwner", "leaseUntil" = EXCLUDED."leaseUntil"
       WHERE "CrmSyncState"."leaseUntil" IS NULL OR "CrmSyncState"."leaseUntil" < now() OR "CrmSyncState"."leaseOwner" = EXCLUDED."leaseOwner"
       RETURNING "id", "entityType", "localId"::text, "status", "crmId", "crmStageId", "dataHash", "attempts", "createStartedAt", "visitCommentFor"`,
      [sorted.map((x) => x.entity), sorted.map((x) => x.id), this.owner, LEASE_SECONDS],
    );
    for (const row of r.rows) {
      const key = `${row.entityType}:${row.localId}`;
      this.states.set(key, row);
      this.held.add(key);
    }
  }

  private async release(ref: RecordRef): Promise<void> {
    this.held.delete(refKey(ref));
    await pool().query(
      `UPDATE "CrmSyncState" SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE "entityType" = $1::"CrmEntity" AND "localId" = $2::uuid AND "leaseOwner" = $3`,
      [ref.entity, ref.id, this.owner],
    );
  }

  /** Outcome of syncing one record in this sweep, once (jobs and dependants share it). */
  outcome(ref: RecordRef): Promise<Outcome> {
    const key = refKey(ref);
    let p = this.outcomes.get(key);
    if (!p) {
      p = this.acquireAndSync(ref);
      this.outcomes.set(key, p);
    }
    return p;
  }

  private async acquireAndSync(ref: RecordRef): Promise<Outcome> {
    const key = refKey(ref);
    const deadline = Date.now() + LEASE_WAIT_MS;
    while (!this.held.has(key)) {
      const elsewhere = inflight().get(key);
      if (elsewhere) await elsewhere.catch(() => {});
      else if (Date.now() > deadline) {
        // Another worker (or process) has it: try the whole job again later.
        return { kind: "retry", crmId: null, error: new LeaseBusy(`${key} is being synced by another worker`) };
      }
      await this.claim([ref]);
      if (!this.held.has(key)) await new Promise((r) => setTimeout(r, 250 + Math.random() * 250));
    }
    const p = this.syncGuarded(ref);
    inflight().set(key, p);
    try {
      return await p;
    } finally {
      if (inflight().get(key) === p) inflight().delete(key);
    }
  }

  private async syncGuarded(ref: RecordRef): Promise<Outcome> {
    const key = refKey(ref);
    try {
      if (this.pausedReason) throw new PausedError(this.pausedReason);
      return await this.syncOne(ref);
    } catch (e) {
      return await this.recordFailure(ref, e);
    } finally {
      if (this.held.has(key))
        await this.release(ref).catch((err: unknown) => logger().warn({ err, key }, "CRM sync: releasing a lease failed"));
    }
  }

  private async recordFailure(ref: RecordRef, e: unknown): Promise<Outcome> {
    const key = refKey(ref);
    const state = this.states.get(key);
    const crmId = state?.crmId ?? null;
    if (e instanceof Bitrix24Error && e.kind === "validation") {
      // The CRM refused the data: retrying gives the same answer. The record waits for a change
      // or the retry button; the rest go on.
      const message = e.description || e.code || "Rejected by the CRM";
      await this.saveState(
        ref,
        {
          status: "failed",
          lastError: message,
          lastErrorCode: e.code || "VALIDATION",
          dataHash: this.hashes.get(key) ?? null,
          attempts: (state?.attempts ?? 0) + 1,
        },
        { release: true },
      );
      logger().info({ record: key, code: e.code, method: e.method }, "CRM sync: record refused by the CRM");
      return { kind: "failed", crmId, message };
    }
    if ((e instanceof Bitrix24Error && (e.kind === "auth" || e.kind === "config")) || e instanceof PausedError) {
      if (e instanceof Bitrix24Error && !this.pausedReason) {
        this.pausedReason = `${e.code}${e.description ? `: ${e.description}` : ""}`;
        await pauseSync(this.pausedReason);
      }
      const err = e instanceof Bitrix24Error ? e : null;
      await this.saveState(
        ref,
        { status: "pending", lastError: err?.description || this.pausedReason, lastErrorCode: err?.code ?? "PAUSED" },
        { release: true },
      );
      return { kind: "paused", crmId };
    }
    const message = e instanceof Bitrix24Error ? e.description || e.code : e instanceof Error ? e.message : String(e);
    const code = e instanceof Bitrix24Error ? e.code : e instanceof LeaseBusy ? "BUSY" : "ERROR";
    if (!(e instanceof Bitrix24Error) && !(e instanceof LeaseBusy)) logger().error({ err: e, record: key }, "CRM sync: unexpected error");
    await this.saveState(
      ref,
      { status: "pending", lastError: message, lastErrorCode: code, attempts: (state?.attempts ?? 0) + 1 },
      { release: true },
    );
    return { kind: "retry", crmId, error: e };
  }

  private async saveState(ref: RecordRef, data: StatePatch, opts: { release?: boolean } = {}): Promise<void> {
    const key = refKey(ref);
    const eventId = this.eventIds.get(key);
    if (eventId && data.eventId === undefined) data = { ...data, eventId };
    const cols = Object.entries(data).filter(([, v]) => v !== undefined) as [keyof StatePatch, unknown][];
    const sets = cols.map(([c], i) => `"${c}" = $${i + 4}${CASTS[c] ?? ""}`);
    if (opts.release) sets.push(`"leaseOwner" = NULL`, `"leaseUntil" = NULL`);
    sets.push(`"updatedAt" = now()`);
    const r = await pool().query(
      `UPDATE "CrmSyncState" SET ${sets.join(", ")} WHERE "entityType" = $1::"CrmEntity" AND "localId" = $2::uuid AND ("leaseOwner" = $3 OR "leaseOwner" IS NULL)`,
      [ref.entity, ref.id, this.owner, ...cols.map(([, v]) => v)],
    );
    if (r.rowCount === 0) logger().warn({ record: key }, "CRM sync: state row not updated (lease lost?)");
    if (opts.release) this.held.delete(key);
    const s = this.states.get(key);
    if (s) Object.assign(s, data);
  }

  /** CRM id of a record this one links to: synced first if it has none yet; null if it cannot be. */
  private async dependency(ref: RecordRef, currentCrmId: number | null): Promise<number | null> {
    if (currentCrmId) return currentCrmId;
    const outcome = await this.outcome(ref);
    if (outcome.kind === "retry") throw outcome.error;
    if (outcome.kind === "paused") throw new PausedError(this.pausedReason ?? "paused");
    if (outcome.crmId) return outcome.crmId;
    return crmIdOf(ref); // synced elsewhere meanwhile, or null: the link is left out (pushed again once it syncs)
  }

  private noop(key: string, hash: string, crmId: number | null): Outcome | null {
    const s = this.states.get(key);
    if (!s || s.dataHash !== hash) return null;
    if (s.status === "synced" && crmId) return { kind: "unchanged", crmId };
    if (s.status === "failed") return { kind: "failed", crmId, message: "unchanged since refused" };
    return null;
  }

  private beforeCreate(ref: RecordRef) {
    return async () => {
      await this.saveState(ref, { createStartedAt: new Date() });
    };
  }

  private async syncOne(ref: RecordRef): Promise<Outcome> {
    switch (ref.entity) {
      case "organization":
        return this.syncOrganization(ref);
      case "person":
        return this.syncPerson(ref);
      case "registration":
        return this.syncRegistration(ref);
      case "exhibitor":
        return this.syncExhibitor(ref);
      case "standBooking":
        return this.syncStandBooking(ref);
    }
  }

  private async gone(ref: RecordRef): Promise<Outcome> {
    await prisma().crmSyncState.deleteMany({ where: { entityType: ref.entity, localId: ref.id } });
    this.held.delete(refKey(ref));
    return { kind: "gone", crmId: null };
  }

  private async finish(
    ref: RecordRef,
    crmId: number,
    hash: string,
    extra: { crmCategoryId?: number | null; crmStageId?: string | null; eventId?: string | null; visitCommentFor?: string | null } = {},
  ): Promise<Outcome> {
    const before = this.states.get(refKey(ref))?.status;
    await this.saveState(
      ref,
      {
        status: "synced",
        crmId,
        dataHash: hash,
        lastError: null,
        lastErrorCode: null,
        attempts: 0,
        createStartedAt: null,
        syncedAt: new Date(),
        ...extra,
      },
      { release: true },
    );
    if (before === "failed") await enqueueDependents(ref);
    return { kind: "synced", crmId };
  }

  private async syncOrganization(ref: RecordRef): Promise<Outcome> {
    const key = refKey(ref);
    const org =
      this.preloaded<Prisma.OrganizationGetPayload<object>>(ref) ?? (await prisma().organization.findUnique({ where: { id: ref.id } }));
    if (!org) return this.gone(ref);
    const payload = companyPayload(org, this.mapping);
    const hash = dataHash(payload);
    this.hashes.set(key, hash);
    const skip = this.noop(key, hash, org.crmCompanyId);
    if (skip) return skip;
    const r = await this.engine.pushCard({
      kind: "company",
      originId: originId(ref),
      crmId: org.crmCompanyId,
      lookupOrigin: !!this.states.get(key)?.createStartedAt,
      payload,
      taken: async (ids) =>
        new Set(
          (
            await prisma().organization.findMany({
              where: { crmCompanyId: { in: ids }, id: { not: org.id } },
              select: { crmCompanyId: true },
            })
          ).map((o) => o.crmCompanyId!),
        ),
      beforeCreate: this.beforeCreate(ref),
    });
    // Raw SQL: storing the CRM id is not an edit of the record (updatedAt stays).
    if (r.crmId !== org.crmCompanyId)
      await pool().query(`UPDATE "Organization" SET "crmCompanyId" = $1 WHERE id = $2::uuid`, [r.crmId, org.id]);
    return this.finish(ref, r.crmId, hash);
  }

  private async syncPerson(ref: RecordRef): Promise<Outcome> {
    const key = refKey(ref);
    const person = this.preloaded<PersonRow>(ref) ?? (await prisma().person.findUnique({ where: { id: ref.id }, include: PERSON_INCLUDE }));
    if (!person) return this.gone(ref);
    const companyId = person.organizationId
      ? await this.dependency({ entity: "organization", id: person.organizationId }, person.organization?.crmCompanyId ?? null)
      : null;
    const payload = contactPayload(person, companyId);
    const hash = dataHash(payload);
    this.hashes.set(key, hash);
    const skip = this.noop(key, hash, person.crmContactId);
    if (skip) return skip;
    const r = await this.engine.pushCard({
      kind: "contact",
      originId: originId(ref),
      crmId: person.crmContactId,
      lookupOrigin: !!this.states.get(key)?.createStartedAt,
      payload,
      // Each registration has its own Person row (docs/decisions/0007): the rows of one address
      // (the same human in several events) share one CRM contact; a contact that another
      // address's row holds is never linked.
      taken: async (ids) =>
        new Set(
          (
            await prisma().person.findMany({
              where: { crmContactId: { in: ids }, id: { not: person.id }, ...(person.email ? { OR: [{ email: null }, { email: { not: person.email } }] } : {}) },
              select: { crmContactId: true },
            })
          ).map((p) => p.crmContactId!),
        ),
      beforeCreate: this.beforeCreate(ref),
    });
    if (r.crmId !== person.crmContactId)
      await pool().query(`UPDATE "Person" SET "crmContactId" = $1 WHERE id = $2::uuid`, [r.crmId, person.id]);
    return this.finish(ref, r.crmId, hash);
  }

  private async syncRegistration(ref: RecordRef): Promise<Outcome> {
    const key = refKey(ref);
    const reg =
      this.preloaded<RegistrationRow>(ref) ??
      (await prisma().registration.findUnique({ where: { id: ref.id }, include: REGISTRATION_INCLUDE }));
    if (!reg) return this.gone(ref);
    this.eventIds.set(key, reg.eventId);
    // Company before contact before deal.
    const orgId = reg.person.organizationId ?? reg.exhibitor?.organizationId ?? null;
    const orgCrmId = reg.person.organizationId
      ? (reg.person.organization?.crmCompanyId ?? null)
      : (reg.exhibitor?.organization.crmCompanyId ?? null);
    const companyId = orgId ? await this.dependency({ entity: "organization", id: orgId }, orgCrmId) : null;
    const contactId = await this.dependency({ entity: "person", id: reg.personId }, reg.person.crmContactId);
    const last = reg.checkIns[0];
    const data = {
      id: reg.id,
      status: reg.status,
      category: reg.category,
      eventName: reg.event.name,
      timezone: reg.event.timezone,
      person: { lastName: reg.person.lastName, firstName: reg.person.firstName },
      checkIn: last ? { id: last.id, scannedAt: last.scannedAt, kioskName: last.kiosk?.name ?? null } : null,
      origin: reg,
    };
    const role = registrationRole(data);
    const payload = registrationDealPayload(data, { contactId, companyId }, this.mapping);
    const categoryId = this.mapping.attendanceCategoryId;
    const hash = dataHash({ payload, role, categoryId, stages: this.mapping.attendanceStages, checkIn: data.checkIn?.id ?? null });
    this.hashes.set(key, hash);
    const skip = this.noop(key, hash, reg.crmDealId);
    if (skip) return skip;
    const state = this.states.get(key);
    const r = await this.engine.pushDeal({
      originId: originId(ref),
      crmId: reg.crmDealId,
      lookupOrigin: !!state?.createStartedAt,
      categoryId,
      payload,
      stageFor: async (cat) =>
        pickStage(await pipelineStages(cat), role, cat === this.mapping.attendanceCategoryId ? this.mapping.attendanceStages[role] : null),
      beforeCreate: this.beforeCreate(ref),
    });
    if (r.crmId !== reg.crmDealId) {
      await pool().query(`UPDATE "Registration" SET "crmDealId" = $1 WHERE id = $2::uuid`, [r.crmId, reg.id]);
      await this.saveState(ref, { crmId: r.crmId, createStartedAt: null });
    }
    let commented = state?.visitCommentFor ?? null;
    if (role === "visited" && data.checkIn && commented !== data.checkIn.id) {
      await this.engine.addDealComment(r.crmId, visitComment(data.checkIn, data.timezone));
      commented = data.checkIn.id;
    }
    return this.finish(ref, r.crmId, hash, { crmCategoryId: r.categoryId, crmStageId: r.stageId, visitCommentFor: commented });
  }

  private async syncExhibitor(ref: RecordRef): Promise<Outcome> {
    const key = refKey(ref);
    const ex =
      this.preloaded<ExhibitorRow>(ref) ?? (await prisma().exhibitor.findUnique({ where: { id: ref.id }, include: EXHIBITOR_INCLUDE }));
    if (!ex) return this.gone(ref);
    this.eventIds.set(key, ex.eventId);
    const companyId = await this.dependency({ entity: "organization", id: ex.organizationId }, ex.organization.crmCompanyId);
    // A request converted into this exhibitor: its deal becomes the participation deal.
    let dealId = ex.crmDealId;
    if (!dealId) {
      const booking = await prisma().standBooking.findFirst({ where: { exhibitorId: ex.id }, select: { id: true, crmDealId: true } });
      if (booking) dealId = await this.dependency({ entity: "standBooking", id: booking.id }, booking.crmDealId);
    }
    const payload = exhibitorDealPayload(
      {
        id: ex.id,
        eventName: ex.event.name,
        orgName: ex.organization.name,
        stand: ex.stand,
        areaM2: ex.areaM2 ? ex.areaM2.toString() : null,
      },
      { companyId },
      this.mapping,
    );
    const categoryId = this.mapping.servicesCategoryId;
    const hash = dataHash({ payload, categoryId });
    this.hashes.set(key, hash);
    const skip = this.noop(key, hash, ex.crmDealId);
    if (skip) return skip;
    const r = await this.engine.pushDeal({
      originId: originId(ref),
      crmId: dealId,
      lookupOrigin: !!this.states.get(key)?.createStartedAt,
      categoryId,
      payload,
      // Stage "new" on creation; afterwards the sales team moves the deal, not us.
      stageFor: async (cat, creating) =>
        creating
          ? pickStage(await pipelineStages(cat), "new", cat === this.mapping.servicesCategoryId ? this.mapping.servicesStage : null)
          : null,
      beforeCreate: this.beforeCreate(ref),
    });
    if (r.crmId !== ex.crmDealId) await pool().query(`UPDATE "Exhibitor" SET "crmDealId" = $1 WHERE id = $2::uuid`, [r.crmId, ex.id]);
    return this.finish(ref, r.crmId, hash, { crmCategoryId: r.categoryId, crmStageId: r.stageId });
  }

  /**
   * A stand-booking request: its company and contact (found by e-mail / phone when the CRM
   * knows them), and a deal in the exhibition-services pipeline at stage "new". Once converted,
   * the exhibitor's sync carries the same deal on; the booking itself sends nothing more.
   */
  private async syncStandBooking(ref: RecordRef): Promise<Outcome> {
    const key = refKey(ref);
    const b =
      this.preloaded<BookingRow>(ref) ?? (await prisma().standBooking.findUnique({ where: { id: ref.id }, include: BOOKING_INCLUDE }));
    if (!b) return this.gone(ref);
    this.eventIds.set(key, b.eventId);
    const data = {
      id: b.id,
      eventName: b.event.name,
      companyName: b.companyName,
      inn: b.inn,
      city: b.city,
      country: b.country,
      website: b.website,
      contact: bookingContactOf(b),
      areaM2: b.areaM2.toString(),
      comment: b.comment,
      origin: b,
    };
    const handedOver = b.status === "converted" && !!b.exhibitorId && !!b.crmDealId;
    const categoryId = this.mapping.servicesCategoryId;
    const hash = dataHash({ data, categoryId, handedOver });
    this.hashes.set(key, hash);
    const skip = this.noop(key, hash, b.crmDealId);
    if (skip) return skip;
    if (handedOver) return this.finish(ref, b.crmDealId!, hash);
    // The cards have no local record of their own: their ids live on the booking row.
    const card = async (kind: "company" | "contact", payload: CardPayload, crmId: number | null) => {
      const r = await this.engine.pushCard({
        kind,
        originId: payload.scalars.ORIGIN_ID,
        crmId,
        lookupOrigin: !crmId,
        payload,
        beforeCreate: this.beforeCreate(ref),
      });
      const column = kind === "company" ? "crmCompanyId" : "crmContactId";
      if (r.crmId !== crmId) await pool().query(`UPDATE "StandBooking" SET "${column}" = $1 WHERE id = $2::uuid`, [r.crmId, b.id]);
      return r;
    };
    const company = await card("company", bookingCompanyPayload(data, this.mapping), b.crmCompanyId);
    const contact = await card("contact", bookingContactPayload(data, company.crmId), b.crmContactId);
    const r = await this.engine.pushDeal({
      originId: originId(ref),
      crmId: b.crmDealId,
      lookupOrigin: !!this.states.get(key)?.createStartedAt,
      categoryId,
      payload: bookingDealPayload(data, { companyId: company.crmId, contactId: contact.crmId }, this.mapping),
      stageFor: async (cat, creating) =>
        creating
          ? pickStage(await pipelineStages(cat), "new", cat === this.mapping.servicesCategoryId ? this.mapping.servicesStage : null)
          : null,
      beforeCreate: this.beforeCreate(ref),
    });
    if (r.crmId !== b.crmDealId) await pool().query(`UPDATE "StandBooking" SET "crmDealId" = $1 WHERE id = $2::uuid`, [r.crmId, b.id]);
    return this.finish(ref, r.crmId, hash, { crmCategoryId: r.categoryId, crmStageId: r.stageId });
  }
}

function backoffMs(attempts: number): number {
  const base = Math.min(600_000, 5_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

async function crmIdOf(ref: RecordRef): Promise<number | null> {
  switch (ref.entity) {
    case "organization":
      return (await prisma().organization.findUnique({ where: { id: ref.id }, select: { crmCompanyId: true } }))?.crmCompanyId ?? null;
    case "person":
      return (await prisma().person.findUnique({ where: { id: ref.id }, select: { crmContactId: true } }))?.crmContactId ?? null;
    case "registration":
      return (await prisma().registration.findUnique({ where: { id: ref.id }, select: { crmDealId: true } }))?.crmDealId ?? null;
    case "exhibitor":
      return (await prisma().exhibitor.findUnique({ where: { id: ref.id }, select: { crmDealId: true } }))?.crmDealId ?? null;
    case "standBooking":
      return (await prisma().standBooking.findUnique({ where: { id: ref.id }, select: { crmDealId: true } }))?.crmDealId ?? null;
  }
}

/** A record that failed before now syncs: the records linking to it are pushed again. */
async function enqueueDependents(ref: RecordRef): Promise<void> {
  const refs: RecordRef[] = [];
  if (ref.entity === "organization") {
    const people = await prisma().person.findMany({ where: { organizationId: ref.id }, select: { id: true } });
    const exhibitors = await prisma().exhibitor.findMany({ where: { organizationId: ref.id }, select: { id: true } });
    const regs = await prisma().registration.findMany({
      where: { OR: [{ person: { organizationId: ref.id } }, { exhibitor: { organizationId: ref.id } }] },
      select: { id: true },
    });
    refs.push(
      ...people.map((p) => ({ entity: "person" as const, id: p.id })),
      ...exhibitors.map((e) => ({ entity: "exhibitor" as const, id: e.id })),
    );
    refs.push(...regs.map((r) => ({ entity: "registration" as const, id: r.id })));
  } else if (ref.entity === "person") {
    const regs = await prisma().registration.findMany({ where: { personId: ref.id }, select: { id: true } });
    refs.push(...regs.map((r) => ({ entity: "registration" as const, id: r.id })));
  }
  await enqueueCrmSyncMany(refs);
}

export type { CrmEntity, RecordRef };
