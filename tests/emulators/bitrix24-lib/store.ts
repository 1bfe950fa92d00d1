// In-memory CRM: companies, contacts, deals with the legacy crm.* field semantics.
import { resolveStageOnAdd, resolveStageOnUpdate, stagesOf } from "./deal-stages";
import { methodError, RestError } from "./errors";
import { coerce, ENTITY_TYPES, FIRST_ID, idList, isoNow, positiveId, SCALARS, SYSTEM, type EntityType } from "./fields";
import { filterFields, filterRows, paginate, sortRows, type Page } from "./list-query";
import { MULTI_TYPES, MultiFieldTable, type MultiType, type MultiView, type Owner } from "./multifields";
import { asList, asRecord, type Params } from "./php-query";
import { seedCategories, seedStages, seedUsers, type Category, type Stage, type User } from "./seed";

/** A record as tests see it: what `get` returns plus the link lists. */
export type CrmRecord = Record<string, unknown> & { ID: string; COMPANY_IDS?: number[]; CONTACT_IDS?: number[] };

export type TimelineComment = { ID: number; ENTITY_ID: number; ENTITY_TYPE: string; COMMENT: string; AUTHOR_ID: number; CREATED: string };

/** Makes the CRM reject one specific record, as a portal-side validation rule would. */
export type RejectRule = { entity?: EntityType; field: string; value?: string | RegExp; code?: string; message?: string };

export type ChangeListener = (type: EntityType, id: number, kind: "ADD" | "UPDATE", byUserId: number) => void;

type Stored = { id: number; fields: Record<string, unknown> };

export type StoreOptions = { userFields?: Partial<Record<EntityType, string[]>> };

export class CrmStore {
  readonly categories: Category[] = seedCategories();
  readonly stages: Stage[] = seedStages();
  readonly users: User[] = seedUsers();
  readonly comments: TimelineComment[] = [];
  readonly rules: RejectRule[] = [];
  private readonly entities: Record<EntityType, Map<number, Stored>> = { company: new Map(), contact: new Map(), deal: new Map() };
  private readonly nextId = { ...FIRST_ID };
  private readonly multi = new MultiFieldTable();
  private readonly contactCompanies = new Map<number, { COMPANY_ID: number; SORT: number; IS_PRIMARY: boolean }[]>();
  private readonly dealContacts = new Map<number, number[]>();
  private readonly listeners: ChangeListener[] = [];

  constructor(private readonly opts: StoreOptions = {}) {}

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  count(type: EntityType): number {
    return this.entities[type].size;
  }

  exists(type: EntityType, id: number): boolean {
    return this.entities[type].has(id);
  }

  // ---- writes -------------------------------------------------------------------------------

  add(type: EntityType, input: unknown, by: { userId: number; enforceRules: boolean }): number {
    const fields = asRecord(input);
    if (!fields) throw methodError("Parameter 'fields' must be array.");
    if (by.enforceRules) this.checkRules(type, fields);
    const ops = this.hasMulti(type) ? this.multi.plan(fields, type as Owner, null) : [];
    const scalars = this.scalars(type, fields);
    if (type === "deal") resolveStageOnAdd(this.categories, this.stages, scalars);

    const id = this.nextId[type]++;
    const now = isoNow();
    const stored: Stored = {
      id,
      fields: {
        OPENED: "Y",
        ASSIGNED_BY_ID: String(by.userId),
        ...scalars,
        DATE_CREATE: now,
        DATE_MODIFY: now,
        CREATED_BY_ID: String(by.userId),
        MODIFY_BY_ID: String(by.userId),
      },
    };
    if (type === "deal") {
      stored.fields.IS_NEW = "Y";
      if (!stored.fields.TITLE) stored.fields.TITLE = `Deal #${id}`;
      const contacts = fields.CONTACT_IDS !== undefined ? idList(fields.CONTACT_IDS) : idList(fields.CONTACT_ID);
      this.dealContacts.set(id, contacts);
    }
    if (type === "contact") this.contactCompanies.set(id, []);
    this.entities[type].set(id, stored);
    if (type === "contact") this.bindCompaniesFromFields(id, fields);
    if (ops.length) this.multi.apply(ops, type as Owner, id);
    this.emit(type, id, "ADD", by.userId);
    return id;
  }

  update(type: EntityType, rawId: unknown, input: unknown, by: { userId: number; enforceRules: boolean }): true {
    const id = positiveId(rawId);
    if (id === null) throw methodError("ID is not defined or invalid.");
    const stored = this.entities[type].get(id);
    if (!stored) throw methodError("Not found");
    const fields = asRecord(input);
    if (!fields) throw methodError("Parameter 'fields' must be array.");
    if (by.enforceRules) this.checkRules(type, fields);
    const ops = this.hasMulti(type) ? this.multi.plan(fields, type as Owner, id) : [];
    const scalars = this.scalars(type, fields);
    if (type === "deal") resolveStageOnUpdate(this.stages, Number(stored.fields.CATEGORY_ID), scalars);

    Object.assign(stored.fields, scalars, { DATE_MODIFY: isoNow(), MODIFY_BY_ID: String(by.userId) });
    if (type === "deal") {
      stored.fields.IS_NEW = "N";
      // CONTACT_IDS replaces the whole list; the deprecated CONTACT_ID only makes sure one is there.
      if (fields.CONTACT_IDS !== undefined) this.dealContacts.set(id, idList(fields.CONTACT_IDS));
      else if (positiveId(fields.CONTACT_ID) !== null) {
        const list = this.dealContacts.get(id) ?? [];
        const cid = positiveId(fields.CONTACT_ID)!;
        if (!list.includes(cid)) this.dealContacts.set(id, [cid, ...list]);
      }
    }
    if (type === "contact") this.bindCompaniesFromFields(id, fields);
    if (ops.length) this.multi.apply(ops, type as Owner, id);
    this.emit(type, id, "UPDATE", by.userId);
    return true;
  }

  /** crm.contact.company.add: false when the link already exists. */
  addContactCompany(contactId: unknown, input: unknown): boolean {
    const id = positiveId(contactId);
    if (id === null) throw methodError("The parameter 'ownerEntityID' is invalid or not defined.");
    const fields = asRecord(input);
    if (!fields) throw methodError("The parameter 'fields' must be array.");
    if (!this.exists("contact", id)) throw methodError("Not found");
    const companyId = positiveId(fields.COMPANY_ID);
    if (companyId === null || !this.exists("company", companyId)) throw methodError("The parameter 'fields' is not valid.");
    const links = this.contactCompanies.get(id)!;
    if (links.some((l) => l.COMPANY_ID === companyId)) return false;
    const primary = links.length === 0 || String(fields.IS_PRIMARY ?? "").toUpperCase() === "Y";
    if (primary) links.forEach((l) => (l.IS_PRIMARY = false));
    const sort = Number(fields.SORT) || Math.max(0, ...links.map((l) => l.SORT)) + 10;
    links.push({ COMPANY_ID: companyId, SORT: sort, IS_PRIMARY: primary });
    return true;
  }

  addComment(input: unknown, authorId: number): number {
    const fields = asRecord(input);
    if (!fields || fields.ENTITY_ID === undefined || fields.ENTITY_TYPE === undefined) {
      throw new RestError(400, "100", "Required fields not provided: ENTITY_ID, ENTITY_TYPE, COMMENT");
    }
    const comment = String(fields.COMMENT ?? "").trim();
    if (!comment) throw new RestError(400, "INVALID_ARG_VALUE", "Empty comment");
    const type = String(fields.ENTITY_TYPE).toLowerCase();
    const entityId = positiveId(fields.ENTITY_ID);
    if (!ENTITY_TYPES.includes(type as EntityType) || entityId === null || !this.exists(type as EntityType, entityId)) {
      throw new RestError(400, "OWNER_NOT_FOUND", "Owner of the element not found");
    }
    const row: TimelineComment = {
      ID: this.comments.length + 1,
      ENTITY_ID: entityId,
      ENTITY_TYPE: type,
      COMMENT: String(fields.COMMENT),
      AUTHOR_ID: Number(fields.AUTHOR_ID) || authorId,
      CREATED: isoNow(),
    };
    this.comments.push(row);
    return row.ID;
  }

  // ---- reads --------------------------------------------------------------------------------

  get(type: EntityType, rawId: unknown): Record<string, unknown> {
    const id = positiveId(rawId);
    if (id === null) throw methodError("ID is not defined or invalid.");
    if (!this.exists(type, id)) throw methodError("Not found");
    return this.view(type, id);
  }

  list(type: EntityType, params: Params, pick: (name: string) => unknown): Page<Record<string, unknown>> {
    const filter = asRecord(pick("filter"));
    const order = asRecord(pick("order"));
    // Filter and sort on just the fields involved; full records only for the page returned.
    const needed = new Set(["ID", ...filterFields(filter), ...Object.keys(order ?? {})]);
    const rows = [...this.entities[type].keys()].map((id) => this.partialView(type, id, needed));
    const page = paginate(sortRows(filterRows(rows, filter), order), pick("start"));
    const select = (asList(pick("select")) ?? []).map(String);
    return { ...page, result: page.result.map((row) => this.project(type, this.view(type, Number(row.ID)), select)) };
  }

  record(type: EntityType, id: number): CrmRecord | undefined {
    if (!this.exists(type, id)) return undefined;
    const row = this.view(type, id) as CrmRecord;
    if (type === "contact") row.COMPANY_IDS = this.contactCompanies.get(id)!.map((l) => l.COMPANY_ID);
    if (type === "deal") row.CONTACT_IDS = [...(this.dealContacts.get(id) ?? [])];
    return row;
  }

  records(type: EntityType): CrmRecord[] {
    return [...this.entities[type].keys()].map((id) => this.record(type, id)!);
  }

  contactCompanyItems(contactId: unknown): Record<string, unknown>[] {
    const id = positiveId(contactId);
    if (id === null || !this.exists("contact", id)) throw methodError("Not found");
    return this.contactCompanies
      .get(id)!
      .map((l) => ({ COMPANY_ID: l.COMPANY_ID, SORT: l.SORT, ROLE_ID: 0, IS_PRIMARY: l.IS_PRIMARY ? "Y" : "N" }));
  }

  dealContactItems(dealId: unknown): Record<string, unknown>[] {
    const id = positiveId(dealId);
    if (id === null || !this.exists("deal", id)) throw methodError("Not found");
    return (this.dealContacts.get(id) ?? []).map((cid, i) => ({
      CONTACT_ID: cid,
      SORT: (i + 1) * 10,
      ROLE_ID: 0,
      IS_PRIMARY: i === 0 ? "Y" : "N",
    }));
  }

  findByComm(type: "PHONE" | "EMAIL", values: string[], entityType?: string): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const kind of ["LEAD", "CONTACT", "COMPANY"] as const) {
      if (entityType && entityType !== kind) continue;
      const ids = kind === "LEAD" ? [] : this.multi.find(kind.toLowerCase() as Owner, type, values).slice(0, 20);
      if (ids.length) out[kind] = ids;
      if (ids.length >= 20) break; // documented quirk: 20+ matches in one type hide the later types
    }
    return out;
  }

  stagesOf(categoryId: number): Stage[] {
    return stagesOf(this.stages, categoryId);
  }

  // ---- internals ----------------------------------------------------------------------------

  private hasMulti(type: EntityType): boolean {
    return type !== "deal";
  }

  private emit(type: EntityType, id: number, kind: "ADD" | "UPDATE", userId: number): void {
    for (const l of this.listeners) l(type, id, kind, userId);
  }

  private isUserField(type: EntityType, key: string): boolean {
    const declared = this.opts.userFields?.[type];
    return declared ? declared.includes(key) : /^UF_CRM_\w+$/.test(key);
  }

  private scalars(type: EntityType, fields: Params): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      if (SCALARS[type].includes(key) || this.isUserField(type, key)) out[key] = coerce(value);
    }
    return out;
  }

  private checkRules(type: EntityType, fields: Params): void {
    for (const rule of this.rules) {
      if ((rule.entity && rule.entity !== type) || !(rule.field in fields)) continue;
      const raw = fields[rule.field];
      const values = MULTI_TYPES.includes(rule.field as MultiType)
        ? (asList(raw) ?? []).map((i) => String(asRecord(i)?.VALUE ?? ""))
        : [String(coerce(raw) ?? "")];
      const hit = rule.value === undefined || values.some((v) => (rule.value instanceof RegExp ? rule.value.test(v) : v === rule.value));
      if (hit) throw new RestError(400, rule.code ?? "ERROR_CORE", rule.message ?? `The field "${rule.field}" contains an invalid value`);
    }
  }

  private bindCompaniesFromFields(contactId: number, fields: Params): void {
    const links = this.contactCompanies.get(contactId)!;
    const primaryId = fields.COMPANY_ID === undefined ? undefined : positiveId(fields.COMPANY_ID);
    if (fields.COMPANY_IDS !== undefined) {
      const ids = idList(fields.COMPANY_IDS).filter((cid) => this.exists("company", cid));
      const keepPrimary = primaryId ?? links.find((l) => l.IS_PRIMARY)?.COMPANY_ID;
      const primary = keepPrimary && ids.includes(keepPrimary) ? keepPrimary : ids[0];
      if (primaryId && !ids.includes(primaryId)) ids.unshift(primaryId);
      links.splice(
        0,
        links.length,
        ...ids.map((cid, i) => ({ COMPANY_ID: cid, SORT: (i + 1) * 10, IS_PRIMARY: cid === (primaryId ?? primary) })),
      );
      return;
    }
    if (primaryId === undefined) return;
    if (primaryId === null) {
      // COMPANY_ID = 0 / "" unlinks the primary company
      const i = links.findIndex((l) => l.IS_PRIMARY);
      if (i >= 0) links.splice(i, 1);
      if (links[0]) links[0].IS_PRIMARY = true;
      return;
    }
    links.forEach((l) => (l.IS_PRIMARY = l.COMPANY_ID === primaryId));
    if (!links.some((l) => l.COMPANY_ID === primaryId)) links.unshift({ COMPANY_ID: primaryId, SORT: 10, IS_PRIMARY: true });
  }

  private partialView(type: EntityType, id: number, fields: Set<string>): Record<string, unknown> {
    const stored = this.entities[type].get(id)!;
    const row: Record<string, unknown> = { ID: String(id) };
    const multi = this.hasMulti(type) && MULTI_TYPES.some((m) => fields.has(m)) ? this.multi.of(type as Owner, id) : {};
    for (const f of fields) {
      if (f === "ID") continue;
      if (MULTI_TYPES.includes(f as MultiType)) row[f] = multi[f as MultiType];
      // A deal filtered by CONTACT_ID matches any contact bound to it (the binding table), not
      // only the first one that `get` shows; a list of values is then compared item by item.
      else if (type === "deal" && f === "CONTACT_ID") row[f] = (this.dealContacts.get(id) ?? []).map(String);
      else if ((type === "contact" && f === "COMPANY_ID") || f.startsWith("HAS_")) row[f] = this.view(type, id)[f];
      else row[f] = stored.fields[f] ?? null;
    }
    return row;
  }

  private view(type: EntityType, id: number): Record<string, unknown> {
    const stored = this.entities[type].get(id)!;
    const row: Record<string, unknown> = { ID: String(id) };
    for (const key of [...SYSTEM[type], ...SCALARS[type]]) if (!(key in row)) row[key] = stored.fields[key] ?? null;
    for (const key of this.opts.userFields?.[type] ?? []) row[key] = stored.fields[key] ?? null;
    for (const [key, value] of Object.entries(stored.fields)) if (this.isUserField(type, key)) row[key] = value;
    if (type === "contact") {
      const primary = this.contactCompanies.get(id)!.find((l) => l.IS_PRIMARY);
      row.COMPANY_ID = primary ? String(primary.COMPANY_ID) : null;
    }
    if (type === "deal") {
      const first = this.dealContacts.get(id)?.[0];
      row.CONTACT_ID = first ? String(first) : null;
    }
    if (this.hasMulti(type)) {
      const multi = this.multi.of(type as Owner, id);
      row.HAS_PHONE = multi.PHONE ? "Y" : "N";
      row.HAS_EMAIL = multi.EMAIL ? "Y" : "N";
      row.HAS_IMOL = "N";
      Object.assign(row, multi); // only the multi-fields that have values, like the portal
    }
    return row;
  }

  /** `select`: default "*" (standard fields), "UF_*" for user fields, multi-fields only when named. */
  private project(type: EntityType, row: Record<string, unknown>, select: string[]): Record<string, unknown> {
    const wanted = select.length ? select : ["*"];
    const out: Record<string, unknown> = { ID: row.ID };
    const standard = [...SYSTEM[type], ...SCALARS[type]];
    for (const name of wanted) {
      if (name === "*") standard.forEach((k) => (out[k] = row[k] ?? null));
      else if (name === "UF_*")
        Object.keys(row)
          .filter((k) => this.isUserField(type, k))
          .forEach((k) => (out[k] = row[k]));
      else if (MULTI_TYPES.includes(name as MultiType)) {
        if (row[name]) out[name] = row[name] as MultiView[];
      } else if (standard.includes(name) || this.isUserField(type, name)) out[name] = row[name] ?? null;
    }
    return out;
  }
}
