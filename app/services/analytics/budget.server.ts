// Event budget (issue #14 item 3): planned and actual cost lines, and the attribution window
// (days after the event's end within which a won deal counts as the event's revenue).
// Every change is audited in the same transaction.
import type { MessageKey } from "~/i18n";
import { audit } from "~/utils/audit.server";
import { prisma } from "~/utils/db.server";
import { HttpError, notFound } from "~/utils/errors.server";
import type { Actor } from "~/utils/permissions.server";
import { BUDGET_KINDS, type BudgetKind } from "./funnel-options";

export { BUDGET_KINDS, type BudgetKind };
export const DEFAULT_ATTRIBUTION_DAYS = 90;
export const MAX_ATTRIBUTION_DAYS = 730;
const MAX_AMOUNT = 1e12;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type BudgetLineView = {
  id: string;
  kind: BudgetKind;
  channel: string | null;
  note: string | null;
  planned: number;
  actual: number | null;
};

export type LineInput = { kind: BudgetKind; channel: string | null; note: string | null; planned: number; actual: number | null };

/** Field errors as message keys, so the page shows them translated next to each field. */
export class BudgetInputError extends HttpError {
  constructor(readonly keys: Record<string, MessageKey>) {
    super(422, "invalid_budget", "Budget line is invalid", Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, v])));
  }
}

/** "1 234,50", "1234.5", "1 234" -> 1234.5; null for an empty value; NaN when it is not an amount. */
export function parseMoney(raw: string): number | null {
  const s = raw.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  if (!s) return null;
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return NaN;
  const n = Number(s);
  return n <= MAX_AMOUNT ? n : NaN;
}

export function parseLine(form: { kind: string; channel: string; note: string; planned: string; actual: string }): LineInput {
  const errors: Record<string, MessageKey> = {};
  const kind = form.kind as BudgetKind;
  if (!BUDGET_KINDS.includes(kind)) errors.kind = "budget.badKind";
  const channel = form.channel.trim() || null;
  if (kind === "marketing" && !channel) errors.channel = "budget.channelRequired";
  if (channel && channel.length > 100) errors.channel = "budget.tooLong";
  const note = form.note.trim() || null;
  if (note && note.length > 200) errors.note = "budget.tooLong";
  const planned = parseMoney(form.planned);
  if (planned !== null && Number.isNaN(planned)) errors.planned = "budget.badAmount";
  const actual = parseMoney(form.actual);
  if (actual !== null && Number.isNaN(actual)) errors.actual = "budget.badAmount";
  if (planned === null && actual === null) errors.planned = "budget.amountRequired";
  if (Object.keys(errors).length) throw new BudgetInputError(errors);
  return { kind, channel: kind === "marketing" ? channel : null, note, planned: planned ?? 0, actual };
}

const view = (l: {
  id: string;
  kind: string;
  channel: string | null;
  note: string | null;
  planned: unknown;
  actual: unknown;
}): BudgetLineView => ({
  id: l.id,
  kind: l.kind as BudgetKind,
  channel: l.channel,
  note: l.note,
  planned: Number(l.planned),
  actual: l.actual === null ? null : Number(l.actual),
});

export async function listBudget(eventId: string): Promise<BudgetLineView[]> {
  const rows = await prisma().budgetLine.findMany({ where: { eventId }, orderBy: [{ kind: "asc" }, { createdAt: "asc" }] });
  return rows.map(view);
}

export async function attributionDays(eventId: string): Promise<number> {
  const s = await prisma().eventAnalytics.findUnique({ where: { eventId } });
  return s?.attributionDays ?? DEFAULT_ATTRIBUTION_DAYS;
}

/** When the CRM deals behind the funnel were last fetched (null: never). */
export async function dealsRefreshedAt(eventId: string): Promise<Date | null> {
  const s = await prisma().eventAnalytics.findUnique({ where: { eventId }, select: { dealsRefreshedAt: true } });
  return s?.dealsRefreshedAt ?? null;
}

/** Adds a line (lineId null) or changes one of this event's lines. */
export async function saveLine(actor: Actor, eventId: string, lineId: string | null, input: LineInput, ip: string | null): Promise<string> {
  return prisma().$transaction(async (tx) => {
    if (!(await tx.event.findUnique({ where: { id: eventId }, select: { id: true } }))) throw notFound("Event");
    const data = { kind: input.kind, channel: input.channel, note: input.note, planned: input.planned, actual: input.actual };
    if (!lineId) {
      const made = await tx.budgetLine.create({ data: { ...data, eventId } });
      await audit(actor, { action: "budget.add", entityType: "BudgetLine", entityId: made.id, eventId, after: data, ip }, tx);
      return made.id;
    }
    const before = UUID.test(lineId) ? await tx.budgetLine.findFirst({ where: { id: lineId, eventId } }) : null;
    if (!before) throw notFound("Budget line");
    await tx.budgetLine.update({ where: { id: lineId }, data });
    await audit(
      actor,
      { action: "budget.update", entityType: "BudgetLine", entityId: lineId, eventId, before: view(before), after: data, ip },
      tx,
    );
    return lineId;
  });
}

export async function deleteLine(actor: Actor, eventId: string, lineId: string, ip: string | null): Promise<void> {
  await prisma().$transaction(async (tx) => {
    const before = UUID.test(lineId) ? await tx.budgetLine.findFirst({ where: { id: lineId, eventId } }) : null;
    if (!before) throw notFound("Budget line");
    await tx.budgetLine.delete({ where: { id: lineId } });
    await audit(actor, { action: "budget.delete", entityType: "BudgetLine", entityId: lineId, eventId, before: view(before), ip }, tx);
  });
}

export function parseDays(raw: string): number {
  const s = raw.trim();
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > MAX_ATTRIBUTION_DAYS) throw new BudgetInputError({ days: "budget.badDays" });
  return n;
}

export async function setAttributionDays(actor: Actor, eventId: string, days: number, ip: string | null): Promise<void> {
  await prisma().$transaction(async (tx) => {
    if (!(await tx.event.findUnique({ where: { id: eventId }, select: { id: true } }))) throw notFound("Event");
    const before = await tx.eventAnalytics.findUnique({ where: { eventId } });
    await tx.eventAnalytics.upsert({ where: { eventId }, create: { eventId, attributionDays: days }, update: { attributionDays: days } });
    await audit(
      actor,
      {
        action: "budget.attribution",
        entityType: "Event",
        entityId: eventId,
        eventId,
        before: { attributionDays: before?.attributionDays ?? DEFAULT_ATTRIBUTION_DAYS },
        after: { attributionDays: days },
        ip,
      },
      tx,
    );
  });
}
