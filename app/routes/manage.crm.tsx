import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { CrmFailures } from "~/components/crm/failures";
import { CrmMappingForm } from "~/components/crm/mapping";
import { CrmResync } from "~/components/crm/resync";
import { CrmBanners, CrmSyncState } from "~/components/crm/sync-state";
import { BackLink, FormOutcome, useManagePage } from "~/components/manage-page";
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
  return runFormAction(
    request,
    intent,
    async () => {
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
    },
    form,
  );
}

export default function ManageCrm() {
  const { overview, settings, options, optionsError, events, progress } = useLoaderData<typeof loader>();
  const { result, t, busy } = useManagePage<typeof action>();
  const revalidator = useRevalidator();
  const working = overview.queue.pending > overview.queue.waiting || progress.some((p) => p.progress && p.progress.done < p.progress.total);
  useEffect(() => {
    if (!working) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [working, revalidator]);
  const fields = result && !result.ok && result.intent === "settings" ? result.fields : {};

  return (
    <>
      <BackLink to="/manage" label={t("nav.events")} />
      <h1>{t("crm.title")}</h1>
      <FormOutcome result={result} />
      <CrmBanners overview={overview} busy={busy} />
      <CrmSyncState overview={overview} busy={busy} />
      <CrmFailures failures={overview.failures} busy={busy} />
      <CrmResync events={events} progress={progress} disabled={busy || !overview.configured} />
      <CrmMappingForm settings={settings} options={options} optionsError={optionsError} fields={fields} busy={busy} />
    </>
  );
}
