import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatDateTime } from "~/i18n";
import { BackLink, useManagePage } from "~/components/manage-page";
import { SubmitLine } from "~/components/post-button";
import { cardFromForm } from "~/services/exhibitors/card-form.server";
import { lockAllOfEvent } from "~/services/exhibitors/cabinet.server";
import { createExhibitor, eventExhibitorRows, exhibitorByInn } from "~/services/exhibitors/exhibitors.server";
import { bulkSetQuota } from "~/services/exhibitors/edit.server";
import { BulkQuotaForm } from "~/components/exhibitor-settings";
import { eventFromForm } from "~/services/events/form.server";
import { updateEvent } from "~/services/events/events.server";
import { copyEvent } from "~/services/events/copy.server";
import { crmJobCount } from "~/services/outbox.server";
import { EventForm } from "~/components/event-form";
import { toLocalInput } from "~/utils/time";
import { HttpError } from "~/utils/errors.server";
import { formString, optional, requiredReason, runFormAction, type FormResult } from "~/utils/forms.server";
import { serverT } from "~/utils/i18n.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { DataTable } from "~/components/data-table";
import { Field, Options } from "~/components/field";
import { idParam } from "~/utils/ids";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const event = await requireEventParam(params, actor);
  const rows = await eventExhibitorRows(event.id);
  return {
    event: {
      id: event.id,
      name: event.name,
      timezone: event.timezone,
      editDeadline: event.editDeadline?.toISOString() ?? null,
      form: {
        name: event.name,
        venue: event.venue,
        address: event.address,
        timezone: event.timezone,
        startsAt: toLocalInput(event.startsAt, event.timezone),
        endsAt: toLocalInput(event.endsAt, event.timezone),
        editDeadline: event.editDeadline ? toLocalInput(event.editDeadline, event.timezone) : "",
        doorsOpen: event.doorsOpen ?? "",
        doorsClose: event.doorsClose ?? "",
        format: event.format,
      },
      copyForm: copyDefaults(event),
    },
    exhibitors: rows,
    crmPending: await crmJobCount(),
  };
}

type CreateResult = FormResult & { existing?: { id: string; name: string } };

/** The copy form starts a week later: a weekly event needs only a check and a click. */
function copyDefaults(e: { name: string; venue: string; address: string | null; timezone: string; startsAt: Date; endsAt: Date; format: string }) {
  const week = 7 * 24 * 3600 * 1000;
  return { name: e.name, venue: e.venue, address: e.address, timezone: e.timezone, format: e.format, startsAt: toLocalInput(new Date(e.startsAt.getTime() + week), e.timezone), endsAt: toLocalInput(new Date(e.endsAt.getTime() + week), e.timezone) };
}

export async function action({ request, params, context }: ActionFunctionArgs): Promise<CreateResult> {
  const actor = await requireManagerPage(request);
  const form = await request.formData();
  const intent = formString(form, "intent") ?? "";
  const eventId = idParam(params, "eventId");
  let copiedId: string | null = null;
  const result: CreateResult = await runFormAction(request, intent, async () => {
    if (intent === "create") {
      const quota = Number(formString(form, "staffQuota"));
      const area = optional(form, "areaM2");
      const fields: Record<string, string> = {};
      if (!Number.isInteger(quota) || quota < 0) fields.staffQuota = "expected number";
      if (area && !(Number(area.replace(",", ".")) > 0)) fields.areaM2 = "expected number";
      if (!optional(form, "stand")) fields.stand = "Required";
      if (Object.keys(fields).length) throw new HttpError(422, "validation_failed", "Some fields are invalid.", fields);
      await createExhibitor(actor, eventId, { company: cardFromForm(form), stand: optional(form, "stand")!, staffQuota: quota, areaM2: area ? Number(area.replace(",", ".")) : undefined, parentExhibitorId: optional(form, "parentExhibitorId") }, context.ip);
    } else if (intent === "settings") await updateEvent(actor, eventId, eventFromForm(form));
    else if (intent === "copy") copiedId = (await copyEvent(actor, eventId, eventFromForm(form), context.ip)).id;
    else if (intent === "lock-all") await lockAllOfEvent(actor, eventId, true, requiredReason(form), context.ip);
    else if (intent === "unlock-all") await lockAllOfEvent(actor, eventId, false, null, context.ip);
    else if (intent === "bulk-quota") {
      const raw = optional(form, "staffQuota") ?? "";
      if (!/^\d{1,5}$/.test(raw) || Number(raw) > 10000) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { staffQuota: "expected number" });
      const ids = form.getAll("exhibitorIds").filter((v): v is string => typeof v === "string");
      return serverT(request).t("exedit.bulkDone", { count: await bulkSetQuota(actor, eventId, ids, Number(raw), context.ip) });
    }
  }, form);
  if (copiedId) throw redirect(`/manage/events/${copiedId}`);
  // A company that exhibits already: name it and link to it, rather than "check the value".
  if (intent === "create" && result.code === "already_exhibiting") {
    const existing = await exhibitorByInn(eventId, optional(form, "inn") ?? "");
    if (existing) return { ...result, fields: { ...result.fields, inn: serverT(request).t("manage.alreadyExhibitor", { name: existing.name }) }, existing };
  }
  return result;
}

export default function ManageEvent() {
  const { event, exhibitors, crmPending } = useLoaderData<typeof loader>();
  const { result, t, locale, busy } = useManagePage<typeof action>();
  const [params, setParams] = useSearchParams();
  const filter = params.get("filter") ?? "all";
  const q = (params.get("q") ?? "").toLowerCase();
  const shown = exhibitors.filter(
    (e) => (filter === "all" || (filter === "locked" && e.locked) || (filter === "full" && e.used >= e.quota)) && (!q || e.name.toLowerCase().includes(q) || (e.inn ?? "").includes(q)),
  );
  const fields = result?.intent === "create" && !result.ok ? result.fields : {};
  const existing = result?.existing;
  const lockAllError = result?.intent === "lock-all" && !result.ok ? result.fields.reason : undefined;
  return (
    <>
      <BackLink to="/manage" label={t("nav.events")} />
      <h1>{event.name}</h1>
      <p className="row small" data-testid="event-links">
        <Link to={`/manage/events/${event.id}/attendance`}>{t("att.link")}</Link>
        <Link to={`/manage/events/${event.id}/media`}>{t("mgr.mediaTitle")}</Link>
        <Link to={`/manage/events/${event.id}/stand-bookings`}>{t("mgr.standTitle")}</Link>
        <Link to={`/manage/events/${event.id}/invitations`}>{t("aud.invTitle")}</Link>
        <Link to={`/manage/events/${event.id}/reminders`}>{t("sms.title")}</Link>
        <Link to={`/manage/events/${event.id}/kiosks`}>{t("kiosks.title")}</Link>
        <Link to={`/manage/events/${event.id}/badges`}>{t("badges.title")}</Link>
        <Link to={`/manage/events/${event.id}/printers`}>{t("printers.title")}</Link>
        <Link to={`/manage/events/${event.id}/changes`}>{t("manage.audit")}</Link>
        <Link to={`/manage/events/${event.id}/funnel`}>{t("fun.link")}</Link>
        <Link to={`/manage/events/${event.id}/budget`}>{t("fun.budgetLink")}</Link>
        <Link to="/manage/outbox">{t("outbox.title")}</Link>
        <a href={`/e/${event.id}/register`}>{t("mgr.publicRegistration")}</a>
      </p>
      {event.editDeadline && <p className="muted">{t("cabinet.deadline", { time: formatDateTime(locale, new Date(event.editDeadline), event.timezone) })}</p>}
      {crmPending > 0 && <p className="muted">{t("manage.crmPending", { count: crmPending })}</p>}
      {result?.formError && <p className="form-error" role="alert">{result.formError}</p>}
      {result?.ok && <p className="notice" role="status">{result.notice}</p>}
      <div className="row">
        <label>
          {t("manage.filter")}{" "}
          <select value={filter} onChange={(e) => setParams((p) => (p.set("filter", e.target.value), p), { replace: true })}>
            <option value="all">{t("manage.filterAll")}</option>
            <option value="locked">{t("manage.filterLocked")}</option>
            <option value="full">{t("manage.filterFull")}</option>
          </select>
        </label>
        <label>
          {t("manage.search")} <input type="search" defaultValue={params.get("q") ?? ""} onChange={(e) => setParams((p) => (p.set("q", e.target.value), p), { replace: true })} />
        </label>
        <Form method="post" className="row">
          <input type="hidden" name="intent" value="lock-all" />
          <input name="reason" placeholder={t("manage.lockReason")} aria-label={t("manage.lockReason")} aria-invalid={lockAllError ? true : undefined} required />
          {lockAllError && (
            <span className="field-error" role="alert" data-testid="error-lock-all-reason">
              {lockAllError}
            </span>
          )}
          <button type="submit" className="link" onClick={(e) => !confirm(t("manage.lockAll") + "?") && e.preventDefault()}>
            {t("manage.lockAll")}
          </button>
        </Form>
        <Form method="post">
          <input type="hidden" name="intent" value="unlock-all" />
          <button type="submit" className="link">
            {t("manage.unlockAll")}
          </button>
        </Form>
      </div>
      <h2>{t("manage.exhibitors")}</h2>
      {exhibitors.length === 0 ? (
        <p className="empty">{t("manage.noExhibitors")}</p>
      ) : (
        <DataTable
          rows={shown}
          testId="exhibitors"
          head={[
            <input
              key="all"
              type="checkbox"
              aria-label={t("exedit.selectAll")}
              onChange={(e) => document.querySelectorAll<HTMLInputElement>("input[name=exhibitorIds]").forEach((box) => (box.checked = e.currentTarget.checked))}
            />,
            t("company.name"),
            t("manage.stand"),
            t("manage.used"),
            t("manage.state"),
            t("manage.lastEdit"),
          ]}
        >
          {(e) => (
            // Keyed by the quota too: a bulk change remounts its rows unticked.
            <tr key={`${e.id}:${e.quota}`} data-testid="exhibitor-row">
              <td>
                <input type="checkbox" name="exhibitorIds" value={e.id} form="bulk-quota" aria-label={t("exedit.select", { name: e.name })} />
              </td>
              <td>
                <Link to={`/manage/exhibitors/${e.id}`}>{e.name}</Link>
                {e.parent && <div className="muted small">↳ {e.parent}</div>}
              </td>
              <td>{e.stand}</td>
              <td>
                {e.used} / {e.quota}
              </td>
              <td>
                <span className={e.locked ? "badge locked" : "badge"}>{e.locked ? t("manage.lockedState") : t("manage.open")}</span>
              </td>
              <td className="muted">{formatDateTime(locale, new Date(e.lastEdit), event.timezone)}</td>
            </tr>
          )}
        </DataTable>
      )}
      {exhibitors.length > 0 && <BulkQuotaForm fields={result?.intent === "bulk-quota" && !result.ok ? result.fields : {}} busy={busy} />}
      <section className="card">
        <h2>{t("manage.addExhibitor")}</h2>
        {/* Keyed by the count: a successful add remounts the form empty. */}
        <Form key={exhibitors.length} method="post" className="grid" data-testid="create-exhibitor" noValidate>
          <input type="hidden" name="intent" value="create" />
          <Field name="name" label={t("company.name")} error={fields.name} required />
          <Field name="inn" label={t("company.inn")} error={fields.inn} />
          {existing && (
            <p data-testid="existing-exhibitor">
              <Link to={`/manage/exhibitors/${existing.id}`}>{t("manage.openExisting", { name: existing.name })}</Link>
            </p>
          )}
          <Field name="city" label={t("company.city")} error={fields.city} />
          <Field name="stand" label={t("manage.stand")} error={fields.stand} required />
          <Field name="areaM2" label={t("manage.area")} error={fields.areaM2} />
          <Field name="staffQuota" label={t("manage.quota")} error={fields.staffQuota} type="number" defaultValue="10" required />
          <div className="field">
            <label htmlFor="f-parent">{t("manage.parent")}</label>
            <select id="f-parent" name="parentExhibitorId" defaultValue="">
              <Options options={[["", t("manage.noParent")], ...exhibitors.filter((e) => !e.parent).map((e) => [e.id, e.name] as const)]} />
            </select>
          </div>
          <SubmitLine label={t("common.add")} busy={busy} />
        </Form>
      </section>
      <details className="card" data-testid="event-settings">
        <summary>{t("event.settings")}</summary>
        <EventForm key={event.editDeadline ?? ""} intent="settings" values={event.form} fields={result?.intent === "settings" && !result.ok ? result.fields : {}} busy={busy} submit={t("common.save")} testId="settings-form" />
      </details>
      <details className="card" data-testid="event-copy" open={result?.intent === "copy" && !result.ok}>
        <summary>{t("copy.title")}</summary>
        <p className="muted small">{t("copy.hint")}</p>
        <EventForm intent="copy" values={event.copyForm} fields={result?.intent === "copy" && !result.ok ? result.fields : {}} busy={busy} submit={t("copy.submit")} testId="copy-form" />
      </details>
    </>
  );
}
