import type { Event } from "~/generated/prisma/client";
import { prisma } from "./db.server";
import { forbidden, notFound } from "./errors.server";
import { idParam } from "./ids";
import type { AuthUser } from "./auth.server";
import { requireUser } from "./session.server";

// Every loader, action and API handler asks this module; no route checks roles by itself.

export type Actor =
  | { type: "user"; id: string; role: "admin" | "manager" | "exhibitor"; exhibitorId: string | null }
  | { type: "token"; id: string; role: "manager" | "site" | "kiosk" | "exhibitor"; exhibitorId: string | null; eventId: string | null; kioskId: string | null };

export function actorOf(user: AuthUser): Actor {
  return { type: "user", id: user.id, role: user.role, exhibitorId: user.exhibitorId };
}

type ExhibitorRef = { id: string; eventId: string; parentExhibitorId: string | null };

export function isManager(actor: Actor | null): boolean {
  if (!actor) return false;
  return actor.type === "user" ? actor.role === "admin" || actor.role === "manager" : actor.role === "manager";
}

export function isAdmin(actor: Actor | null): boolean {
  return actor?.type === "user" && actor.role === "admin";
}

/** A paired kiosk's own token. */
export function isKioskToken(actor: Actor): actor is Extract<Actor, { type: "token" }> {
  return actor.type === "token" && actor.role === "kiosk";
}

/** A public website relaying its visitors' forms (rate-limited per visitor address). */
export function isSiteToken(actor: Actor): boolean {
  return actor.type === "token" && actor.role === "site";
}

/** The exhibitor an exhibitor login or token acts for; null for every other actor. */
export function ownExhibitorId(actor: Actor): string | null {
  return actor.role === "exhibitor" ? actor.exhibitorId : null;
}

/** Tokens may be pinned to one event; users and unpinned tokens see every event. */
export function canSeeEvent(actor: Actor, eventId: string): boolean {
  return actor.type === "user" || actor.eventId === null || actor.eventId === eventId;
}

export function requireManager(actor: Actor | null): asserts actor is Actor {
  if (!isManager(actor)) throw forbidden();
}

export function requireRole(actor: Actor | null, roles: Actor["role"][]): asserts actor is Actor {
  if (!actor || !roles.includes(actor.role)) throw forbidden();
}

export function canReadExhibitor(actor: Actor, ex: ExhibitorRef): boolean {
  if (!canSeeEvent(actor, ex.eventId)) return false;
  if (isManager(actor)) return true;
  if (actor.role !== "exhibitor" || !actor.exhibitorId) return false;
  // A parent exhibitor sees its sub-exhibitors (read-only); a sub-exhibitor sees only itself.
  return actor.exhibitorId === ex.id || actor.exhibitorId === ex.parentExhibitorId;
}

export function canWriteExhibitor(actor: Actor, ex: ExhibitorRef): boolean {
  if (!canSeeEvent(actor, ex.eventId)) return false;
  if (isManager(actor)) return true;
  return actor.role === "exhibitor" && actor.exhibitorId === ex.id;
}

/** 404 rather than 403 for other exhibitors' records, so ids cannot be probed. */
export function requireExhibitorRead(actor: Actor | null, ex: ExhibitorRef | null): asserts ex is ExhibitorRef {
  if (!actor || !ex || !canReadExhibitor(actor, ex)) throw notFound("Exhibitor");
}

export function requireExhibitorWrite(actor: Actor | null, ex: ExhibitorRef | null): asserts ex is ExhibitorRef {
  requireExhibitorRead(actor, ex);
  if (!canWriteExhibitor(actor!, ex)) throw forbidden();
}

/** Whether a login's role manages events (admin, manager) rather than a cabinet. */
export function managesEvents(role: "admin" | "manager" | "exhibitor"): boolean {
  return role !== "exhibitor";
}

/** Where a logged-in user lands after login. */
export function homePath(role: "admin" | "manager" | "exhibitor"): string {
  return managesEvents(role) ? "/manage" : "/cabinet";
}

/** Manager pages: a logged-in admin or manager, else a 403 page; anonymous visitors go to the login page. */
export async function requireManagerPage(request: Request): Promise<Actor> {
  const actor = actorOf(await requireUser(request));
  if (!isManager(actor)) throw new Response("Forbidden", { status: 403 });
  return actor;
}

/** A page's event id parameter: a UUID naming an event the actor may see, else a 404 page. */
export async function requireEventParam(params: Record<string, string | undefined>, actor: Actor, name = "eventId"): Promise<Event> {
  const event = await prisma().event.findUnique({ where: { id: idParam(params, name) } });
  if (!event || !canSeeEvent(actor, event.id)) throw new Response("Not found", { status: 404 });
  return event;
}
