// The portal side of the sync: create-or-update of one company, contact or deal, written as
// plain sequential code over the AutoBatcher (so concurrent records share batch requests).
// No database here: the job (sync-job.server.ts) loads the data and stores the outcome.
//
// Idempotency:
// - known CRM id -> get + update of only the changed fields (multi-fields via diffMultiField,
//   so an updated phone replaces the old one instead of being added next to it);
// - no CRM id but a create may have been sent before (crash, ambiguous failure) -> look the
//   record up by ORIGINATOR_ID + ORIGIN_ID first;
// - contacts and companies: look for an existing record by e-mail / phone and link to it;
// - a create that fails ambiguously (timeout, connection lost) is looked up by ORIGIN_ID
//   before it is sent again.
import type { AutoBatcher, DuplicateFinder } from "./auto-batch.server";
import { Bitrix24Error, diffMultiField, normalizeMultiValue, type MultiFieldKind, type MultiFieldValue } from "./bitrix24-client.server";
import { ORIGINATOR_ID, type CardPayload, type DealPayload } from "./sync-mapping.server";

export type CardKind = "company" | "contact";

export type PushResult = { crmId: number; action: "created" | "linked" | "found" | "updated" | "unchanged" };

export type CardInput = {
  kind: CardKind;
  originId: string;
  crmId: number | null;
  /** A create may have been sent before without its answer: search by ORIGIN_ID first. */
  lookupOrigin: boolean;
  payload: CardPayload;
  /** CRM ids among `ids` that already belong to other local records (never link to those). */
  taken?: (ids: number[]) => Promise<Set<number>>;
  /** Called right before the first create is sent (the job records it durably). */
  beforeCreate?: () => Promise<void>;
};

const MAX_AMBIGUOUS_RETRIES = 4;

export const isAmbiguous = (e: unknown): e is Bitrix24Error => e instanceof Bitrix24Error && e.ambiguous;

/** A `get` refused with a method error: the record was deleted in the CRM (or never existed). */
const isGone = (e: unknown) => e instanceof Bitrix24Error && e.kind === "validation";

export class SyncEngine {
  constructor(
    readonly b: AutoBatcher,
    readonly dupes: DuplicateFinder,
  ) {}

  async findByOrigin(kind: CardKind | "deal", origin: string): Promise<number | null> {
    const rows = await this.b.call<Array<{ ID: string }>>(`crm.${kind}.list`, {
      filter: { ORIGINATOR_ID, ORIGIN_ID: origin },
      select: ["ID"],
      order: { ID: "ASC" },
      start: -1,
    });
    const id = Array.isArray(rows) && rows.length ? Number(rows[0].ID) : NaN;
    return Number.isInteger(id) && id > 0 ? id : null;
  }

  async pushCard(input: CardInput): Promise<PushResult> {
    const { kind, payload } = input;
    if (input.crmId) {
      const updated = await this.updateCard(kind, input.crmId, payload, false);
      if (updated) return { crmId: input.crmId, action: updated };
    }
    if (input.lookupOrigin) {
      const found = await this.findByOrigin(kind, input.originId);
      if (found) {
        const updated = await this.updateCard(kind, found, payload, false);
        if (updated) return { crmId: found, action: "found" };
      }
    }
    const dup = await this.findDuplicate(kind === "contact" ? "CONTACT" : "COMPANY", payload, input.taken);
    if (dup) {
      // Someone already has this card: keep their extra phones/e-mails, add ours.
      const updated = await this.updateCard(kind, dup, payload, true);
      if (updated) return { crmId: dup, action: "linked" };
    }
    await input.beforeCreate?.();
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(payload.scalars)) if (v !== "") fields[k] = v;
    for (const [type, values] of Object.entries(payload.multi)) {
      if (values?.length) fields[type] = dedupe(type as MultiFieldKind, values).map((VALUE) => ({ VALUE, VALUE_TYPE: "WORK" }));
    }
    return { crmId: await this.create(kind, input.originId, fields), action: "created" };
  }

  /** `crm.*.add` that never makes a second record when an answer is lost. */
  async create(kind: CardKind | "deal", origin: string, fields: Record<string, unknown>): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const id = Number(await this.b.call(`crm.${kind}.add`, { fields, params: { REGISTER_SONET_EVENT: "N" } }, { idempotent: false }));
        if (!Number.isInteger(id) || id <= 0) {
          throw new Bitrix24Error({
            kind: "retryable",
            code: "ERROR_UNEXPECTED_ANSWER",
            description: "add returned no id",
            httpStatus: null,
            method: `crm.${kind}.add`,
          });
        }
        return id;
      } catch (e) {
        if (!isAmbiguous(e) || attempt >= MAX_AMBIGUOUS_RETRIES) throw e;
        const found = await this.findByOrigin(kind, origin);
        if (found) return found;
      }
    }
  }

  /** Returns null when the record is gone from the CRM. */
  private async updateCard(kind: CardKind, crmId: number, payload: CardPayload, merge: boolean): Promise<"updated" | "unchanged" | null> {
    for (let attempt = 1; ; attempt++) {
      let current: Record<string, unknown>;
      try {
        current = await this.b.call<Record<string, unknown>>(`crm.${kind}.get`, { id: crmId });
      } catch (e) {
        if (isGone(e)) return null;
        throw e;
      }
      const fields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(payload.scalars)) {
        if ((k === "ORIGINATOR_ID" || k === "ORIGIN_ID") && !ownsOrigin(current)) continue; // someone else's record
        if (String(current[k] ?? "") !== v) fields[k] = v;
      }
      let addsValues = false;
      for (const [type, wanted] of Object.entries(payload.multi) as [MultiFieldKind, string[]][]) {
        const existing = (Array.isArray(current[type]) ? current[type] : []) as MultiFieldValue[];
        const target = merge ? [...existing.map((x) => String(x.VALUE)), ...wanted] : wanted;
        const diff = diffMultiField(existing, target, type);
        if (diff.length) {
          fields[type] = diff;
          if (diff.some((d) => !("ID" in d))) addsValues = true;
        }
      }
      if (Object.keys(fields).length === 0) return "unchanged";
      try {
        // Adding a multi-field value twice would duplicate it: such an update is not re-sent
        // blindly after an ambiguous failure, it is recomputed from a fresh `get`.
        await this.b.call(`crm.${kind}.update`, { id: crmId, fields, params: { REGISTER_SONET_EVENT: "N" } }, { idempotent: !addsValues });
        return "updated";
      } catch (e) {
        if (!isAmbiguous(e) || attempt >= MAX_AMBIGUOUS_RETRIES) throw e;
      }
    }
  }

  private async findDuplicate(entity: "CONTACT" | "COMPANY", payload: CardPayload, taken?: CardInput["taken"]): Promise<number | null> {
    const lookups: Promise<number[]>[] = [];
    for (const v of payload.multi.EMAIL ?? []) lookups.push(this.dupes.find(entity, "EMAIL", v));
    for (const v of payload.multi.PHONE ?? []) lookups.push(this.dupes.find(entity, "PHONE", v));
    if (!lookups.length) return null;
    // E-mail matches first (more specific than a shared office phone), oldest record first.
    const found = (await Promise.all(lookups)).flat();
    if (!found.length) return null;
    const excluded = taken ? await taken(found) : new Set<number>();
    return found.find((id) => !excluded.has(id)) ?? null;
  }

  /**
   * Deal create-or-update. `stageFor(categoryId)` gives the wanted stage in a given pipeline
   * (an existing deal cannot move to another pipeline, so its own pipeline decides).
   */
  async pushDeal(input: {
    originId: string;
    crmId: number | null;
    lookupOrigin: boolean;
    categoryId: number;
    payload: DealPayload;
    /** Wanted stage in a pipeline; `creating` false: an update (null there leaves the stage alone). */
    stageFor: (categoryId: number, creating: boolean) => Promise<string | null>;
    beforeCreate?: () => Promise<void>;
  }): Promise<PushResult & { categoryId: number; stageId: string | null }> {
    let crmId = input.crmId;
    if (!crmId && input.lookupOrigin) crmId = await this.findByOrigin("deal", input.originId);
    if (crmId) {
      let current: Record<string, unknown> | null = null;
      try {
        current = await this.b.call<Record<string, unknown>>("crm.deal.get", { id: crmId });
      } catch (e) {
        if (!isGone(e)) throw e;
      }
      if (current) {
        const categoryId = Number(current.CATEGORY_ID ?? 0) || 0;
        const stageId = await input.stageFor(categoryId, false);
        const fields: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(input.payload.scalars)) {
          if (k === "ASSIGNED_BY_ID") continue; // set on create; reassigning in the CRM is the manager's call
          if ((k === "ORIGINATOR_ID" || k === "ORIGIN_ID") && !ownsOrigin(current)) continue;
          if (String(current[k] ?? "") !== v) fields[k] = v;
        }
        if (stageId && String(current.STAGE_ID ?? "") !== stageId) fields.STAGE_ID = stageId;
        const contactId = input.payload.contactId;
        if (contactId && String(current.CONTACT_ID ?? "") !== String(contactId)) fields.CONTACT_IDS = [contactId];
        const currentStage = String(current.STAGE_ID ?? "") || null;
        if (Object.keys(fields).length === 0) return { crmId, action: "unchanged", categoryId, stageId: currentStage };
        await this.b.call("crm.deal.update", { id: crmId, fields, params: { REGISTER_SONET_EVENT: "N" } });
        return { crmId, action: "updated", categoryId, stageId: stageId ?? currentStage };
      }
    }
    const stageId = await input.stageFor(input.categoryId, true);
    await input.beforeCreate?.();
    const fields: Record<string, unknown> = { CATEGORY_ID: input.categoryId };
    for (const [k, v] of Object.entries(input.payload.scalars)) if (v !== "") fields[k] = v;
    if (stageId) fields.STAGE_ID = stageId;
    if (input.payload.contactId) fields.CONTACT_IDS = [input.payload.contactId];
    const id = await this.create("deal", input.originId, fields);
    return { crmId: id, action: "created", categoryId: input.categoryId, stageId };
  }

  async addDealComment(dealId: number, comment: string): Promise<void> {
    // At least once: a lost answer is sent again (a doubled note beats a missing visit).
    for (let attempt = 1; ; attempt++) {
      try {
        await this.b.call(
          "crm.timeline.comment.add",
          { fields: { ENTITY_ID: dealId, ENTITY_TYPE: "deal", COMMENT: comment } },
          { idempotent: false },
        );
        return;
      } catch (e) {
        if (!isAmbiguous(e) || attempt >= MAX_AMBIGUOUS_RETRIES) throw e;
      }
    }
  }
}

function ownsOrigin(current: Record<string, unknown>): boolean {
  const originator = String(current.ORIGINATOR_ID ?? "");
  return originator === "" || originator === ORIGINATOR_ID;
}

function dedupe(kind: MultiFieldKind, values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = normalizeMultiValue(kind, v);
    if (!k || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
