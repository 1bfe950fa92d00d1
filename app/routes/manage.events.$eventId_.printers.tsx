import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import type { MessageKey } from "~/i18n";
import { listPrintJobs, loadPrintJob } from "~/services/print/jobs.server";
import { movePrintJob, reprint } from "~/services/print/move.server";
import { printerStatus, printTestBadge } from "~/services/print/worker.server";
import {
  createPrinter,
  deletePrinter,
  eventPrinter,
  jobNames,
  listEventPrinters,
  updatePrinter,
  validatePrinter,
} from "~/services/print/printers.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { pageLocale, tFor } from "~/services/registrations/forms.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { logger } from "~/utils/logger.server";
import { TEMPLATES } from "../../printing/template";
import { EventPageTop, useManagePage } from "~/components/manage-page";
import { JobTable } from "~/components/printers/job-table";
import { PrinterForm } from "~/components/printers/printer-form";
import { PrinterTable } from "~/components/printers/printer-table";
import { isUuid } from "~/utils/ids";

// Printers of one event: live health, add/edit/delete, a test badge, and the recent print jobs
// with reprint (reason required) and move to another printer.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const event = await requireEventParam(params, actor);
  const printers = await listEventPrinters(event.id);
  // Live checks run in parallel with a short timeout, so one dead printer cannot stall the page.
  const statuses = await Promise.all(printers.map((p) => printerStatus(p, { timeoutMs: 1200 })));
  const jobs = await listPrintJobs({ eventId: event.id, limit: 50 });
  const names = await jobNames([...new Set(jobs.map((j) => j.registrationId))]);
  return {
    event: { id: event.id, name: event.name, timezone: event.timezone },
    printers: printers.map((p, i) => ({ ...statuses[i], stock: p.templateStock })),
    jobs: jobs.map((j) => ({ ...j, name: names[j.registrationId] ?? "—" })),
    stocks: Object.values(TEMPLATES).map((t) => ({ id: t.id, name: t.name })),
  };
}

type Result = {
  ok: boolean;
  intent: string;
  target: string;
  formError: string | null;
  fields: Record<string, string>;
  notice: string | null;
};

export async function action({ request, params }: ActionFunctionArgs): Promise<Result> {
  const actor = await requireManagerPage(request);
  const event = await requireEventParam(params, actor);
  const form = await request.formData();
  const t = tFor(pageLocale(request, form));
  const raw = Object.fromEntries([...form].filter(([, v]) => typeof v === "string")) as Record<string, string>;
  const intent = raw.intent ?? "";
  const target = raw.printerId || raw.jobId || "new";
  const fail = (fields: Record<string, string>, formError: string | null = null): Result => ({
    ok: false,
    intent,
    target,
    formError,
    fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, t(v as MessageKey)])),
    notice: null,
  });
  const done = (notice: string): Result => ({ ok: true, intent, target, formError: null, fields: {}, notice });
  const jobOfEvent = async () => {
    const job = await loadPrintJob(raw.jobId ?? "");
    if (!job || job.eventId !== event.id) throw notFound("Print job");
    return job;
  };
  try {
    switch (intent) {
      case "create":
      case "update": {
        const { input, fields } = validatePrinter(raw);
        if (Object.keys(fields).length) return fail(fields);
        if (intent === "create") await createPrinter(event.id, input);
        else await updatePrinter(event.id, raw.printerId ?? "", input);
        return done(t(intent === "create" ? "printers.created" : "common.saved"));
      }
      case "delete":
        await deletePrinter(event.id, raw.printerId ?? "");
        return done(t("printers.deleted"));
      case "test": {
        const printer = await eventPrinter(event.id, raw.printerId ?? "");
        try {
          const r = await printTestBadge(printer);
          return done(printer.driver === "browser" ? t("printers.testBrowser") : t("printers.testSent", { state: r.health.state }));
        } catch (err) {
          return { ...fail({}), formError: t("printers.testFailed", { error: (err as Error).message }) };
        }
      }
      case "reprint": {
        const job = await jobOfEvent();
        const reason = (raw.reason ?? "").trim();
        if (!reason) return fail({ reason: "field.required" });
        await reprint(job, { reason: reason.slice(0, 500), printerId: raw.toPrinterId || null });
        return done(t("printers.reprinted"));
      }
      case "move": {
        const job = await jobOfEvent();
        if (!isUuid(raw.toPrinterId)) return fail({ toPrinterId: "field.required" });
        await movePrintJob(job, raw.toPrinterId);
        return done(t("printers.moved"));
      }
      default:
        throw new Response("Unknown intent", { status: 400 });
    }
  } catch (err) {
    if (err instanceof Response) throw err;
    if (err instanceof HttpError) {
      if (err.code === "not_movable") return fail({}, t("printers.notMovable"));
      if (err.code === "printer_busy") return fail({}, t("printers.busy"));
      if (err.status === 404) return fail({}, t("printers.notFound"));
      if (err.fields?.printerId) return fail({ toPrinterId: "printers.err.printer" });
      return fail({}, err.message);
    }
    logger().error({ err }, "printers page action failed");
    return fail({}, t("error.server"));
  }
}

export default function Printers() {
  const { event, printers, jobs, stocks } = useLoaderData<typeof loader>();
  const { result, t, busy } = useManagePage<typeof action>();
  const revalidator = useRevalidator();
  useEffect(() => {
    // Health and job states change without us: look again every few seconds.
    const timer = setInterval(
      () => revalidator.state === "idle" && document.visibilityState === "visible" && revalidator.revalidate(),
      5000,
    );
    return () => clearInterval(timer);
  }, [revalidator]);
  const errorsFor = (target: string, intent?: string) =>
    result && !result.ok && result.target === target && (!intent || result.intent === intent) ? result.fields : {};

  return (
    <>
      <EventPageTop event={event} title={t("printers.title")} result={result}>
        <p className="row">
          <Link to={`/manage/events/${event.id}/badges`}>{t("badges.title")}</Link>
        </p>
      </EventPageTop>

      <section className="card">
        <h2>{t("printers.list")}</h2>
        <PrinterTable printers={printers} stocks={stocks} errorsFor={errorsFor} busy={busy} />
      </section>

      <section className="card">
        <h2>{t("printers.add")}</h2>
        <PrinterForm
          intent="create"
          id="new"
          value={{ name: "", driver: "raw_tcp", address: "", stock: "" }}
          stocks={stocks}
          errors={errorsFor("new")}
          busy={busy}
        />
      </section>

      <section className="card">
        <h2>{t("printers.jobs")}</h2>
        <JobTable jobs={jobs} printers={printers} timezone={event.timezone} errorsFor={errorsFor} busy={busy} />
      </section>
    </>
  );
}
