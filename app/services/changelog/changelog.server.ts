import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { parseId } from "~/utils/ids";
import { ru } from "~/i18n/ru";
import type { ChangeEntryView } from "~/components/change-log";
import { describeEntry, type Words } from "./words.server";

// The change log of an event or of one exhibitor (issue #13 item 2): AuditLog rows newest
// first, paged by a keyset cursor (at, id) so a page never skips or repeats rows that arrive
// while someone reads, with filters by exhibitor, author and action.

export const CHANGELOG_PAGE = 50;

export type ChangeLogScope = { eventId: string; exhibitorId?: string; timezone: string };
export type ChangeLogQuery = { cursor: string | null; exhibitor: string | null; author: string | null; action: string | null };

/** "1764755400123.42": the last shown row's time (ms) and id. Anything else is not a cursor. */
function parseCursor(raw: string | null): { at: Date; id: bigint } | null {
  const m = raw ? /^(\d{1,15})\.(\d{1,18})$/.exec(raw) : null;
  return m ? { at: new Date(Number(m[1])), id: BigInt(m[2]) } : null;
}

/** "u:<uuid>" a user, "t:<uuid>" a token, "system" nobody signed in. */
function authorWhere(author: string | null): Prisma.AuditLogWhereInput | null {
  if (author === "system") return { actorUserId: null, actorTokenId: null };
  const id = parseId(author?.slice(2));
  if (author?.startsWith("u:") && id) return { actorUserId: id };
  if (author?.startsWith("t:") && id) return { actorTokenId: id };
  return null;
}

export function queryFromUrl(url: URL): ChangeLogQuery {
  const get = (k: string) => url.searchParams.get(k) || null;
  return { cursor: get("cursor"), exhibitor: get("exhibitor"), author: get("author"), action: get("action") };
}

export async function loadChangeLog(scope: ChangeLogScope, q: ChangeLogQuery, words: Words) {
  const exhibitors = await prisma().exhibitor.findMany({
    where: { eventId: scope.eventId },
    include: { organization: { select: { name: true } } },
    orderBy: { organization: { name: "asc" } },
  });
  // Plain equality on an indexed column: the newest rows come straight off the index.
  const base: Prisma.AuditLogWhereInput = scope.exhibitorId ? { exhibitorId: scope.exhibitorId } : { eventId: scope.eventId };
  const filters: Prisma.AuditLogWhereInput[] = [base];
  const exhibitorId = scope.exhibitorId ? null : parseId(q.exhibitor);
  if (exhibitorId) filters.push({ exhibitorId });
  const author = authorWhere(q.author);
  if (author) filters.push(author);
  const action = q.action && /^[a-zA-Z.]{1,60}$/.test(q.action) ? q.action : null;
  if (action) filters.push({ action });
  const cursor = parseCursor(q.cursor);
  const badCursor = !!q.cursor && !cursor;
  if (cursor) filters.push({ OR: [{ at: { lt: cursor.at } }, { at: cursor.at, id: { lt: cursor.id } }] });

  const [rows, authors] = await Promise.all([
    prisma().auditLog.findMany({ where: { AND: filters }, orderBy: [{ at: "desc" }, { id: "desc" }], take: CHANGELOG_PAGE + 1 }),
    possibleAuthors(
      scope,
      exhibitors.map((e) => e.id),
    ),
  ]);
  const page = rows.slice(0, CHANGELOG_PAGE);
  const last = page[page.length - 1];
  const names = await actorNames([...page, ...authors]);
  const exhibitorName = new Map(exhibitors.map((e) => [e.id, e.organization.name]));
  const entries: ChangeEntryView[] = page.map((r) =>
    describeEntry(r, {
      words,
      zone: scope.timezone,
      who: whoOf(r, names, words),
      exhibitorName: r.exhibitorId ? (exhibitorName.get(r.exhibitorId) ?? null) : null,
    }),
  );
  return {
    entries,
    next: rows.length > CHANGELOG_PAGE && last ? `${last.at.getTime()}.${last.id}` : null,
    paged: !!cursor,
    badCursor,
    filters: {
      exhibitor: exhibitorId,
      author: author ? q.author : null,
      action,
    },
    options: {
      exhibitors: scope.exhibitorId ? [] : exhibitors.map((e) => ({ value: e.id, label: e.organization.name })),
      authors: authors
        .map((a) => ({
          value: a.actorUserId ? `u:${a.actorUserId}` : a.actorTokenId ? `t:${a.actorTokenId}` : "system",
          label: whoOf(a, names, words),
        }))
        .sort((x, y) => x.label.localeCompare(y.label)),
      actions: KNOWN_ACTIONS.map((a) => ({ value: a, label: words.action(a) })).sort((x, y) => x.label.localeCompare(y.label)),
    },
  };
}

/** Every action the catalogues have words for (scanning the log for its distinct actions is a full scan). */
const KNOWN_ACTIONS = Object.keys(ru)
  .filter((k) => k.startsWith("log.action.") && k !== "log.action.other")
  .map((k) => k.slice("log.action.".length));

type Author = { actorUserId: string | null; actorTokenId: string | null };

/** Who can have written here: managers, the exhibitors' accounts and tokens, the event's kiosks and tokens, the system. */
async function possibleAuthors(scope: ChangeLogScope, exhibitorIds: string[]): Promise<Author[]> {
  const own = scope.exhibitorId ? [scope.exhibitorId] : exhibitorIds;
  const [users, tokens] = await Promise.all([
    prisma().user.findMany({ where: { OR: [{ role: { in: ["admin", "manager"] } }, { exhibitorId: { in: own } }] }, select: { id: true } }),
    prisma().apiToken.findMany({
      where: {
        OR: [
          { role: { in: ["manager", "site"] }, eventId: { in: [scope.eventId] } },
          { role: { in: ["manager", "site"] }, eventId: null },
          { kiosk: { eventId: scope.eventId } },
          { exhibitorId: { in: own } },
        ],
      },
      select: { id: true },
    }),
  ]);
  return [
    ...users.map((u) => ({ actorUserId: u.id, actorTokenId: null })),
    ...tokens.map((t) => ({ actorUserId: null, actorTokenId: t.id })),
    { actorUserId: null, actorTokenId: null },
  ];
}

type Names = { users: Map<string, string>; tokens: Map<string, string> };

async function actorNames(rows: { actorUserId: string | null; actorTokenId: string | null }[]): Promise<Names> {
  const userIds = [...new Set(rows.flatMap((r) => (r.actorUserId ? [r.actorUserId] : [])))];
  const tokenIds = [...new Set(rows.flatMap((r) => (r.actorTokenId ? [r.actorTokenId] : [])))];
  const [users, tokens] = await Promise.all([
    prisma().user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } }),
    prisma().apiToken.findMany({
      where: { id: { in: tokenIds } },
      select: { id: true, name: true, role: true, kiosk: { select: { name: true } } },
    }),
  ]);
  return {
    users: new Map(users.map((u) => [u.id, u.name && u.name !== u.email ? `${u.name} (${u.email})` : u.email])),
    tokens: new Map(tokens.map((t) => [t.id, t.role === "kiosk" ? `kiosk:${t.kiosk?.name ?? t.name}` : `token:${t.name}`])),
  };
}

function whoOf(r: { actorUserId: string | null; actorTokenId: string | null; action?: string }, names: Names, words: Words): string {
  if (r.actorUserId) return names.users.get(r.actorUserId) ?? words.t("log.who.deletedUser");
  if (r.actorTokenId) {
    const token = names.tokens.get(r.actorTokenId);
    if (!token) return words.t("log.who.deletedToken");
    return token.startsWith("kiosk:")
      ? words.t("log.who.kiosk", { name: token.slice(6) })
      : words.t("log.who.token", { name: token.slice(6) });
  }
  // The attendee's own link signs nobody in; everything else without an author is the system.
  return r.action?.startsWith("registration.self.") ? words.t("log.who.attendee") : words.t("log.who.system");
}
