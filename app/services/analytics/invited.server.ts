// The funnel's first stage, "invited", per channel (issue #14). Audience invitations
// (issue #14 item 5) fill it; until they exist nobody is invited through us, so the
// funnel starts at "registered" and the page says so.

export type InvitedByChannel = Map<string, number>;

/** How many people were sent an invitation to the event, by the channel the invitation counts as. */
export async function invitedByChannel(_eventId: string): Promise<InvitedByChannel> {
  return new Map();
}
