import { prisma } from "~/utils/db.server";

// The offline outbox is not one event's: its dates are shown in the venue's time zone, the zone
// of the events (the latest event's, when there are several), not the server's or UTC.

/** The venue time zone for pages that belong to no single event. */
export async function venueTimeZone(): Promise<string> {
  const ev = await prisma().event.findFirst({ orderBy: { startsAt: "desc" }, select: { timezone: true } });
  return ev?.timezone ?? "Europe/Moscow";
}

/** A mail's Date header as ISO, or null when it cannot be read (then it is shown as written). */
export function mailDate(header: string | null | undefined): string | null {
  if (!header) return null;
  const t = Date.parse(header);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
