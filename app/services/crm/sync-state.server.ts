// The CrmSyncState rows of the sync: leases, outcomes, and the CRM ids stored on local records.
import { prisma, pool } from "~/utils/db.server";
import { enqueueCrmSyncMany } from "../outbox.server";
import { refKey, type CrmEntity, type RecordRef } from "./sync-mapping.server";

/** A crashed worker's leases expire after this. */
const LEASE_SECONDS = 600;

export type StatePatch = Partial<{
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

export type StateRow = {
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

/** Takes the lease of every record it can; returns the state rows of those. */
export async function claimLeases(refs: RecordRef[], owner: string): Promise<StateRow[]> {
  // A stable order keeps concurrent upserts from deadlocking each other.
  const sorted = [...new Map(refs.map((r) => [refKey(r), r])).values()].sort((a, b) => refKey(a).localeCompare(refKey(b)));
  const r = await pool().query<StateRow>(
    `INSERT INTO "CrmSyncState" ("entityType", "localId", "status", "leaseOwner", "leaseUntil", "updatedAt")
     SELECT t.e::"CrmEntity", t.id::uuid, 'pending', $3, now() + make_interval(secs => $4), now()
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(e, id, n) ORDER BY t.n
     ON CONFLICT ("entityType", "localId") DO UPDATE SET "leaseOwner" = EXCLUDED."leaseOwner", "leaseUntil" = EXCLUDED."leaseUntil"
     WHERE "CrmSyncState"."leaseUntil" IS NULL OR "CrmSyncState"."leaseUntil" < now() OR "CrmSyncState"."leaseOwner" = EXCLUDED."leaseOwner"
     RETURNING "id", "entityType", "localId"::text, "status", "crmId", "crmStageId", "dataHash", "attempts", "createStartedAt", "visitCommentFor"`,
    [sorted.map((x) => x.entity), sorted.map((x) => x.id), owner, LEASE_SECONDS],
  );
  return r.rows;
}

export async function releaseLease(ref: RecordRef, owner: string): Promise<void> {
  await pool().query(
    `UPDATE "CrmSyncState" SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE "entityType" = $1::"CrmEntity" AND "localId" = $2::uuid AND "leaseOwner" = $3`,
    [ref.entity, ref.id, owner],
  );
}

/**
 * Updates the row if `owner` holds its lease (or nobody does); false when it was not updated.
 * `store`: the record's new CRM id, written by the same statement (one round trip, not two).
 */
export async function writeState(ref: RecordRef, owner: string, data: StatePatch, release: boolean, store?: StoreId): Promise<boolean> {
  const cols = Object.entries(data).filter(([, v]) => v !== undefined) as [keyof StatePatch, unknown][];
  const sets = cols.map(([c], i) => `"${c}" = $${i + 4}${CASTS[c] ?? ""}`);
  if (release) sets.push(`"leaseOwner" = NULL`, `"leaseUntil" = NULL`);
  sets.push(`"updatedAt" = now()`);
  const params = [ref.entity, ref.id, owner, ...cols.map(([, v]) => v)];
  let storing = "";
  if (store) {
    const [table, column] = store.column;
    storing = `WITH stored AS (UPDATE "${table}" SET "${column}" = $${params.length + 1} WHERE id = $${params.length + 2}::uuid) `;
    params.push(store.crmId, store.id);
  }
  const r = await pool().query(
    `${storing}UPDATE "CrmSyncState" SET ${sets.join(", ")} WHERE "entityType" = $1::"CrmEntity" AND "localId" = $2::uuid AND ("leaseOwner" = $3 OR "leaseOwner" IS NULL)`,
    params,
  );
  return r.rowCount !== 0;
}

export async function deleteState(ref: RecordRef): Promise<void> {
  await prisma().crmSyncState.deleteMany({ where: { entityType: ref.entity, localId: ref.id } });
}

/** Marks records as waiting (for configuration or a resume), in one statement. */
export async function markWaiting(refs: RecordRef[], status: "waiting_config" | "pending"): Promise<void> {
  if (!refs.length) return;
  await pool().query(
    `INSERT INTO "CrmSyncState" ("entityType", "localId", "status", "updatedAt")
     SELECT e::"CrmEntity", id, $3::"CrmSyncStatus", now() FROM unnest($1::text[], $2::uuid[]) AS t(e, id)
     ON CONFLICT ("entityType", "localId") DO UPDATE SET "status" = EXCLUDED."status", "updatedAt" = now()`,
    [refs.map((r) => r.entity), refs.map((r) => r.id), status],
  );
}

export type CrmIdColumn =
  | ["Organization", "crmCompanyId"]
  | ["Person", "crmContactId"]
  | ["Registration" | "Exhibitor", "crmDealId"]
  | ["StandBooking", "crmCompanyId" | "crmContactId" | "crmDealId"];

/** A record's new CRM id, to store on its row. */
export type StoreId = { column: CrmIdColumn; id: string; crmId: number };

/** Raw SQL: storing the CRM id is not an edit of the record (updatedAt stays). */
export async function storeCrmId([table, column]: CrmIdColumn, id: string, crmId: number): Promise<void> {
  await pool().query(`UPDATE "${table}" SET "${column}" = $1 WHERE id = $2::uuid`, [crmId, id]);
}

export async function crmIdOf(ref: RecordRef): Promise<number | null> {
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
export async function enqueueDependents(ref: RecordRef): Promise<void> {
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
