import { prisma } from "~/utils/db.server";

// Who uses a shared badge quota (issue #13 item 9): a parent's quota holds its own staff and
// its sub-exhibitors'. The parent and managers see every share by name; a sub-exhibitor sees
// the parent, itself and the other sub-exhibitors as one sum (their names are not its business).

export type Share = { kind: "parent" | "sub" | "self" | "others"; name: string | null; used: number; quota: number | null };
export type QuotaShares = { quota: number; used: number; free: number; shares: Share[]; viewer: "full" | "sub"; ownFree: number | null };

/** Null when the exhibitor shares no quota (no parent, no sub-exhibitors). */
export async function quotaShares(exhibitorId: string, viewer: "full" | "sub"): Promise<QuotaShares | null> {
  const ex = await prisma().exhibitor.findUnique({ where: { id: exhibitorId }, select: { id: true, parentExhibitorId: true } });
  if (!ex) return null;
  const rootId = ex.parentExhibitorId ?? ex.id;
  const family = await prisma().exhibitor.findMany({
    where: { OR: [{ id: rootId }, { parentExhibitorId: rootId }] },
    include: { organization: { select: { name: true } } },
    orderBy: [{ stand: "asc" }, { id: "asc" }],
  });
  if (family.length < 2) return null;
  const counts = await prisma().registration.groupBy({
    by: ["exhibitorId"],
    where: { exhibitorId: { in: family.map((f) => f.id) }, category: "exhibitor_staff", status: { notIn: ["cancelled", "rejected"] } },
    _count: { _all: true },
  });
  const usedBy = (id: string) => counts.find((c) => c.exhibitorId === id)?._count._all ?? 0;
  const root = family.find((f) => f.id === rootId)!;
  const subs = family.filter((f) => f.id !== rootId);
  const used = family.reduce((n, f) => n + usedBy(f.id), 0);
  const free = Math.max(0, root.staffQuota - used);
  const parentShare: Share = { kind: "parent", name: root.organization.name, used: usedBy(root.id), quota: null };
  if (viewer === "full" || ex.id === rootId) {
    return { quota: root.staffQuota, used, free, viewer: "full", ownFree: null, shares: [parentShare, ...subs.map((s) => ({ kind: "sub" as const, name: s.organization.name, used: usedBy(s.id), quota: s.staffQuota }))] };
  }
  const self = subs.find((s) => s.id === ex.id)!;
  const others = subs.filter((s) => s.id !== ex.id).reduce((n, s) => n + usedBy(s.id), 0);
  return {
    quota: root.staffQuota,
    used,
    free,
    viewer: "sub",
    // What this sub-exhibitor may still add: its own quota and the parent's, whichever is tighter.
    ownFree: Math.max(0, Math.min(self.staffQuota - usedBy(self.id), free)),
    shares: [parentShare, { kind: "self", name: null, used: usedBy(self.id), quota: self.staffQuota }, ...(subs.length > 1 ? [{ kind: "others" as const, name: null, used: others, quota: null }] : [])],
  };
}
