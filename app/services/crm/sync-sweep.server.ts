// One sweep: the job's own record plus up to SWEEP_SIZE other due crm-sync jobs (see
// sync-job.server.ts), leased, read in bulk and synced concurrently so their REST calls share
// batch requests; then the swept jobs are completed, retried or parked.
//
// Safety: a record is synced by one worker at a time (a lease on its CrmSyncState row, which
// expires after a crash); data identical to the last push (same hash) costs no call.
// Dependencies are created first inside the same sweep: company, then contact, then deal.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { CrmSettings } from "~/generated/prisma/client";
import { crmJobKey, enqueueCrmSync } from "../outbox.server";
import { logger } from "~/utils/logger.server";
import { Bitrix24Error } from "./bitrix24-client.server";
import type { FinishExtra, Outcome, SyncContext } from "./sync-context.server";
import { syncOrganization, syncPerson } from "./sync-cards.server";
import { syncExhibitor, syncRegistration, syncStandBooking } from "./sync-deals.server";
import type { SyncEngine } from "./sync-engine.server";
import { loadRecords } from "./sync-load.server";
import { refKey, type RecordRef, type SyncMapping } from "./sync-mapping.server";
import { backoffMs, completeJobs, rescheduleJobs, takeDueJobs, type TakenJob } from "./sync-queue.server";
import { mappingOf, pauseSync } from "./sync-settings.server";
import {
  claimLeases,
  crmIdOf,
  deleteState,
  enqueueDependents,
  releaseLease,
  writeState,
  type StatePatch,
  type StateRow,
  type StoreId,
} from "./sync-state.server";

export const SWEEP_SIZE = 200;
export const WAIT_RECHECK_MS = 5 * 60_000;
const LEASE_WAIT_MS = 120_000;

class PausedError extends Error {}
class LeaseBusy extends Error {}

const SYNCS = {
  organization: syncOrganization,
  person: syncPerson,
  registration: syncRegistration,
  exhibitor: syncExhibitor,
  standBooking: syncStandBooking,
} satisfies Record<RecordRef["entity"], (ctx: SyncContext, ref: RecordRef) => Promise<Outcome>>;

/** Re-adds the job for later with a fresh attempt count (the running one then completes). */
export async function requeue(ref: RecordRef, delayMs: number): Promise<void> {
  await enqueueCrmSync(ref.entity, ref.id, undefined, new Date(Date.now() + delayMs));
}

/** Records being synced in this process, so sweeps wait for each other instead of polling. */
const inflight = () => ((globalThis as unknown as { __crmInflight?: Map<string, Promise<Outcome>> }).__crmInflight ??= new Map());

export class Sweep implements SyncContext {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly mapping: SyncMapping;
  private readonly states = new Map<string, StateRow>();
  /** Leases this sweep holds right now. */
  private readonly held = new Set<string>();
  private readonly outcomes = new Map<string, Promise<Outcome>>();
  private readonly hashes = new Map<string, string>();
  private readonly eventIds = new Map<string, string>();
  private pausedReason: string | null = null;
  /** Records read in bulk at the start of the sweep; each is used once (later syncs re-read). */
  private loaded = new Map<string, unknown>();

  constructor(
    settings: CrmSettings,
    readonly engine: SyncEngine,
  ) {
    this.mapping = mappingOf(settings);
  }

  async run(primary: RecordRef): Promise<void> {
    const primaryKey = refKey(primary);
    const taken = new Map<string, TakenJob>();
    for (const t of await takeDueJobs(SWEEP_SIZE - 1, crmJobKey(primary.entity, primary.id)))
      if (refKey(t.ref) !== primaryKey) taken.set(refKey(t.ref), t);
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

    this.loaded = await loadRecords([primary, ...mine.map((t) => t.ref)].filter((r) => this.held.has(refKey(r))));
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

  /** Takes the lease of every record it can (adds them to `held`). */
  private async claim(refs: RecordRef[]): Promise<void> {
    for (const row of await claimLeases(refs, this.owner)) {
      const key = `${row.entityType}:${row.localId}`;
      this.states.set(key, row);
      this.held.add(key);
    }
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
      return await SYNCS[ref.entity](this, ref);
    } catch (e) {
      return await this.recordFailure(ref, e);
    } finally {
      if (this.held.has(key)) {
        this.held.delete(key);
        await releaseLease(ref, this.owner).catch((err: unknown) => logger().warn({ err, key }, "CRM sync: releasing a lease failed"));
      }
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

  // ---- SyncContext: what the per-entity syncs use --------------------------------------------

  preloaded<T>(ref: RecordRef): T | undefined {
    const key = refKey(ref);
    const v = this.loaded.get(key) as T | undefined;
    this.loaded.delete(key);
    return v;
  }

  state(ref: RecordRef): StateRow | undefined {
    return this.states.get(refKey(ref));
  }

  createStarted(ref: RecordRef): boolean {
    return !!this.states.get(refKey(ref))?.createStartedAt;
  }

  setEventId(ref: RecordRef, eventId: string): void {
    this.eventIds.set(refKey(ref), eventId);
  }

  async saveState(ref: RecordRef, data: StatePatch, opts: { release?: boolean; store?: StoreId } = {}): Promise<void> {
    const key = refKey(ref);
    const eventId = this.eventIds.get(key);
    if (eventId && data.eventId === undefined) data = { ...data, eventId };
    if (!(await writeState(ref, this.owner, data, !!opts.release, opts.store)))
      logger().warn({ record: key }, "CRM sync: state row not updated (lease lost?)");
    if (opts.release) this.held.delete(key);
    const s = this.states.get(key);
    if (s) Object.assign(s, data);
  }

  async dependency(ref: RecordRef, currentCrmId: number | null): Promise<number | null> {
    if (currentCrmId) return currentCrmId;
    const outcome = await this.outcome(ref);
    if (outcome.kind === "retry") throw outcome.error;
    if (outcome.kind === "paused") throw new PausedError(this.pausedReason ?? "paused");
    if (outcome.crmId) return outcome.crmId;
    return crmIdOf(ref); // synced elsewhere meanwhile, or null: the link is left out (pushed again once it syncs)
  }

  unchanged(ref: RecordRef, hash: string, crmId: number | null): Outcome | null {
    const key = refKey(ref);
    this.hashes.set(key, hash);
    const s = this.states.get(key);
    if (!s || s.dataHash !== hash) return null;
    if (s.status === "synced" && crmId) return { kind: "unchanged", crmId };
    if (s.status === "failed") return { kind: "failed", crmId, message: "unchanged since refused" };
    return null;
  }

  beforeCreate(ref: RecordRef) {
    return async () => {
      await this.saveState(ref, { createStartedAt: new Date() });
    };
  }

  async gone(ref: RecordRef): Promise<Outcome> {
    await deleteState(ref);
    this.held.delete(refKey(ref));
    return { kind: "gone", crmId: null };
  }

  async finish(ref: RecordRef, crmId: number, hash: string, extra: FinishExtra = {}, store?: StoreId): Promise<Outcome> {
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
      { release: true, store },
    );
    if (before === "failed") await enqueueDependents(ref);
    return { kind: "synced", crmId };
  }
}
