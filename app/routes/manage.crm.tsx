import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import { formatDateTime, formatNumber, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import {
  crmOverview,
  portalOptions,
  resumeSync,
  resyncEvent,
  resyncProgress,
  retryAllFailed,
  retryDeadJobs,
  retryRecord,
  saveSettings,
  type PortalOptions,
  type SettingsInput,
} from "~/services/crm/crm-admin.server";
import { crmWebhookUrl, loadSettings } from "~/services/crm/sync-settings.server";
import { HttpError } from "~/utils/errors.server";
import { formString, optional, runFormAction } from "~/utils/forms.server";
import { serverT } from "~/utils/i18n.server";
import { requireManagerPage } from "~/utils/permissions.server";
import { eventChoices } from "~/services/events/events.server";

// CRM sync with Bitrix24: state, failures with the CRM's own text, retries, the mapping
// (pipelines, stages and users loaded from the portal) and "resync this event".

async function optionsOrError(paused: boolean): Promise<{ options: PortalOptions | null; error: string | null }> {
  if (!crmWebhookUrl() || paused) return { options: null, error: null };
  try {
    return { options: await portalOptions(), error: null };
  } catch (e) {
    return { options: null, error: e instanceof Error ? e.message : String(e) };
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireManagerPage(request);
  const overview = await crmOverview();
  const settings = await loadSettings();
  const { options, error } = await optionsOrError(!!overview.paused);
  const events = await eventChoices();
  const progress = (
    await Promise.all(events.map(async (e) => ({ eventId: e.id, name: e.name, progress: await resyncProgress(e.id) })))
  ).filter((p) => p.progress);
  return {
    overview,
    settings: {
      innField: settings.innField ?? "",
      attendanceCategoryId: settings.attendanceCategoryId,
      stagePending: settings.stagePending ?? "",
      stageConfirmed: settings.stageConfirmed ?? "",
      stageVisited: settings.stageVisited ?? "",
      stageLost: settings.stageLost ?? "",
      servicesCategoryId: settings.servicesCategoryId,
      servicesStage: settings.servicesStage ?? "",
      attendanceResponsibleId: settings.attendanceResponsibleId,
      servicesResponsibleId: settings.servicesResponsibleId,
    },
    options,
    optionsError: error,
    events,
    progress,
  };
}

const intOrNull = (form: FormData, name: string) => {
  const v = optional(form, name);
  if (v === null) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new HttpError(422, "validation_failed", "Some fields are invalid.", { [name]: "expected number" });
  return n;
};

export async function action({ request }: ActionFunctionArgs) {
  await requireManagerPage(request);
  const form = await request.formData();
  const intent = formString(form, "intent") ?? "";
  const { t } = serverT(request);
  return runFormAction(request, intent, async () => {
    switch (intent) {
      case "retry":
        await retryRecord(formString(form, "entity") ?? "", formString(form, "id") ?? "");
        return t("crm.queued", { count: 1 });
      case "retry-failed":
        return t("crm.queued", { count: await retryAllFailed() });
      case "retry-dead":
        return t("crm.queued", { count: await retryDeadJobs() });
      case "resume": {
        const r = await resumeSync();
        if (!r.ok) throw new HttpError(409, "crm_refused", t("crm.resumeFailed", { reason: r.reason ?? "" }));
        return t("crm.resumed");
      }
      case "resync": {
        const { total } = await resyncEvent(formString(form, "eventId") ?? "");
        return t("crm.queued", { count: total });
      }
      case "settings": {
        const input: SettingsInput = {
          innField: optional(form, "innField"),
          attendanceCategoryId: intOrNull(form, "attendanceCategoryId"),
          stagePending: optional(form, "stagePending"),
          stageConfirmed: optional(form, "stageConfirmed"),
          stageVisited: optional(form, "stageVisited"),
          stageLost: optional(form, "stageLost"),
          servicesCategoryId: intOrNull(form, "servicesCategoryId"),
          servicesStage: optional(form, "servicesStage"),
          attendanceResponsibleId: intOrNull(form, "attendanceResponsibleId"),
          servicesResponsibleId: intOrNull(form, "servicesResponsibleId"),
        };
        const settings = await loadSettings();
        const { options } = await optionsOrError(!!settings.pausedAt);
        await saveSettings(input, options);
        return null;
      }
      default:
        throw new HttpError(400, "bad_request", "Unknown action.");
    }
  }, form);
}

const ROLES = [
  ["stagePending", "crm.stagePending"],
  ["stageConfirmed", "crm.stageConfirmed"],
  ["stageVisited", "crm.stageVisited"],
  ["stageLost", "crm.stageLost"],
] as const;

export default function ManageCrm() {
  const { overview, settings, options, optionsError, events, progress } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const t = useT();
  const locale = useLocale();
  const revalidator = useRevalidator();
  const [attendanceCat, setAttendanceCat] = useState(String(settings.attendanceCategoryId ?? 0));
  const [servicesCat, setServicesCat] = useState(String(settings.servicesCategoryId ?? 0));
  const working = overview.queue.pending > overview.queue.waiting || progress.some((p) => p.progress && p.progress.done < p.progress.total);
  useEffect(() => {
    if (!working) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [working, revalidator]);
  const stagesOf = (cat: string) => options?.categories.find((c) => String(c.id) === cat)?.stages ?? [];
  const fields = result && !result.ok && result.intent === "settings" ? result.fields : {};
  const n = (v: number | undefined) => formatNumber(locale, v ?? 0);

  return (
    <>
      <p>
        <Link to="/manage">← {t("nav.events")}</Link>
      </p>
      <h1>{t("crm.title")}</h1>
      {result?.formError && (
        <p className="form-error" role="alert">
          {result.formError}
        </p>
      )}
      {result?.ok && (
        <p className="notice" role="status">
          {result.notice}
        </p>
      )}
      {!overview.configured && (
        <p className="banner" data-testid="crm-off">
          {t("crm.notConfigured")}
        </p>
      )}
      {overview.paused && (
        <div className="banner" role="alert" data-testid="crm-paused">
          <p>{t("crm.paused", { reason: overview.paused.reason })}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="resume" />
            <button type="submit" className="primary" disabled={busy}>
              {t("crm.resume")}
            </button>
          </Form>
        </div>
      )}

      <section className="card" data-testid="crm-status">
        <h2>{t("crm.status")}</h2>
        {overview.portal && <p className="muted">{t("crm.portal", { portal: overview.portal })}</p>}
        <p>
          {t("crm.queue", { count: n(overview.queue.pending) })} · {t("crm.queueWaiting", { count: n(overview.queue.waiting) })} ·{" "}
          {t("crm.running", { count: n(overview.queue.running) })}
        </p>
        <p>
          {t("crm.synced", { count: n(overview.counts.synced) })} ·{" "}
          {t("crm.pending", { count: n((overview.counts.pending ?? 0) + (overview.counts.waiting_config ?? 0)) })} ·{" "}
          {t("crm.failedCount", { count: n(overview.counts.failed) })} · {t("crm.rate", { count: n(overview.syncedLast5Min) })}
        </p>
        {overview.requests && (
          <p className="small muted">
            {t("crm.requests", { requests: n(overview.requests.requests), retries: n(overview.requests.retries) })}
          </p>
        )}
        {overview.lastError && (
          <p className="small">
            {t("crm.lastError", {
              error: `${overview.lastError.error ?? ""}${overview.lastError.code ? ` (${overview.lastError.code})` : ""}`,
            })}{" "}
            — {formatDateTime(locale, new Date(overview.lastError.at), "Europe/Moscow")}
          </p>
        )}
        {overview.queue.dead > 0 && (
          <Form method="post" className="row">
            <span>{t("crm.dead", { count: n(overview.queue.dead) })}</span>
            <input type="hidden" name="intent" value="retry-dead" />
            <button type="submit" className="link" disabled={busy}>
              {t("crm.retryDead")}
            </button>
          </Form>
        )}
      </section>

      <section className="card">
        <h2>{t("crm.failures")}</h2>
        {overview.failures.length === 0 ? (
          <p className="empty">{t("crm.noFailures")}</p>
        ) : (
          <>
            <table data-testid="crm-failures">
              <thead>
                <tr>
                  <th>{t("crm.col.record")}</th>
                  <th>{t("crm.col.error")}</th>
                  <th>{t("crm.col.when")}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {overview.failures.map((f) => (
                  <tr key={`${f.entity}:${f.id}`}>
                    <td>
                      <span className="badge locked">{t(`crm.entity.${f.entity}` as MessageKey)}</span> {f.label}
                    </td>
                    <td>{f.error}</td>
                    <td className="small">{formatDateTime(locale, new Date(f.at), "Europe/Moscow")}</td>
                    <td>
                      <Form method="post">
                        <input type="hidden" name="intent" value="retry" />
                        <input type="hidden" name="entity" value={f.entity} />
                        <input type="hidden" name="id" value={f.id} />
                        <button type="submit" className="link" disabled={busy}>
                          {t("crm.retry")}
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Form method="post">
              <input type="hidden" name="intent" value="retry-failed" />
              <button type="submit" className="link" disabled={busy}>
                {t("crm.retryAll")}
              </button>
            </Form>
          </>
        )}
      </section>

      <section className="card">
        <h2>{t("crm.resync")}</h2>
        <Form method="post" className="row">
          <input type="hidden" name="intent" value="resync" />
          <select name="eventId" aria-label={t("manage.event")}>
            {events.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
          <button type="submit" className="primary" disabled={busy || events.length === 0 || !overview.configured}>
            {t("crm.resyncStart")}
          </button>
        </Form>
        {progress.map((p) => (
          <div key={p.eventId} data-testid="crm-resync-progress">
            <p className="small">
              {p.name}: {t("crm.resyncProgress", { done: n(p.progress!.done), total: n(p.progress!.total) })}
              {p.progress!.failed > 0 && ` · ${t("crm.resyncFailed", { count: n(p.progress!.failed) })}`}
            </p>
            <progress max={Math.max(1, p.progress!.total)} value={p.progress!.done} />
          </div>
        ))}
      </section>

      <section className="card">
        <h2>{t("crm.mapping")}</h2>
        <p className="small muted">{t("crm.mappingHint")}</p>
        {optionsError && <p className="form-error">{t("crm.portalUnavailable", { error: optionsError })}</p>}
        <Form method="post" data-testid="crm-settings">
          <input type="hidden" name="intent" value="settings" />
          <div className="grid">
            <div className="field">
              <label htmlFor="innField">{t("crm.innField")}</label>
              <input
                id="innField"
                name="innField"
                type="text"
                defaultValue={settings.innField}
                placeholder="UF_CRM_INN"
                aria-invalid={!!fields.innField}
              />
              {fields.innField && <p className="field-error">{fields.innField}</p>}
            </div>
          </div>
          <h3>{t("crm.attendance")}</h3>
          <div className="grid">
            <PipelineField
              id="attendanceCategoryId"
              label={t("crm.pipeline")}
              options={options}
              value={attendanceCat}
              onChange={setAttendanceCat}
              fallback={settings.attendanceCategoryId}
            />
            {ROLES.map(([name, label]) => (
              <StageField
                key={name}
                id={name}
                label={t(label)}
                none={t("crm.byDefault")}
                stages={options ? stagesOf(attendanceCat) : null}
                pipeline={attendanceCat}
                value={settings[name]}
                error={fields[name]}
              />
            ))}
            <div className="field">
              <label htmlFor="attendanceResponsibleId">{t("crm.attendanceResponsible")}</label>
              <UserSelect
                id="attendanceResponsibleId"
                options={options}
                value={settings.attendanceResponsibleId}
                none={t("crm.byDefault")}
              />
            </div>
          </div>
          <h3>{t("crm.services")}</h3>
          <div className="grid">
            <PipelineField
              id="servicesCategoryId"
              label={t("crm.pipeline")}
              options={options}
              value={servicesCat}
              onChange={setServicesCat}
              fallback={settings.servicesCategoryId}
            />
            <StageField
              id="servicesStage"
              label={t("crm.servicesStage")}
              none={t("crm.byDefault")}
              stages={options ? stagesOf(servicesCat) : null}
              pipeline={servicesCat}
              value={settings.servicesStage}
              error={fields.servicesStage}
            />
            <div className="field">
              <label htmlFor="servicesResponsibleId">{t("crm.servicesResponsible")}</label>
              <UserSelect id="servicesResponsibleId" options={options} value={settings.servicesResponsibleId} none={t("crm.byDefault")} />
            </div>
          </div>
          <button type="submit" className="primary" disabled={busy}>
            {t("common.save")}
          </button>
        </Form>
      </section>
    </>
  );
}

/** A pipeline: chosen from the portal's list, or typed as an id when the portal cannot be read. */
function PipelineField(p: {
  id: string;
  label: string;
  options: PortalOptions | null;
  value: string;
  onChange: (v: string) => void;
  fallback: number | null;
}) {
  return (
    <div className="field">
      <label htmlFor={p.id}>{p.label}</label>
      {p.options ? (
        <select id={p.id} name={p.id} value={p.value} onChange={(e) => p.onChange(e.target.value)}>
          {p.options.categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      ) : (
        <input id={p.id} name={p.id} type="number" min={0} defaultValue={p.fallback ?? ""} />
      )}
    </div>
  );
}

/** A stage of the chosen pipeline (the list is rebuilt when the pipeline changes); typed without the portal. */
function StageField(p: {
  id: string;
  label: string;
  none: string;
  stages: Array<{ STATUS_ID: string; NAME: string }> | null;
  pipeline: string;
  value: string;
  error?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={p.id}>{p.label}</label>
      {p.stages ? (
        <select id={p.id} name={p.id} defaultValue={p.value} key={p.pipeline} aria-invalid={!!p.error}>
          <option value="">{p.none}</option>
          {p.stages.map((s) => (
            <option key={s.STATUS_ID} value={s.STATUS_ID}>
              {s.NAME}
            </option>
          ))}
        </select>
      ) : (
        <input id={p.id} name={p.id} type="text" defaultValue={p.value} />
      )}
      {p.error && <p className="field-error">{p.error}</p>}
    </div>
  );
}

function UserSelect({ id, options, value, none }: { id: string; options: PortalOptions | null; value: number | null; none: string }) {
  if (!options) return <input id={id} name={id} type="number" min={1} defaultValue={value ?? ""} />;
  return (
    <select id={id} name={id} defaultValue={value ?? ""}>
      <option value="">{none}</option>
      {options.users.map((u) => (
        <option key={u.id} value={u.id}>
          {u.name}
          {u.position ? ` — ${u.position}` : ""}
        </option>
      ))}
    </select>
  );
}
