// What the per-entity syncs (sync-cards, sync-deals) get from the sweep that runs them.
import type { SyncEngine } from "./sync-engine.server";
import type { RecordRef, SyncMapping } from "./sync-mapping.server";
import type { StatePatch, StateRow, StoreId } from "./sync-state.server";

export type Outcome =
  | { kind: "synced" | "unchanged"; crmId: number | null }
  | { kind: "failed"; crmId: number | null; message: string }
  | { kind: "gone"; crmId: null }
  | { kind: "retry"; crmId: number | null; error: unknown }
  | { kind: "paused"; crmId: number | null };

export type FinishExtra = {
  crmCategoryId?: number | null;
  crmStageId?: string | null;
  eventId?: string | null;
  visitCommentFor?: string | null;
};

export interface SyncContext {
  readonly engine: SyncEngine;
  readonly mapping: SyncMapping;
  /** The record read in bulk at the start of the sweep, once (later syncs read it again). */
  preloaded<T>(ref: RecordRef): T | undefined;
  state(ref: RecordRef): StateRow | undefined;
  /** A create may have been sent before without its answer (look up by ORIGIN_ID first). */
  createStarted(ref: RecordRef): boolean;
  setEventId(ref: RecordRef, eventId: string): void;
  /** Remembers the hash of what would be sent; an outcome when nothing needs sending. */
  unchanged(ref: RecordRef, hash: string, crmId: number | null): Outcome | null;
  /** CRM id of a record this one links to: synced first if it has none yet; null if it cannot be. */
  dependency(ref: RecordRef, currentCrmId: number | null): Promise<number | null>;
  beforeCreate(ref: RecordRef): () => Promise<void>;
  saveState(ref: RecordRef, data: StatePatch, opts?: { store?: StoreId }): Promise<void>;
  /** The local record no longer exists. */
  gone(ref: RecordRef): Promise<Outcome>;
  /** Marks the record synced (and stores its new CRM id on its row, in the same statement). */
  finish(ref: RecordRef, crmId: number, hash: string, extra?: FinishExtra, store?: StoreId): Promise<Outcome>;
}
