import type { Event, Prisma } from "../../app/generated/prisma/client";

// Data for the browser tests, written in-process with Prisma into the app's database (the app's
// modules are imported late: useAppAndBrowser sets DATABASE_URL first): the demo event, kiosks
// with their tokens, ticket codes.

const prisma = async () => (await import("../../app/utils/db.server")).prisma();

/** The demo event (the seed makes one). */
export async function demoEvent(): Promise<Event> {
  return (await prisma()).event.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
}

// The demo event starts two weeks ahead; a kiosk asks for a tap before checking anyone in on
// another day (issue #12). Tests that scan at a kiosk move the event to run today: yesterday to
// tomorrow, so today is day 2 of 3 in any time zone.
export async function eventRunsToday(eventId: string, now = Date.now()): Promise<void> {
  const day = 86_400_000;
  await (await prisma()).event.update({ where: { id: eventId }, data: { startsAt: new Date(now - day), endsAt: new Date(now + day) } });
}

/** A kiosk at the event and a raw kiosk API token for it, named `tokenName` (else like the kiosk). */
export async function kioskWithToken(
  eventId: string,
  kiosk: Omit<Prisma.KioskUncheckedCreateInput, "eventId">,
  tokenName = kiosk.name,
): Promise<{ kioskId: string; token: string }> {
  const { createApiToken } = await import("../../app/utils/api-tokens.server");
  const { id } = await (await prisma()).kiosk.create({ data: { eventId, ...kiosk } });
  const { token } = await createApiToken({ role: "kiosk", name: tokenName, kioskId: id, eventId });
  return { kioskId: id, token };
}

/** The event's registrations matching `where`, oldest first (at most `take`), with their signed ticket codes. */
export async function ticketCodes(
  eventId: string,
  where: Prisma.RegistrationWhereInput,
  take?: number,
): Promise<Array<{ id: string; code: string }>> {
  const { ticketCode } = await import("../../app/services/codes.server");
  const regs = await (await prisma()).registration.findMany({ where: { eventId, ...where }, orderBy: { createdAt: "asc" }, take });
  const codes = [];
  for (const r of regs) codes.push({ id: r.id, code: await ticketCode(r) });
  return codes;
}

/** The demo event, running today, with a kiosk whose default printer is its own browser ("Принтер стойки"). */
export async function browserPrintingKiosk(kioskName: string, tokenName: string): Promise<{ eventId: string; token: string }> {
  const { id: eventId } = await demoEvent();
  await eventRunsToday(eventId);
  const printer = await (await prisma()).printer.create({ data: { eventId, name: "Принтер стойки", driver: "browser", address: "default" } });
  const { token } = await kioskWithToken(eventId, { name: kioskName, defaultPrinterId: printer.id }, tokenName);
  return { eventId, token };
}
