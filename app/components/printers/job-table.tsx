import { Form } from "@remix-run/react";
import { formatDateTime, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { printJobErrorText } from "../../../printing/reasons";
import { FieldError, Options, TableHead } from "./options";
import type { ErrorsFor, JobLine, PrinterLine } from "./types";

// The event's recent print jobs: state and error, move a queued or failed job to another
// printer, reprint with a reason.

const STATUS_CLASS: Record<string, string> = { failed: "badge locked", done: "badge", queued: "badge", printing: "badge", sent: "badge" };

type Props = { jobs: JobLine[]; printers: PrinterLine[]; timezone: string; errorsFor: ErrorsFor; busy: boolean };

export function JobTable({ jobs, printers, timezone, errorsFor, busy }: Props) {
  const t = useT();
  const locale = useLocale();
  if (jobs.length === 0) return <p className="empty">{t("printers.noJobs")}</p>;
  const choices = printers.map((p) => p.printer);
  return (
    <table data-testid="print-jobs">
      <TableHead labels={[t("pub.person"), t("printers.printer"), t("manage.state"), t("printers.when"), t("common.actions")]} />
      <tbody>
        {jobs.map((j) => (
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
            <td className="small muted">{formatDateTime(locale, new Date(j.createdAt), timezone)}</td>
            <td>
              {(j.status === "queued" || j.status === "failed") && (
                <MoveForm jobId={j.id} choices={choices.filter((p) => p.id !== j.printerId)} errors={errorsFor(j.id, "move")} busy={busy} />
              )}
              <ReprintForm jobId={j.id} choices={choices} errors={errorsFor(j.id, "reprint")} busy={busy} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type FormProps = { jobId: string; choices: { id: string; name: string }[]; errors: Record<string, string>; busy: boolean };

function MoveForm({ jobId, choices, errors, busy }: FormProps) {
  const t = useT();
  return (
    <Form method="post" className="row">
      <input type="hidden" name="jobId" value={jobId} />
      <select name="toPrinterId" aria-label={t("printers.moveTo")} defaultValue="" aria-invalid={!!errors.toPrinterId}>
        <Options blank={t("printers.moveTo")} items={choices} />
      </select>
      <button type="submit" name="intent" value="move" className="link" disabled={busy}>
        {t("printers.move")}
      </button>
      <FieldError name="toPrinterId" errors={errors} />
    </Form>
  );
}

function ReprintForm({ jobId, choices, errors, busy }: FormProps) {
  const t = useT();
  return (
    <details>
      <summary>{t("printers.reprint")}</summary>
      <Form method="post">
        <input type="hidden" name="intent" value="reprint" />
        <input type="hidden" name="jobId" value={jobId} />
        <div className="field">
          <label htmlFor={`reason-${jobId}`}>{t("printers.reason")} *</label>
          <input id={`reason-${jobId}`} name="reason" type="text" required maxLength={500} aria-invalid={!!errors.reason} />
          <FieldError name="reason" errors={errors} />
        </div>
        <select name="toPrinterId" aria-label={t("printers.printer")} defaultValue="">
          <Options blank={t("printers.samePrinter")} items={choices} />
        </select>
        <FieldError name="toPrinterId" errors={errors} />
        <button type="submit" className="link" disabled={busy}>
          {t("printers.reprint")}
        </button>
      </Form>
    </details>
  );
}
