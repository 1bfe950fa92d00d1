import { formatDateTime, translate, type Locale, type MessageKey } from "~/i18n";
import { ru } from "~/i18n/ru";
import type { ChangeEntryView, ChangeView } from "~/components/change-log";

// One AuditLog row in words: the action as a phrase, each changed field by its label with
// old -> new, internal ids and bookkeeping hidden, empty values as a dash, times in the zone.

export type Words = {
  locale: Locale;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  action: (action: string) => string;
};

export function wordsFor(locale: Locale): Words {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  const action = (a: string) => {
    const key = `log.action.${a}`;
    return key in ru ? t(key as MessageKey) : t("log.action.other", { action: a });
  };
  return { locale, t, action };
}

/** Field labels by flattened key; a key not listed here and not hidden shows as itself. */
const LABELS: Record<string, MessageKey> = {
  name: "log.field.name",
  stand: "manage.stand",
  areaM2: "manage.area",
  staffQuota: "manage.quota",
  locked: "log.field.locked",
  reason: "manage.lockReason",
  lockReason: "manage.lockReason",
  deadlineOverride: "log.field.deadlineOverride",
  "company.name": "log.field.companyName",
  "company.legalName": "company.legalName",
  "company.inn": "company.inn",
  "company.country": "company.country",
  "company.city": "company.city",
  "company.address": "company.address",
  "company.website": "company.website",
  "company.phones": "log.field.phones",
  "company.emails": "log.field.emails",
  "company.descriptionRu": "company.descriptionRu",
  "company.descriptionEn": "company.descriptionEn",
  lastName: "staff.lastName",
  firstName: "staff.firstName",
  middleName: "staff.middleName",
  position: "staff.position",
  email: "staff.email",
  phone: "staff.phone",
  status: "log.field.status",
  category: "log.field.category",
  categories: "log.field.categories",
  source: "log.field.source",
  logo: "company.logo",
  active: "log.field.active",
  venue: "event.venue",
  address: "event.address",
  timezone: "event.timezone",
  startsAt: "log.field.startsAt",
  endsAt: "log.field.endsAt",
  editDeadline: "log.field.editDeadline",
  format: "event.format",
  countsExits: "log.field.countsExits",
  location: "kiosks.location",
  mode: "kiosks.mode",
  file: "log.field.file",
  created: "log.field.created",
  updated: "log.field.updatedCount",
  skipped: "log.field.skipped",
  errors: "log.field.errors",
  revoked: "log.field.revoked",
  invitationResent: "log.field.invitationResent",
  outlet: "log.field.outlet",
  copiedFrom: "log.field.copiedFrom",
  manualSource: "log.field.manualSource",
  campaign: "log.field.campaign",
  count: "log.field.count",
  kind: "budget.kind",
  channel: "budget.channel",
  note: "budget.note",
  planned: "budget.planned",
  actual: "budget.actual",
  attributionDays: "budget.days",
};

const ORDER = Object.keys(LABELS);

/** Bookkeeping and internal ids: never shown. */
const HIDDEN = /(^|\.)(id|[a-zA-Z]*Id|createdAt|updatedAt|editable|staffUsed|deadline|inviteSentAt|inviteError|locale|kioskId)$/;

type Row = { id: bigint; at: Date; action: string; exhibitorId: string | null; before: unknown; after: unknown };

export function describeEntry(r: Row, ctx: { words: Words; zone: string; who: string; exhibitorName: string | null }): ChangeEntryView {
  const { words } = ctx;
  const before = flat(r.before);
  const after = flat(r.after);
  // JSONB keeps no key order: fields go in the catalogue's order, unknown ones last.
  const rank = (k: string) => (k in LABELS ? ORDER.indexOf(k) : ORDER.length);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => !HIDDEN.test(k))
    .sort((x, y) => rank(x) - rank(y));
  const show = (k: string, v: unknown) => value(k, v, words, ctx.zone);
  const hasBefore = r.before !== null && r.before !== undefined;
  const changes: ChangeView[] = keys
    // A creation lists what was set; a switch left off (false) says nothing.
    .filter((k) => (hasBefore ? show(k, before[k]) !== show(k, after[k]) : !isEmpty(after[k]) && after[k] !== false))
    // A removal shows what was there: the new side is a dash.
    .map((k) => ({ label: label(k, words, r.action), from: hasBefore ? show(k, before[k]) : null, to: show(k, after[k]) }));
  return {
    id: String(r.id),
    at: r.at.toISOString(),
    time: formatDateTime(words.locale, r.at, ctx.zone),
    who: ctx.who,
    what: words.action(r.action),
    subject: subjectOf(before, after),
    exhibitor: r.exhibitorId && ctx.exhibitorName ? { id: r.exhibitorId, name: ctx.exhibitorName } : null,
    changes,
  };
}

/** Whom or what a row is about, beyond its exhibitor: a person, a kiosk, an account. */
function subjectOf(b: Record<string, unknown>, a: Record<string, unknown>): string | null {
  const pick = (k: string) => (typeof a[k] === "string" && a[k]) || (typeof b[k] === "string" && b[k]) || null;
  const person = [pick("lastName"), pick("firstName")].filter(Boolean).join(" ");
  return person || (pick("name") as string | null) || (pick("email") as string | null);
}

function flat(o: unknown, prefix = ""): Record<string, unknown> {
  if (!o || typeof o !== "object" || Array.isArray(o)) return {};
  return Object.fromEntries(
    Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
      v && typeof v === "object" && !Array.isArray(v) ? Object.entries(flat(v, `${prefix}${k}.`)) : [[`${prefix}${k}`, v]],
    ),
  );
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
}

function label(k: string, words: Words, action: string): string {
  // An account's "name" is a person's name, everywhere else a thing's.
  if (k === "name" && action.startsWith("account.")) return words.t("manage.accountName");
  const key = LABELS[k];
  return key ? words.t(key) : k;
}

function known(prefix: string, v: string, words: Words): string {
  const key = `${prefix}${v}`;
  return key in ru ? words.t(key as MessageKey) : v;
}

function value(k: string, v: unknown, words: Words, zone: string): string {
  if (isEmpty(v)) return "—";
  if (typeof v === "boolean") return words.t(v ? "log.yes" : "log.no");
  const leaf = k.split(".").pop()!;
  if (Array.isArray(v)) return v.map((x) => (leaf === "categories" ? known("category.", String(x), words) : String(x))).join(", ");
  if (typeof v === "string") {
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) && !Number.isNaN(Date.parse(v))) return formatDateTime(words.locale, new Date(v), zone);
    if (leaf === "category") return known("category.", v, words);
    if (leaf === "status") return known("log.status.", v, words);
    if (leaf === "mode") return known("log.mode.", v, words);
    if (leaf === "format") return known("event.format.", v, words);
    if (leaf === "source") return known("log.source.", v, words);
    if (leaf === "kind") return known("budget.kind.", v, words);
  }
  return String(v);
}
