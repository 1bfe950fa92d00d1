// Organizations and people -> Bitrix24 companies and contacts.
import { prisma } from "~/utils/db.server";
import type { CardKind } from "./sync-engine.server";
import type { Outcome, SyncContext } from "./sync-context.server";
import { loadOne, type OrganizationRow, type PersonRow } from "./sync-load.server";
import { companyPayload, contactPayload, dataHash, originId, type CardPayload, type RecordRef } from "./sync-mapping.server";

export async function syncOrganization(ctx: SyncContext, ref: RecordRef): Promise<Outcome> {
  const org = ctx.preloaded<OrganizationRow>(ref) ?? (await loadOne.organization(ref.id));
  if (!org) return ctx.gone(ref);
  return pushOwnCard(ctx, ref, {
    kind: "company",
    crmId: org.crmCompanyId,
    payload: companyPayload(org, ctx.mapping),
    column: ["Organization", "crmCompanyId"],
    taken: async (ids) =>
      new Set(
        (
          await prisma().organization.findMany({
            where: { crmCompanyId: { in: ids }, id: { not: org.id } },
            select: { crmCompanyId: true },
          })
        ).map((o) => o.crmCompanyId!),
      ),
  });
}

export async function syncPerson(ctx: SyncContext, ref: RecordRef): Promise<Outcome> {
  const person = ctx.preloaded<PersonRow>(ref) ?? (await loadOne.person(ref.id));
  if (!person) return ctx.gone(ref);
  const companyId = person.organizationId
    ? await ctx.dependency({ entity: "organization", id: person.organizationId }, person.organization?.crmCompanyId ?? null)
    : null;
  return pushOwnCard(ctx, ref, {
    kind: "contact",
    crmId: person.crmContactId,
    payload: contactPayload(person, companyId),
    column: ["Person", "crmContactId"],
    // Each registration has its own Person row (docs/decisions/0007): the rows of one address
    // (the same human in several events) share one CRM contact; a contact that another
    // address's row holds is never linked.
    taken: async (ids) =>
      new Set(
        (
          await prisma().person.findMany({
            where: {
              crmContactId: { in: ids },
              id: { not: person.id },
              ...(person.email ? { OR: [{ email: null }, { email: { not: person.email } }] } : {}),
            },
            select: { crmContactId: true },
          })
        ).map((p) => p.crmContactId!),
      ),
  });
}

/** A card of the record's own (its CRM id stored on its row): skipped when unchanged. */
async function pushOwnCard(
  ctx: SyncContext,
  ref: RecordRef,
  card: {
    kind: CardKind;
    crmId: number | null;
    payload: CardPayload;
    column: ["Organization", "crmCompanyId"] | ["Person", "crmContactId"];
    taken: (ids: number[]) => Promise<Set<number>>;
  },
): Promise<Outcome> {
  const hash = dataHash(card.payload);
  const skip = ctx.unchanged(ref, hash, card.crmId);
  if (skip) return skip;
  const r = await ctx.engine.pushCard({
    kind: card.kind,
    originId: originId(ref),
    crmId: card.crmId,
    lookupOrigin: ctx.createStarted(ref),
    payload: card.payload,
    taken: card.taken,
    beforeCreate: ctx.beforeCreate(ref),
  });
  return ctx.finish(ref, r.crmId, hash, {}, r.crmId !== card.crmId ? { column: card.column, id: ref.id, crmId: r.crmId } : undefined);
}
