import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { formatDateTime, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { movePrintJob } from "~/services/print-move.server";
import { listPrintJobs, loadPrintJob, printerStatus, printTestBadge, reprint } from "~/services/print.server";
import {
  createPrinter,
  deletePrinter,
  eventPrinter,
  jobNames,
  listEventPrinters,
  updatePrinter,
  validatePrinter,
} from "~/services/printers.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { pageLocale, tFor } from "~/services/registrations/forms.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { logger } from "~/utils/logger.server";
import { printerMessageText, printerReasonText, printJobErrorText, stockName } from "../../printing/reasons";
import { TEMPLATES } from "../../printing/template";
import { BackToEvent, FormOutcome } from "~/components/manage-page";
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

const DRIVER_KEY = { raw_tcp: "printers.driver.raw", ipp: "printers.driver.ipp", browser: "printers.driver.browser" } as const satisfies Record<string, MessageKey>;
const STATUS_CLASS: Record<string, string> = { failed: "badge locked", done: "badge", queued: "badge", printing: "badge", sent: "badge" };

export default function Printers() {
  const { event, printers, jobs, stocks } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  useEffect(() => {
    // Health and job states change without us: look again every few seconds.
    const timer = setInterval(
      () => revalidator.state === "idle" && document.visibilityState === "visible" && revalidator.revalidate(),
      5000,
    );
    return () => clearInterval(timer);
  }, [revalidator]);
  // Keys built from data (a stock id, a message code): the helpers know they exist in both catalogues.
  const tk = (k: string, v?: Record<string, string | number>) => t(k as MessageKey, v);
  const errorsFor = (target: string, intent?: string) =>
    result && !result.ok && result.target === target && (!intent || result.intent === intent) ? result.fields : {};

  return (
    <>
      <BackToEvent event={event} />
      <h1>{t("printers.title")}</h1>
      <p className="row">
        <Link to={`/manage/events/${event.id}/badges`}>{t("badges.title")}</Link>
      </p>
      <FormOutcome result={result} />

      <section className="card">
        <h2>{t("printers.list")}</h2>
        {printers.length === 0 ? (
          <p className="empty" data-testid="printers-empty">
            {t("printers.none")}
          </p>
        ) : (
          <table data-testid="printers">
            <thead>
              <tr>
                <th>{t("printers.name")}</th>
                <th>{t("printers.health")}</th>
                <th>{t("printers.queue")}</th>
                <th>{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {printers.map((p) => (
                <tr key={p.printer.id} data-testid="printer-row" data-printer-id={p.printer.id}>
                  <td>
                    <strong>{p.printer.name}</strong>
                    <div className="small muted">
                      <span data-testid="printer-driver">{t(DRIVER_KEY[p.printer.driver])}</span> · {p.printer.address} ·{" "}
                      <span data-testid="printer-stock">{p.stock ? stockName(tk, p.stock) : t("printers.stockFromEvent")}</span>
                    </div>
                  </td>
                  <td>
                    <span className={p.health.ok ? "badge" : "badge locked"} data-testid="printer-health">
                      {p.health.ok ? t("printers.ok") : t("printers.problem")}:{" "}
                      {p.printer.driver === "browser" ? t("printers.browserPrinter") : printerReasonText((k, v) => t(k as MessageKey, v), p.health) || p.health.state}
                    </span>
                    {p.health.message && (
                      <div className="small muted" data-testid="printer-message">
                        {printerMessageText(tk, p.health.message)}
                      </div>
                    )}
                  </td>
                  <td className="small">
                    {t("printers.queueCounts", { queued: p.queue.queued, printing: p.queue.printing, failed: p.queue.failedLastHour })}
                    {p.lastError && <div className="small danger">{printJobErrorText(t, p.lastError)}</div>}
                  </td>
                  <td>
                    <Form method="post" className="row">
                      <input type="hidden" name="printerId" value={p.printer.id} />
                      <button type="submit" name="intent" value="test" className="link" disabled={busy}>
                        {t("printers.test")}
                      </button>
                      <button
                        type="submit"
                        name="intent"
                        value="delete"
                        className="link danger"
                        disabled={busy}
                        onClick={(e) => !confirm(t("printers.deleteConfirm", { name: p.printer.name })) && e.preventDefault()}
                      >
                        {t("common.remove")}
                      </button>
                    </Form>
                    <details>
                      <summary>{t("common.edit")}</summary>
                      <PrinterForm
                        intent="update"
                        id={p.printer.id}
                        value={{ name: p.printer.name, driver: p.printer.driver, address: p.printer.address, stock: p.stock ?? "" }}
                        stocks={stocks}
                        errors={errorsFor(p.printer.id)}
                        busy={busy}
                      />
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
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
        {jobs.length === 0 ? (
          <p className="empty">{t("printers.noJobs")}</p>
        ) : (
          <table data-testid="print-jobs">
            <thead>
              <tr>
                <th>{t("pub.person")}</th>
                <th>{t("printers.printer")}</th>
                <th>{t("manage.state")}</th>
                <th>{t("printers.when")}</th>
                <th>{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => {
                const moveErrs = errorsFor(j.id, "move");
                const errs = errorsFor(j.id, "reprint");
                return (
                  <tr key={j.id} data-testid="job-row" data-job-id={j.id}>
                    <td>
                      {j.name}
                      {j.source === "reprint" && <div className="small muted">{t("printers.reprintOf", { reason: j.reason ?? "" })}</div>}
                    </td>
                    <td>{j.printer?.name ?? "—"}</td>
                    <td>
                      <span className={STATUS_CLASS[j.status]} data-testid="job-status">
                        {t(`printers.status.${j.status}` as MessageKey)}
                      </span>
                      {j.attempts > 1 && <div className="small muted">{t("printers.attempts", { n: j.attempts })}</div>}
                      {j.error && (
                        <div className="small danger" data-testid="job-error">
                          {printJobErrorText(t, j.error)}
                        </div>
                      )}
                    </td>
                    <td className="small muted">{formatDateTime(locale, new Date(j.createdAt), event.timezone)}</td>
                    <td>
                      {(j.status === "queued" || j.status === "failed") && (
                        <Form method="post" className="row">
                          <input type="hidden" name="jobId" value={j.id} />
                          <select
                            name="toPrinterId"
                            aria-label={t("printers.moveTo")}
                            defaultValue=""
                            aria-invalid={!!moveErrs.toPrinterId}
                          >
                            <option value="">{t("printers.moveTo")}</option>
                            {printers
                              .filter((p) => p.printer.id !== j.printerId)
                              .map((p) => (
                                <option key={p.printer.id} value={p.printer.id}>
                                  {p.printer.name}
                                </option>
                              ))}
                          </select>
                          <button type="submit" name="intent" value="move" className="link" disabled={busy}>
                            {t("printers.move")}
                          </button>
                          {moveErrs.toPrinterId && <p className="field-error">{moveErrs.toPrinterId}</p>}
                        </Form>
                      )}
                      <details>
                        <summary>{t("printers.reprint")}</summary>
                        <Form method="post">
                          <input type="hidden" name="intent" value="reprint" />
                          <input type="hidden" name="jobId" value={j.id} />
                          <div className="field">
                            <label htmlFor={`reason-${j.id}`}>{t("printers.reason")} *</label>
                            <input id={`reason-${j.id}`} name="reason" type="text" required maxLength={500} aria-invalid={!!errs.reason} />
                            {errs.reason && (
                              <p className="field-error" data-testid="error-reason">
                                {errs.reason}
                              </p>
                            )}
                          </div>
                          <select name="toPrinterId" aria-label={t("printers.printer")} defaultValue="">
                            <option value="">{t("printers.samePrinter")}</option>
                            {printers.map((p) => (
                              <option key={p.printer.id} value={p.printer.id}>
                                {p.printer.name}
                              </option>
                            ))}
                          </select>
                          {errs.toPrinterId && <p className="field-error">{errs.toPrinterId}</p>}
                          <button type="submit" className="link" disabled={busy}>
                            {t("printers.reprint")}
                          </button>
                        </Form>
                      </details>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function PrinterForm(props: {
  intent: "create" | "update";
  id: string;
  value: { name: string; driver: string; address: string; stock: string };
  stocks: { id: string; name: string }[];
  errors: Record<string, string>;
  busy: boolean;
}) {
  const t = useT();
  const f = (n: string) => `${props.id}-${n}`;
  const err = (n: string) =>
    props.errors[n] && (
      <p className="field-error" data-testid={`error-${n}`}>
        {props.errors[n]}
      </p>
    );
  return (
    <Form method="post" data-testid={`printer-form-${props.intent}`}>
      <input type="hidden" name="intent" value={props.intent} />
      {props.intent === "update" && <input type="hidden" name="printerId" value={props.id} />}
      <div className={props.intent === "create" ? "grid" : undefined}>
        <div className="field">
          <label htmlFor={f("name")}>{t("printers.name")} *</label>
          <input
            id={f("name")}
            name="name"
            type="text"
            required
            maxLength={200}
            defaultValue={props.value.name}
            aria-invalid={!!props.errors.name}
          />
          {err("name")}
        </div>
        <div className="field">
          <label htmlFor={f("driver")}>{t("printers.driver")}</label>
          <select id={f("driver")} name="driver" defaultValue={props.value.driver}>
            <option value="raw_tcp">{t("printers.driver.raw")}</option>
            <option value="ipp">{t("printers.driver.ipp")}</option>
            <option value="browser">{t("printers.driver.browser")}</option>
          </select>
          {err("driver")}
        </div>
        <div className="field">
          <label htmlFor={f("address")}>{t("printers.address")}</label>
          <input
            id={f("address")}
            name="address"
            type="text"
            defaultValue={props.value.address}
            placeholder="192.168.1.50:9100 / http://cups:631/printers/BADGE"
            aria-invalid={!!props.errors.address}
          />
          {err("address")}
        </div>
        <div className="field">
          <label htmlFor={f("stock")}>{t("printers.stock")}</label>
          <select id={f("stock")} name="stock" defaultValue={props.value.stock}>
            <option value="">{t("printers.stockFromEvent")}</option>
            {props.stocks.map((s) => (
              <option key={s.id} value={s.id}>
                {stockName((k) => t(k as MessageKey), s.id, s.name)}
              </option>
            ))}
          </select>
          {err("stock")}
        </div>
      </div>
      <button type="submit" className="primary" disabled={props.busy}>
        {props.intent === "create" ? t("common.add") : t("common.save")}
      </button>
    </Form>
  );
}
