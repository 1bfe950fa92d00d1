// The demo event starts two weeks ahead; a kiosk asks for a tap before checking anyone in on
// another day (issue #12). Tests that scan at a kiosk move the event to run today: yesterday to
// tomorrow, so today is day 2 of 3 in any time zone.
export async function eventRunsToday(eventId: string, now = Date.now()): Promise<void> {
  const { prisma } = await import("../../app/utils/db.server");
  const day = 86_400_000;
  await prisma().event.update({ where: { id: eventId }, data: { startsAt: new Date(now - day), endsAt: new Date(now + day) } });
}
