import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "./db.server";
import type { Actor } from "./permissions.server";

type Entry = {
  action: string;
  entityType: string;
  entityId: string;
  eventId?: string | null;
  exhibitorId?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
};

/** Where the entry is written: pass the transaction of the change, so that the change and its entry commit together or not at all. */
export type AuditDb = Pick<Prisma.TransactionClient, "auditLog">;

/** Who changed what, before and after. Call it with `tx` inside the change's transaction. */
export async function audit(actor: Actor | null, e: Entry, db: AuditDb = prisma()): Promise<void> {
  await db.auditLog.create({ data: row(actor, e) });
}

/** Several entries in one insert (a bulk change: one entry per record changed). */
export async function auditMany(actor: Actor | null, entries: Entry[], db: AuditDb = prisma()): Promise<void> {
  if (entries.length) await db.auditLog.createMany({ data: entries.map((e) => row(actor, e)) });
}

function row(actor: Actor | null, e: Entry) {
  return {
    actorUserId: actor?.type === "user" ? actor.id : null,
    actorTokenId: actor?.type === "token" ? actor.id : null,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    eventId: e.eventId ?? null,
    exhibitorId: e.exhibitorId ?? null,
    before: e.before === undefined ? undefined : (JSON.parse(JSON.stringify(e.before)) as object),
    after: e.after === undefined ? undefined : (JSON.parse(JSON.stringify(e.after)) as object),
    ip: e.ip ?? null,
  };
}
