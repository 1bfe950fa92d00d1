// REST method table. Each handler gets the decoded params and answers {result, total?, next?}
// or throws a RestError, exactly as a command inside `batch` would.
import { methodError, RestError } from "./errors";
import { filterRows, paginate, sortRows } from "./list-query";
import { asList, asRecord, pick, type Params } from "./php-query";
import type { EntityType } from "./fields";
import type { CrmStore } from "./store";
import type { CommandOutcome } from "./batch";

export type MethodContext = { store: CrmStore; userId: number };
export type MethodHandler = (params: Params, ctx: MethodContext) => CommandOutcome;

function entityMethods(type: EntityType): Record<string, MethodHandler> {
  const by = (ctx: MethodContext) => ({ userId: ctx.userId, enforceRules: true });
  return {
    [`crm.${type}.add`]: (p, ctx) => ({ result: ctx.store.add(type, pick(p, "fields"), by(ctx)) }),
    [`crm.${type}.update`]: (p, ctx) => ({ result: ctx.store.update(type, pick(p, "id"), pick(p, "fields"), by(ctx)) }),
    [`crm.${type}.get`]: (p, ctx) => ({ result: ctx.store.get(type, pick(p, "id")) }),
    [`crm.${type}.list`]: (p, ctx) => ctx.store.list(type, p, (name) => pick(p, name)),
  };
}

const findByComm: MethodHandler = (p, ctx) => {
  const type = String(pick(p, "type") ?? "").toUpperCase();
  if (!type) throw methodError("Communication type is not defined.");
  if (type !== "EMAIL" && type !== "PHONE") throw methodError(`Communication type '${type}' is not supported in current context.`);
  const values = (asList(pick(p, "values")) ?? []).map(String).filter(Boolean);
  if (!values.length) throw methodError("Communication values is not defined.");
  if (values.length > 20) throw methodError("Too many communication values (the maximum is 20).");
  const entityType = pick(p, "entity_type");
  const found = ctx.store.findByComm(type, values, entityType ? String(entityType).toUpperCase() : undefined);
  // PHP serialises an empty array as [], not {}.
  return { result: Object.keys(found).length ? found : [] };
};

const statusList: MethodHandler = (p, ctx) => {
  const rows = filterRows(ctx.store.stages, asRecord(pick(p, "filter")));
  return paginate(sortRows(rows, asRecord(pick(p, "order")), { SORT: "ASC" }), pick(p, "start"));
};

const categoryList: MethodHandler = (p, ctx) => {
  // New-style method: camelCase parameter, result wrapped in {categories}.
  if (Number(p.entityTypeId) !== 2) throw new RestError(400, "NOT_FOUND", "Smart process not found");
  const categories = [...ctx.store.categories].sort((a, b) => a.sort - b.sort || a.id - b.id);
  return { result: { categories }, total: categories.length };
};

const userGet: MethodHandler = (p, ctx) => {
  const reserved = new Set(["SORT", "ORDER", "START", "FILTER", "ADMIN_MODE", "AUTH"]);
  const filter: Params = { ...(asRecord(pick(p, "filter")) ?? {}) };
  for (const [k, v] of Object.entries(p)) if (!reserved.has(k.toUpperCase())) filter[k] = v;
  if (filter.ACTIVE !== undefined) filter.ACTIVE = ["Y", "true", "1"].includes(String(filter.ACTIVE)) ? "true" : "false";
  const sortField = String(pick(p, "sort") ?? "ID");
  const rows = filterRows(ctx.store.users, filter);
  return paginate(sortRows(rows, { [sortField]: String(pick(p, "order") ?? "ASC") }), pick(p, "start"));
};

const profile: MethodHandler = (_p, ctx) => {
  const u = ctx.store.users.find((x) => Number(x.ID) === ctx.userId)!;
  return { result: { ID: u.ID, ADMIN: true, NAME: u.NAME, LAST_NAME: u.LAST_NAME, PERSONAL_GENDER: "", TIME_ZONE: "" } };
};

export const METHODS: Record<string, MethodHandler> = {
  ...entityMethods("company"),
  ...entityMethods("contact"),
  ...entityMethods("deal"),
  "crm.contact.company.add": (p, ctx) => ({ result: ctx.store.addContactCompany(pick(p, "id"), pick(p, "fields")) }),
  "crm.contact.company.items.get": (p, ctx) => ({ result: ctx.store.contactCompanyItems(pick(p, "id")) }),
  "crm.deal.contact.items.get": (p, ctx) => ({ result: ctx.store.dealContactItems(pick(p, "id")) }),
  "crm.duplicate.findbycomm": findByComm,
  // Only lower-case `fields` is accepted by this method since crm 23.100.0.
  "crm.timeline.comment.add": (p, ctx) => ({ result: ctx.store.addComment(p.fields, ctx.userId) }),
  "crm.category.list": categoryList,
  "crm.status.list": statusList,
  "user.get": userGet,
  "user.current": (_p, ctx) => ({ result: ctx.store.users.find((x) => Number(x.ID) === ctx.userId) }),
  profile,
  "server.time": () => ({ result: new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00") }),
};
