import { NodePostgresAdapter } from "@lucia-auth/adapter-postgresql";
import { hash, verify } from "@node-rs/argon2";
import { createHash, randomBytes } from "node:crypto";
import { Lucia, type Session, type User } from "lucia";
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

export async function recordFailure(key: string, limit: number, now = new Date()): Promise<void> {
  const windowStart = new Date(now.getTime() - THROTTLE.windowMs);
  // One statement so that parallel failures cannot both read the old count.
  await pool().query(
    `INSERT INTO "LoginThrottle" (key, failures, "windowStart") VALUES ($1, 1, $2)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN "LoginThrottle"."windowStart" < $3 THEN 1 ELSE "LoginThrottle".failures + 1 END,
       "windowStart" = CASE WHEN "LoginThrottle"."windowStart" < $3 THEN $2 ELSE "LoginThrottle"."windowStart" END`,
    [key, now, windowStart],
  );
  await pool().query(
    `UPDATE "LoginThrottle" SET "lockedUntil" = $2, failures = 0, "windowStart" = $3 WHERE key = $1 AND failures >= $4`,
    [key, new Date(now.getTime() + THROTTLE.lockMs), now, limit],
  );
}

export type LoginResult =
  | { ok: true; userId: string; role: Role }
  | { ok: false; reason: "invalid" | "inactive" }
  | { ok: false; reason: "locked"; until: Date };

export async function attemptLogin(emailInput: string, password: string, ip: string): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const keys = [`account:${email}`, `ip:${ip}`];
  const until = await lockedUntil(keys);
  if (until) return { ok: false, reason: "locked", until };
  const user = await prisma().user.findUnique({ where: { email } });
  // Verify against a dummy hash for unknown users so timing does not reveal which emails exist.
  const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
  if (!user || !ok) {
    await recordFailure(keys[0], THROTTLE.accountFailures);
    await recordFailure(keys[1], THROTTLE.ipFailures);
    const nowLocked = await lockedUntil(keys);
    return nowLocked ? { ok: false, reason: "locked", until: nowLocked } : { ok: false, reason: "invalid" };
  }
  if (!user.active) return { ok: false, reason: "inactive" };
  await prisma().loginThrottle.deleteMany({ where: { key: keys[0] } });
  await prisma().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return { ok: true, userId: user.id, role: user.role };
}

const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$Ir8Rtb/BtqODG3jyTqBh2g$uUyFe249WcOG27HwVvRYpMV+xVhUEV9IaiSAtj9eWJk";

// --- one-time set-password links --------------------------------------------------------------

export const PASSWORD_LINK_HOURS = 72;

export async function createPasswordToken(userId: string): Promise<string> {
  const token = randomToken();
  await prisma().passwordToken.create({
    data: { userId, tokenHash: sha256(token), expiresAt: new Date(Date.now() + PASSWORD_LINK_HOURS * 3600_000) },
  });
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
  await lucia().invalidateUserSessions(row.userId);
  return true;
}
