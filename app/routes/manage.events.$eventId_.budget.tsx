import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { FieldBox, FieldError } from "~/components/field";
import { EventPageTop, useManagePage } from "~/components/manage-page";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";
import {
  attributionDays,
  BudgetInputError,
  deleteLine,
  listBudget,
  parseDays,
  parseLine,
  saveLine,
  setAttributionDays,
} from "~/services/analytics/budget.server";
import { BUDGET_KINDS } from "~/services/analytics/funnel-options";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { pageError, pageLocale, text, tFor } from "~/services/registrations/forms.server";
import { idParam } from "~/utils/ids";

// The event's budget lines (planned and actual) and its attribution window (issue #14 item 3).

export const meta: MetaFunction = () => [{ title: "Expo Desk — budget" }];

type Result = {
  ok: boolean;
  formError: string | null;
  notice: string | null;
  lineId: string | null;
  fields: Record<string, string>;
  values: Record<string, string>;
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const { id, name } = await requireEventParam(params, actor);
  const event = { id, name };
  const [lines, days] = await Promise.all([listBudget(event.id), attributionDays(event.id)]);
  return { event, lines, days };
}

export async function action({ request, params, context }: ActionFunctionArgs): Promise<Result> {
  const actor = await requireManagerPage(request);
  const locale = pageLocale(request);
  const t = tFor(locale);
  const eventId = idParam(params, "eventId");
  const form = await request.formData();
  const intent = text(form, "intent");
  const lineId = text(form, "lineId") || null;
  const values = Object.fromEntries(["kind", "channel", "note", "planned", "actual", "days"].map((k) => [k, text(form, k)]));
  const ip = context.ip;
  try {
    if (intent === "save") {
      await saveLine(
        actor,
        eventId,
        lineId,
        parseLine({ kind: values.kind, channel: values.channel, note: values.note, planned: values.planned, actual: values.actual }),
        ip,
      );
      return { ok: true, formError: null, notice: t("budget.saved"), lineId: null, fields: {}, values: {} };
    }
    if (intent === "delete" && lineId) {
      await deleteLine(actor, eventId, lineId, ip);
      return { ok: true, formError: null, notice: t("budget.deleted"), lineId: null, fields: {}, values: {} };
    }
    if (intent === "days") {
      await setAttributionDays(actor, eventId, parseDays(values.days), ip);
      return { ok: true, formError: null, notice: t("budget.daysSaved"), lineId: null, fields: {}, values: {} };
    }
    throw new Response("Unknown intent", { status: 400 });
  } catch (err) {
    if (err instanceof Response) throw err;
    if (err instanceof BudgetInputError) {
      const fields = Object.fromEntries(Object.entries(err.keys).map(([k, v]) => [k, t(v)]));
      return { ok: false, formError: null, notice: null, lineId: intent === "days" ? "days" : (lineId ?? "new"), fields, values };
    }
    const r = pageError(locale, err);
    return { ok: false, formError: r.formError, notice: null, lineId, fields: {}, values };
  }
}

export default function Budget() {
  const { event, lines, days } = useLoaderData<typeof loader>();
  const { result, t, locale } = useManagePage<typeof action>();
  const money = (n: number | null) =>
    n === null ? "—" : new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-GB", { maximumFractionDigits: 2 }).format(n);
  const total = (k: "planned" | "actual") => lines.reduce((s, l) => s + (l[k] ?? 0), 0);
  const forLine = (id: string) => (result && !result.ok && result.lineId === id ? result : null);
  const daysErr = forLine("days");

  return (
    <>
      <EventPageTop event={event} title={t("budget.title")} result={result}>
        <p className="small">
          <Link to={`/manage/events/${event.id}/funnel`}>{t("fun.link")}</Link>
        </p>
      </EventPageTop>

      <section className="card">
        <Form method="post" className="row" data-testid="budget-days">
          <input type="hidden" name="intent" value="days" />
          <FieldBox htmlFor="budget-days" label={t("budget.days")} error={daysErr?.fields.days} errorId="budget-days-error">
            <input
              id="budget-days"
              name="days"
              inputMode="numeric"
              defaultValue={daysErr?.values.days ?? String(days)}
              aria-invalid={daysErr?.fields.days ? true : undefined}
              aria-describedby={daysErr?.fields.days ? "budget-days-error" : undefined}
            />
          </FieldBox>
          <button type="submit">{t("budget.save")}</button>
        </Form>
      </section>

      <section className="card">
        {lines.length === 0 && <p className="empty">{t("budget.empty")}</p>}
        <table data-testid="budget-lines" className="small">
          <thead>
            <tr>
              <th>{t("budget.kind")}</th>
              <th>{t("budget.channel")}</th>
              <th>{t("budget.note")}</th>
              <th>{t("budget.planned")}</th>
              <th>{t("budget.actual")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <LineRow key={l.id} line={l} failed={forLine(l.id)} />
            ))}
            <LineRow line={null} failed={forLine("new")} />
          </tbody>
          <tfoot>
            <tr data-testid="budget-total">
              <th colSpan={3}>{t("budget.total")}</th>
              <th data-value={total("planned")}>{money(total("planned"))}</th>
              <th data-value={total("actual")}>{money(total("actual"))}</th>
              <th />
            </tr>
          </tfoot>
        </table>
        <p className="small muted">{t("budget.channelHint")}</p>
      </section>
    </>
  );
}

function LineRow({
  line,
  failed,
}: {
  line: { id: string; kind: string; channel: string | null; note: string | null; planned: number; actual: number | null } | null;
  failed: Result | null;
}) {
  const t = useT();
  const formId = `budget-${line?.id ?? "new"}`;
  const v = (k: string, fallback: string) => failed?.values[k] ?? fallback;
  const field = (name: string, fallback: string, label: string, extra: Record<string, unknown> = {}) => (
    <td>
      <input
        form={formId}
        name={name}
        aria-label={label}
        defaultValue={v(name, fallback)}
        aria-invalid={failed?.fields[name] ? true : undefined}
        {...extra}
      />
      <FieldError message={failed?.fields[name]} testId={`error-${name}`} />
    </td>
  );
  return (
    <tr data-testid={line ? "budget-line" : "budget-new"}>
      <td>
        <select form={formId} name="kind" aria-label={t("budget.kind")} defaultValue={v("kind", line?.kind ?? "")}>
          {!line && <option value="">—</option>}
          {BUDGET_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`budget.kind.${k}` as MessageKey)}
            </option>
          ))}
        </select>
        <FieldError message={failed?.fields.kind} testId="error-kind" />
      </td>
      {field("channel", line?.channel ?? "", t("budget.channel"), { maxLength: 100 })}
      {field("note", line?.note ?? "", t("budget.note"), { maxLength: 200 })}
      {field("planned", line ? String(line.planned) : "", t("budget.planned"), { inputMode: "decimal", size: 10 })}
      {field("actual", line?.actual === null || !line ? "" : String(line.actual), t("budget.actual"), { inputMode: "decimal", size: 10 })}
      <td>
        <Form method="post" id={formId} className="row">
          {line && <input type="hidden" name="lineId" value={line.id} />}
          <button type="submit" name="intent" value="save" className={line ? undefined : "primary"}>
            {line ? t("budget.save") : t("budget.add")}
          </button>
          {line && (
            <button type="submit" name="intent" value="delete">
              {t("budget.delete")}
            </button>
          )}
        </Form>
      </td>
    </tr>
  );
}
