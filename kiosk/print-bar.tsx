import { useCallback, useEffect, useState } from "react";
import type { MessageKey } from "~/i18n";
import { printerMessageText, printerReasonText, printJobErrorText } from "../printing/reasons";
import { onBrowserPrint, type BrowserPrintState } from "./browser-print";
import type { KioskApi } from "./api";
import { store } from "./store";
import type { PrinterState, PrintJob, Translate } from "./types";

// The kiosk bar's printing part (issue #12): the printer's trouble in words (out of labels,
// paused, offline...), the last badge the kiosk's browser printed (sent / printed / failed), and
// the badges that did not print, each reprinted or moved to another printer with one tap.

type PrinterRef = { id: string; name: string; driver: string };

export function PrinterPill({ t, printer }: { t: Translate; printer: PrinterState }) {
  const { health } = printer;
  const why = health.ok ? "" : printerReasonText((k, p) => t(k as MessageKey, p), health);
  return (
    <span
      className={health.ok ? "pill ok" : "pill bad"}
      data-testid="kiosk-printer"
      data-ok={health.ok ? "1" : "0"}
      title={[printerMessageText((k, p) => t(k as MessageKey, p), health.message), ...health.reasons, printJobErrorText(t, printer.lastError)]
        .filter(Boolean)
        .join("; ")}
    >
      {health.ok
        ? t("kiosk.printerOk", { name: printer.printer.name })
        : why
          ? t("kiosk.printerReason", { name: printer.printer.name, reason: why })
          : t("kiosk.printerProblem", { name: printer.printer.name })}
    </span>
  );
}

/** The last badge printed by this kiosk's browser, as it goes. */
export function BrowserPrintPill({ t }: { t: Translate }) {
  const [last, setLast] = useState<BrowserPrintState | null>(null);
  useEffect(() => onBrowserPrint(setLast), []);
  if (!last) return null;
  return (
    <span
      className={last.state === "failed" ? "pill bad" : last.state === "printed" ? "pill ok" : "pill"}
      data-testid="kiosk-print-state"
      data-state={last.state}
      data-job={last.jobId}
    >
      {last.state === "failed"
        ? t("kiosk.print.failed", { error: last.error ?? "" })
        : t(last.state === "printed" ? "kiosk.print.printed" : "kiosk.print.sent")}
    </span>
  );
}

type Failed = { job: PrintJob; name: string };
const HOUR = 3_600_000;

/** Failed badges of the last hour on this kiosk's printer that nobody reprinted or moved yet. */
export function FailedBadges({
  t,
  api,
  printerId,
  printers,
  tick,
}: {
  t: Translate;
  api: KioskApi;
  printerId: string | null | undefined;
  printers: PrinterRef[];
  tick: number;
}) {
  const [failed, setFailed] = useState<Failed[]>([]);
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!printerId) return setFailed([]);
    try {
      const { printJobs } = await api.printJobs(printerId);
      const redone = new Set(printJobs.map((j) => j.reprintOfId).filter(Boolean));
      const list = printJobs.filter(
        (j) => j.status === "failed" && !redone.has(j.id) && Date.now() - Date.parse(j.finishedAt ?? j.createdAt ?? "") < HOUR,
      );
      setFailed(
        await Promise.all(list.map(async (job) => ({ job, name: (await store.getRegistration(job.registrationId))?.name ?? "—" }))),
      );
    } catch {
      // offline: keep what we had
    }
  }, [api, printerId]);
  // Every third status round (~10 s), and at once when this kiosk's browser failed a badge.
  useEffect(() => {
    if (tick % 3 === 0) void load();
  }, [load, tick]);
  useEffect(() => onBrowserPrint((s) => s.state === "failed" && void load()), [load]);
  useEffect(() => {
    if (!failed.length) setOpen(false);
  }, [failed.length]);

  const act = async (f: Failed, how: { move?: string }) => {
    setBusy(f.job.id);
    setNote(null);
    try {
      if (how.move) await api.move(f.job.id, how.move);
      else await api.reprint(f.job.id, t("kiosk.reasonNotPrinted"), printerId);
      setNote(t("kiosk.retried", { name: f.name }));
      setFailed((all) => all.filter((x) => x.job.id !== f.job.id));
    } catch (err) {
      setNote(t("kiosk.reprintFailed", { error: (err as Error).message }));
    } finally {
      setBusy(null);
      void load();
    }
  };

  if (!failed.length && !note) return null;
  const others = printers.filter((p) => p.id !== printerId);
  return (
    <>
      {failed.length > 0 && (
        <button type="button" className="pill bad" data-testid="kiosk-failed-jobs" onClick={() => setOpen((o) => !o)}>
          {t("kiosk.failedJobs", { n: failed.length })}
        </button>
      )}
      {(open || note) && (
        <div className="kiosk-failed" data-testid="kiosk-failed-list" role="region" aria-label={t("kiosk.failedJobsTitle")}>
          <strong>{t("kiosk.failedJobsTitle")}</strong>
          {note && (
            <p className="small" role="status" data-testid="kiosk-failed-note">
              {note}
            </p>
          )}
          {open &&
            failed.map((f) => (
              <div key={f.job.id} className="row" data-testid="kiosk-failed-job" data-job={f.job.id}>
                <span>
                  {f.name}
                  {f.job.error && <span className="small muted"> — {printJobErrorText(t, f.job.error)}</span>}
                </span>
                <button type="button" className="primary" disabled={busy === f.job.id} data-testid="kiosk-retry" onClick={() => act(f, {})}>
                  {t("kiosk.retryPrint")}
                </button>
                {others.map((p) => (
                  <button
                    key={p.id}
                    type="button"
                    disabled={busy === f.job.id}
                    data-testid="kiosk-move"
                    data-printer={p.id}
                    onClick={() => act(f, { move: p.id })}
                  >
                    {t("kiosk.moveTo", { printer: p.name })}
                  </button>
                ))}
              </div>
            ))}
        </div>
      )}
    </>
  );
}
