import type { Prisma } from "~/generated/prisma/client";
import { pool, prisma } from "./db.server";
import { singleton } from "./singleton.server";
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

// The lookup runs on every API request (each kiosk scan): one prepared statement on the pool,
// not a Prisma query, and no cache, so a revoked token is refused on its very next request by
// every process (docs/decisions/0012-kiosk-hot-path.md). lastUsedAt (the kiosk list's "online")
// is written at most once per LAST_USED_EVERY_MS per token and process.
const LAST_USED_EVERY_MS = 15_000;
const lastUsedWrites = () => singleton("api-tokens:lastUsed", () => new Map<string, number>());

const TOKEN_SQL = {
  name: "api-token-by-hash",
  text: `SELECT "id", "role"::text AS "role", "exhibitorId", "eventId", "kioskId" FROM "ApiToken" WHERE "tokenHash" = $1 AND "revokedAt" IS NULL`,
};

export async function actorFromBearer(header: string | null): Promise<Actor | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  if (!match) return null;
  const r = await pool().query<{ id: string; role: TokenRole; exhibitorId: string | null; eventId: string | null; kioskId: string | null }>({
    ...TOKEN_SQL,
    values: [sha256(match[1])],
  });
  const row = r.rows[0];
  if (!row) return null;
  const writes = lastUsedWrites();
  const now = Date.now();
  if (now - (writes.get(row.id) ?? 0) >= LAST_USED_EVERY_MS) {
    writes.set(row.id, now);
    if (writes.size > 10_000) writes.clear();
    // Best effort; a lost update of lastUsedAt is harmless.
    void pool()
      .query(`UPDATE "ApiToken" SET "lastUsedAt" = now() WHERE "id" = $1`, [row.id])
      .catch(() => {});
  }
  return { type: "token", id: row.id, role: row.role, exhibitorId: row.exhibitorId, eventId: row.eventId, kioskId: row.kioskId };
}

/** A token's name: an API registration's source detail (issue #14), e.g. "site: expo.ru". */
export async function tokenName(actor: Actor | null): Promise<string | null> {
  if (actor?.type !== "token") return null;
  const row = await prisma().apiToken.findUnique({ where: { id: actor.id }, select: { name: true } });
  return row?.name ?? null;
}
