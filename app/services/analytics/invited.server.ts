import { pool } from "~/utils/db.server";
import { isUuid } from "~/utils/ids";
import { channelOf } from "./channel";

// The funnel's first stage, "invited", per channel (issue #14): audience invitations that were
// sent (item 5). An invitation counts as the channel a registration from its link gets:
// source "invitation" with the campaign as sourceDetail, by the one channelOf rule.

export type InvitedByChannel = Map<string, number>;

/** How many people were sent an invitation to the event, by the channel the invitation counts as. */
export async function invitedByChannel(eventId: string): Promise<InvitedByChannel> {
  if (!isUuid(eventId)) return new Map();
  const r = await pool().query<{ campaign: string; n: number }>(
    `SELECT campaign, count(DISTINCT "contactId")::int AS n FROM "AudienceInvitation" WHERE "eventId" = $1::uuid AND status = 'sent' GROUP BY campaign`,
    [eventId],
  );
  const out: InvitedByChannel = new Map();
  for (const row of r.rows) {
    const channel = channelOf({ source: "invitation", sourceDetail: row.campaign });
    out.set(channel, (out.get(channel) ?? 0) + row.n);
  }
  return out;
}
