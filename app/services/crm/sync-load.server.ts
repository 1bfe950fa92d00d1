// Reading the local records a sweep pushes: one query per entity type for the whole sweep,
// one query per record for those read again later (dependencies synced on demand).
import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import type { CrmEntity, RecordRef } from "./sync-mapping.server";

export const PERSON_INCLUDE = { organization: { select: { crmCompanyId: true } } } as const;
export const REGISTRATION_INCLUDE = {
  event: { select: { name: true, timezone: true } },
  person: { include: { organization: { select: { crmCompanyId: true } } } },
  exhibitor: { include: { organization: { select: { crmCompanyId: true } } } },
  checkIns: { orderBy: { scannedAt: "desc" }, take: 1, include: { kiosk: { select: { name: true } } } },
} as const;
export const EXHIBITOR_INCLUDE = {
  event: { select: { name: true } },
  organization: { select: { name: true, crmCompanyId: true } },
} as const;
export const BOOKING_INCLUDE = { event: { select: { name: true } } } as const;

export type OrganizationRow = Prisma.OrganizationGetPayload<object>;
export type PersonRow = Prisma.PersonGetPayload<{ include: typeof PERSON_INCLUDE }>;
export type RegistrationRow = Prisma.RegistrationGetPayload<{ include: typeof REGISTRATION_INCLUDE }>;
export type ExhibitorRow = Prisma.ExhibitorGetPayload<{ include: typeof EXHIBITOR_INCLUDE }>;
export type BookingRow = Prisma.StandBookingGetPayload<{ include: typeof BOOKING_INCLUDE }>;

/** The records of `refs`, keyed `<entity>:<id>`; one query per entity type. */
export async function loadRecords(refs: RecordRef[]): Promise<Map<string, unknown>> {
  const ids = (e: CrmEntity) => refs.filter((r) => r.entity === e).map((r) => r.id);
  const loaded = new Map<string, unknown>();
  const put = (e: CrmEntity, rows: { id: string }[]) => rows.forEach((row) => loaded.set(`${e}:${row.id}`, row));
  const [orgs, people, regs, exhibitors, bookings] = await Promise.all([
    ids("organization").length ? prisma().organization.findMany({ where: { id: { in: ids("organization") } } }) : [],
    ids("person").length ? prisma().person.findMany({ where: { id: { in: ids("person") } }, include: PERSON_INCLUDE }) : [],
    ids("registration").length
      ? prisma().registration.findMany({ where: { id: { in: ids("registration") } }, include: REGISTRATION_INCLUDE })
      : [],
    ids("exhibitor").length ? prisma().exhibitor.findMany({ where: { id: { in: ids("exhibitor") } }, include: EXHIBITOR_INCLUDE }) : [],
    ids("standBooking").length
      ? prisma().standBooking.findMany({ where: { id: { in: ids("standBooking") } }, include: BOOKING_INCLUDE })
      : [],
  ]);
  put("organization", orgs);
  put("person", people);
  put("registration", regs);
  put("exhibitor", exhibitors);
  put("standBooking", bookings);
  return loaded;
}

/** One record read on its own (not preloaded, or read again). */
export const loadOne = {
  organization: (id: string) => prisma().organization.findUnique({ where: { id } }),
  person: (id: string) => prisma().person.findUnique({ where: { id }, include: PERSON_INCLUDE }),
  registration: (id: string) => prisma().registration.findUnique({ where: { id }, include: REGISTRATION_INCLUDE }),
  exhibitor: (id: string) => prisma().exhibitor.findUnique({ where: { id }, include: EXHIBITOR_INCLUDE }),
  standBooking: (id: string) => prisma().standBooking.findUnique({ where: { id }, include: BOOKING_INCLUDE }),
};
