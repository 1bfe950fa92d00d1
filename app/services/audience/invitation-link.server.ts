import { randomBytes } from "node:crypto";
import { prisma } from "~/utils/db.server";
import { appUrl } from "~/utils/env.server";
import { isUuid } from "~/utils/ids";
import { sha256 } from "../registrations/registrations.server";

// The link in an audience invitation (issue #14 item 5): the public registration form with a
// random token; only its SHA-256 is stored, so a database copy cannot forge attributions.

export const newInvitationToken = () => randomBytes(18).toString("base64url");

export function invitationLink(eventId: string, token: string, locale: "ru" | "en"): string {
  return `${appUrl()}/e/${eventId}/register?lang=${locale}&inv=${token}`;
}

/** The invitation a token belongs to, when it is one of this event's; anything else is no invitation. */
export async function invitationOfToken(eventId: string, token: string | null | undefined): Promise<{ id: string; campaign: string } | null> {
  if (!token || !/^[A-Za-z0-9_-]{16,64}$/.test(token) || !isUuid(eventId)) return null;
  const inv = await prisma().audienceInvitation.findUnique({ where: { tokenHash: sha256(token) }, select: { id: true, eventId: true, campaign: true } });
  return inv && inv.eventId === eventId ? { id: inv.id, campaign: inv.campaign } : null;
}
