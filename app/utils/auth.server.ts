import { NodePostgresAdapter } from "@lucia-auth/adapter-postgresql";
import { hash, verify } from "@node-rs/argon2";
import { createHash, randomBytes } from "node:crypto";
import { Lucia, type Session, type User } from "lucia";
import type { Prisma } from "~/generated/prisma/client";
import { env } from "./env.server";
import { pool, prisma } from "./db.server";
import { singleton } from "./singleton.server";

export type Role = "admin" | "manager" | "exhibitor";

type UserRow = { email: string; name: string; role: Role; exhibitorId: string | null; active: boolean; locale: string };

function secureCookies(): boolean {
  const setting = env().SESSION_SECURE;
  if (setting !== "auto") return setting === "true";
  return (env().APP_URL ?? "").startsWith("https://");
}

export const lucia = () =>
  singleton(
    "lucia",
    () =>
      new Lucia(new NodePostgresAdapter(pool(), { user: "User", session: "Session" }), {
        sessionCookie: {
          name: "expodesk_session",
          expires: false,
          attributes: { secure: secureCookies(), sameSite: "lax", path: "/" },
        },
        getUserAttributes: (row: UserRow) => ({
          email: row.email,
          name: row.name,
          role: row.role,
          exhibitorId: row.exhibitorId,
          active: row.active,
          locale: row.locale,
        }),
      }),
  );

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof lucia>;
    DatabaseUserAttributes: UserRow;
  }
}

export type AuthUser = User;

// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes).
const ARGON = { memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 };
export const hashPassword = (password: string) => hash(password, ARGON);
export const verifyPassword = (passwordHash: string, password: string) => verify(passwordHash, password).catch(() => false);

export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
export const randomToken = (bytes = 32) => randomBytes(bytes).toString("base64url");

export async function readSession(request: Request): Promise<{ user: User; session: Session; setCookie?: string } | null> {
  const l = lucia();
  const sessionId = l.readSessionCookie(request.headers.get("cookie") ?? "");
  if (!sessionId) return null;
  const { user, session } = await l.validateSession(sessionId);
  if (!user || !session || !user.active) return null;
  const setCookie = session.fresh ? l.createSessionCookie(session.id).serialize() : undefined;
  return { user, session, setCookie };
}

export async function createSessionCookie(userId: string): Promise<string> {
  const session = await lucia().createSession(userId, {});
  return lucia().createSessionCookie(session.id).serialize();
}

export async function destroySession(request: Request): Promise<string> {
  const l = lucia();
  const sessionId = l.readSessionCookie(request.headers.get("cookie") ?? "");
  if (sessionId) await l.invalidateSession(sessionId);
  return l.createBlankSessionCookie().serialize();
}

// --- throttling of failed logins -------------------------------------------------------------

export const THROTTLE = { accountFailures: 5, ipFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

/** When the account or address is locked, the moment it opens again. */
export async function lockedUntil(keys: string[], now = new Date()): Promise<Date | null> {
  const rows = await prisma().loginThrottle.findMany({ where: { key: { in: keys }, lockedUntil: { gt: now } } });
  if (rows.length === 0) return null;
  return new Date(Math.max(...rows.map((r) => r.lockedUntil!.getTime())));
}

/**
 * Counts one attempt for `key` before the password is verified, in one statement, so that
 * parallel attempts each get their own number: only the first `limit` of a window are verified.
 * An attempt over the limit locks the key. Returns the lock's end when this attempt is refused.
 */
export async function countAttempt(key: string, limit: number, now = new Date()): Promise<Date | null> {
  const windowStart = new Date(now.getTime() - THROTTLE.windowMs);
  const lockEnd = new Date(now.getTime() + THROTTLE.lockMs);
  const { rows } = await pool().query<{ failures: number; lockedUntil: Date | null }>(
    `INSERT INTO "LoginThrottle" AS t (key, failures, "windowStart") VALUES ($1, 1, $2)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t."lockedUntil" > $2 THEN t.failures
                       WHEN t."lockedUntil" IS NOT NULL OR t."windowStart" < $3 THEN 1
                       ELSE t.failures + 1 END,
       "windowStart" = CASE WHEN t."lockedUntil" > $2 THEN t."windowStart"
                            WHEN t."lockedUntil" IS NOT NULL OR t."windowStart" < $3 THEN $2
                            ELSE t."windowStart" END,
       "lockedUntil" = CASE WHEN t."lockedUntil" > $2 THEN t."lockedUntil"
                            WHEN t."lockedUntil" IS NULL AND t."windowStart" >= $3 AND t.failures + 1 > $4 THEN $5::timestamptz
                            ELSE NULL END
     RETURNING failures, "lockedUntil"`,
    [key, now, windowStart, limit, lockEnd],
  );
  const until = rows[0]?.lockedUntil ?? null;
  return until && until > now ? until : null;
}

/** After a failed verification: the attempt was counted already; reaching the limit locks the key. */
export async function lockIfAtLimit(key: string, limit: number, now = new Date()): Promise<void> {
  await pool().query(`UPDATE "LoginThrottle" SET "lockedUntil" = $2 WHERE key = $1 AND "lockedUntil" IS NULL AND failures >= $3`, [
    key,
    new Date(now.getTime() + THROTTLE.lockMs),
    limit,
  ]);
}

export type LoginResult =
  | { ok: true; userId: string; role: Role }
  | { ok: false; reason: "invalid" | "inactive" }
  | { ok: false; reason: "locked"; until: Date };

export async function attemptLogin(emailInput: string, password: string, ip: string): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const accountKey = `account:${email}`;
  const ipKey = `ip:${ip}`;
  // Counted before the (slow) verification: parallel guesses cannot all pass a check made before any failure is recorded.
  const accountLock = await countAttempt(accountKey, THROTTLE.accountFailures);
  if (accountLock) return { ok: false, reason: "locked", until: accountLock };
  const ipLock = await countAttempt(ipKey, THROTTLE.ipFailures);
  if (ipLock) return { ok: false, reason: "locked", until: ipLock };
  const user = await prisma().user.findUnique({ where: { email } });
  // Verify against a dummy hash for unknown users so timing does not reveal which emails exist.
  const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
  if (!user || !ok) {
    await lockIfAtLimit(accountKey, THROTTLE.accountFailures);
    await lockIfAtLimit(ipKey, THROTTLE.ipFailures);
    const nowLocked = await lockedUntil([accountKey, ipKey]);
    return nowLocked ? { ok: false, reason: "locked", until: nowLocked } : { ok: false, reason: "invalid" };
  }
  if (!user.active) return { ok: false, reason: "inactive" };
  // A right password clears the account's count and takes its attempt back from the address's.
  await prisma().loginThrottle.deleteMany({ where: { key: accountKey } });
  await pool().query(`UPDATE "LoginThrottle" SET failures = GREATEST(failures - 1, 0) WHERE key = $1 AND "lockedUntil" IS NULL`, [ipKey]);
  await prisma().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return { ok: true, userId: user.id, role: user.role };
}

const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$Ir8Rtb/BtqODG3jyTqBh2g$uUyFe249WcOG27HwVvRYpMV+xVhUEV9IaiSAtj9eWJk";

// --- one-time set-password links --------------------------------------------------------------

export const PASSWORD_LINK_HOURS = 72;

/** A new link revokes the user's earlier unused ones: only the latest mail works. */
export async function createPasswordToken(
  userId: string,
  db: Pick<Prisma.TransactionClient, "passwordToken"> | null = null,
): Promise<string> {
  const token = randomToken();
  const write = async (tx: Pick<Prisma.TransactionClient, "passwordToken">) => {
    await tx.passwordToken.deleteMany({ where: { userId, usedAt: null } });
    await tx.passwordToken.create({
      data: { userId, tokenHash: sha256(token), expiresAt: new Date(Date.now() + PASSWORD_LINK_HOURS * 3600_000) },
    });
  };
  if (db) await write(db);
  else await prisma().$transaction(write);
  return token;
}

export async function findPasswordToken(token: string) {
  const row = await prisma().passwordToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
  if (!row || row.usedAt || row.expiresAt < new Date() || !row.user.active) return null;
  return row;
}

export async function consumePasswordToken(token: string, password: string): Promise<boolean> {
  const row = await findPasswordToken(token);
  if (!row) return false;
  const passwordHash = await hashPassword(password);
  const used = await prisma().passwordToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  if (used.count !== 1) return false;
  await prisma().user.update({ where: { id: row.userId }, data: { passwordHash } });
  // Any other link still out stops working once a password is set.
  await prisma().passwordToken.deleteMany({ where: { userId: row.userId, usedAt: null } });
  await lucia().invalidateUserSessions(row.userId);
  return true;
}
