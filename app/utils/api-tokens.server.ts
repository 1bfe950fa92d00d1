import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "./db.server";
import { randomToken, sha256 } from "./auth.server";
import type { Actor } from "./permissions.server";

export type TokenRole = "manager" | "site" | "kiosk" | "exhibitor";

/** Creates a token and returns it in clear: the only time it is ever shown. */
export async function createApiToken(input: {
  role: TokenRole;
  name: string;
  exhibitorId?: string | null;
  eventId?: string | null;
  kioskId?: string | null;
  createdById?: string | null;
}, db: Pick<Prisma.TransactionClient, "apiToken"> = prisma()): Promise<{ id: string; token: string }> {
  if (input.role === "exhibitor" && !input.exhibitorId) throw new Error("An exhibitor token needs an exhibitor");
  const token = `exd_${randomToken(32)}`;
  const row = await db.apiToken.create({
    data: {
      name: input.name,
      role: input.role,
      tokenHash: sha256(token),
      prefix: token.slice(0, 10),
      exhibitorId: input.exhibitorId ?? null,
      eventId: input.eventId ?? null,
      kioskId: input.kioskId ?? null,
      createdById: input.createdById ?? null,
    },
  });
  return { id: row.id, token };
}

export async function revokeApiToken(id: string): Promise<void> {
  await prisma().apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
}

export async function actorFromBearer(header: string | null): Promise<Actor | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  if (!match) return null;
  const row = await prisma().apiToken.findUnique({ where: { tokenHash: sha256(match[1]) } });
  if (!row || row.revokedAt) return null;
  // Best effort; a lost update of lastUsedAt is harmless.
  void prisma().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
  return { type: "token", id: row.id, role: row.role, exhibitorId: row.exhibitorId, eventId: row.eventId, kioskId: row.kioskId };
}

/** A token's name: an API registration's source detail (issue #14), e.g. "site: expo.ru". */
export async function tokenName(actor: Actor | null): Promise<string | null> {
  if (actor?.type !== "token") return null;
  const row = await prisma().apiToken.findUnique({ where: { id: actor.id }, select: { name: true } });
  return row?.name ?? null;
}
