// Registrations, exhibitors and stand-booking requests -> Bitrix24 deals (dependencies first:
// company, then contact, then deal).
import type { Outcome, SyncContext } from "./sync-context.server";
import { loadOne, type BookingRow, type ExhibitorRow, type RegistrationRow } from "./sync-load.server";
import { prisma } from "~/utils/db.server";
import {
  bookingCompanyPayload,
  bookingContactOf,
  bookingContactPayload,
  bookingDealPayload,
  dataHash,
  exhibitorDealPayload,
  originId,
  pickStage,
  registrationDealPayload,
  registrationRole,
  visitComment,
  type CardPayload,
  type DealPayload,
  type RecordRef,
  type SyncMapping,
} from "./sync-mapping.server";
import { pipelineStages } from "./sync-settings.server";
import { storeCrmId, type StoreId } from "./sync-state.server";

type DealColumn = ["Registration" | "Exhibitor" | "StandBooking", "crmDealId"];

export async function syncRegistration(ctx: SyncContext, ref: RecordRef): Promise<Outcome> {
  const reg = ctx.preloaded<RegistrationRow>(ref) ?? (await loadOne.registration(ref.id));
  if (!reg) return ctx.gone(ref);
  ctx.setEventId(ref, reg.eventId);
  // Company before contact before deal.
  const orgId = reg.person.organizationId ?? reg.exhibitor?.organizationId ?? null;
  const orgCrmId = reg.person.organizationId
    ? (reg.person.organization?.crmCompanyId ?? null)
    : (reg.exhibitor?.organization.crmCompanyId ?? null);
  const companyId = orgId ? await ctx.dependency({ entity: "organization", id: orgId }, orgCrmId) : null;
  const contactId = await ctx.dependency({ entity: "person", id: reg.personId }, reg.person.crmContactId);
  const last = reg.checkIns[0];
  const data = {
    id: reg.id,
    status: reg.status,
    category: reg.category,
    eventName: reg.event.name,
    timezone: reg.event.timezone,
    person: { lastName: reg.person.lastName, firstName: reg.person.firstName },
    checkIn: last ? { id: last.id, scannedAt: last.scannedAt, kioskName: last.kiosk?.name ?? null } : null,
    origin: reg,
  };
  const { mapping } = ctx;
  const role = registrationRole(data);
  const payload = registrationDealPayload(data, { contactId, companyId }, mapping);
  const categoryId = mapping.attendanceCategoryId;
  const hash = dataHash({ payload, role, categoryId, stages: mapping.attendanceStages, checkIn: data.checkIn?.id ?? null });
  const skip = ctx.unchanged(ref, hash, reg.crmDealId);
  if (skip) return skip;
  const r = await pushOwnDeal(ctx, ref, {
    crmId: reg.crmDealId,
    stored: reg.crmDealId,
    column: ["Registration", "crmDealId"],
    categoryId,
    payload,
    stageFor: async (cat) =>
      pickStage(await pipelineStages(cat), role, cat === mapping.attendanceCategoryId ? mapping.attendanceStages[role] : null),
  });
  let commented = ctx.state(ref)?.visitCommentFor ?? null;
  let store = r.store;
  if (role === "visited" && data.checkIn && commented !== data.checkIn.id) {
    // A new deal is recorded before its visit note is sent (a failed note must not lose it).
    if (store) await ctx.saveState(ref, { crmId: r.crmId, createStartedAt: null }, { store });
    store = undefined;
    await ctx.engine.addDealComment(r.crmId, visitComment(data.checkIn, data.timezone));
    commented = data.checkIn.id;
  }
  return ctx.finish(ref, r.crmId, hash, { crmCategoryId: r.categoryId, crmStageId: r.stageId, visitCommentFor: commented }, store);
}

export async function syncExhibitor(ctx: SyncContext, ref: RecordRef): Promise<Outcome> {
  const ex = ctx.preloaded<ExhibitorRow>(ref) ?? (await loadOne.exhibitor(ref.id));
  if (!ex) return ctx.gone(ref);
  ctx.setEventId(ref, ex.eventId);
  const companyId = await ctx.dependency({ entity: "organization", id: ex.organizationId }, ex.organization.crmCompanyId);
  // A request converted into this exhibitor: its deal becomes the participation deal.
  let dealId = ex.crmDealId;
  if (!dealId) {
    const booking = await prisma().standBooking.findFirst({ where: { exhibitorId: ex.id }, select: { id: true, crmDealId: true } });
    if (booking) dealId = await ctx.dependency({ entity: "standBooking", id: booking.id }, booking.crmDealId);
  }
  const payload = exhibitorDealPayload(
    {
      id: ex.id,
      eventName: ex.event.name,
      orgName: ex.organization.name,
      stand: ex.stand,
      areaM2: ex.areaM2 ? ex.areaM2.toString() : null,
    },
    { companyId },
    ctx.mapping,
  );
  const categoryId = ctx.mapping.servicesCategoryId;
  const hash = dataHash({ payload, categoryId });
  const skip = ctx.unchanged(ref, hash, ex.crmDealId);
  if (skip) return skip;
  const r = await pushOwnDeal(ctx, ref, {
    crmId: dealId,
    stored: ex.crmDealId,
    column: ["Exhibitor", "crmDealId"],
    categoryId,
    payload,
    stageFor: newStageOnly(ctx.mapping),
  });
  return ctx.finish(ref, r.crmId, hash, { crmCategoryId: r.categoryId, crmStageId: r.stageId }, r.store);
}

/**
 * A stand-booking request: its company and contact (found by e-mail / phone when the CRM
 * knows them), and a deal in the exhibition-services pipeline at stage "new". Once converted,
 * the exhibitor's sync carries the same deal on; the booking itself sends nothing more.
 */
export async function syncStandBooking(ctx: SyncContext, ref: RecordRef): Promise<Outcome> {
  const b = ctx.preloaded<BookingRow>(ref) ?? (await loadOne.standBooking(ref.id));
  if (!b) return ctx.gone(ref);
  ctx.setEventId(ref, b.eventId);
  const data = {
    id: b.id,
    eventName: b.event.name,
    companyName: b.companyName,
    inn: b.inn,
    city: b.city,
    country: b.country,
    website: b.website,
    contact: bookingContactOf(b),
    areaM2: b.areaM2.toString(),
    comment: b.comment,
    origin: b,
  };
  const handedOver = b.status === "converted" && !!b.exhibitorId && !!b.crmDealId;
  const categoryId = ctx.mapping.servicesCategoryId;
  const hash = dataHash({ data, categoryId, handedOver });
  const skip = ctx.unchanged(ref, hash, b.crmDealId);
  if (skip) return skip;
  if (handedOver) return ctx.finish(ref, b.crmDealId!, hash);
  // The cards have no local record of their own: their ids live on the booking row.
  const card = async (kind: "company" | "contact", payload: CardPayload, crmId: number | null) => {
    const r = await ctx.engine.pushCard({
      kind,
      originId: payload.scalars.ORIGIN_ID,
      crmId,
      lookupOrigin: !crmId,
      payload,
      beforeCreate: ctx.beforeCreate(ref),
    });
    if (r.crmId !== crmId) await storeCrmId(["StandBooking", kind === "company" ? "crmCompanyId" : "crmContactId"], b.id, r.crmId);
    return r;
  };
  const company = await card("company", bookingCompanyPayload(data, ctx.mapping), b.crmCompanyId);
  const contact = await card("contact", bookingContactPayload(data, company.crmId), b.crmContactId);
  const r = await pushOwnDeal(ctx, ref, {
    crmId: b.crmDealId,
    stored: b.crmDealId,
    column: ["StandBooking", "crmDealId"],
    categoryId,
    payload: bookingDealPayload(data, { companyId: company.crmId, contactId: contact.crmId }, ctx.mapping),
    stageFor: newStageOnly(ctx.mapping),
  });
  return ctx.finish(ref, r.crmId, hash, { crmCategoryId: r.categoryId, crmStageId: r.stageId }, r.store);
}

/** The record's own deal, created or updated; `store` when its CRM id on the row must change. */
async function pushOwnDeal(
  ctx: SyncContext,
  ref: RecordRef,
  deal: {
    crmId: number | null;
    /** The id on the row now (may differ from `crmId`: an exhibitor takes over its request's deal). */
    stored: number | null;
    column: DealColumn;
    categoryId: number;
    payload: DealPayload;
    stageFor: (categoryId: number, creating: boolean) => Promise<string | null>;
  },
) {
  const r = await ctx.engine.pushDeal({
    originId: originId(ref),
    crmId: deal.crmId,
    lookupOrigin: ctx.createStarted(ref),
    categoryId: deal.categoryId,
    payload: deal.payload,
    stageFor: deal.stageFor,
    beforeCreate: ctx.beforeCreate(ref),
  });
  const store: StoreId | undefined = r.crmId !== deal.stored ? { column: deal.column, id: ref.id, crmId: r.crmId } : undefined;
  return { ...r, store };
}

/** Stage "new" on creation; afterwards the sales team moves the deal, not us. */
function newStageOnly(m: SyncMapping) {
  return async (cat: number, creating: boolean) =>
    creating ? pickStage(await pipelineStages(cat), "new", cat === m.servicesCategoryId ? m.servicesStage : null) : null;
}
