import { useState } from "react";
import type { MessageKey } from "~/i18n";
import { OfflineError } from "./api";
import { FormButtons } from "./form-buttons";
import type { PrintJob, Translate } from "./types";

// The yellow screen's reprint: a reason is required (a common one, or typed), then a new print
// job for the badge printed at check-in, on this kiosk's printer.


const REASONS: MessageKey[] = ["kiosk.reasonLost", "kiosk.reasonDamaged", "kiosk.reasonNotPrinted"];

export function Reprint({ t, run, onClose }: { t: Translate; run: (reason: string) => Promise<PrintJob>; onClose: () => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return setError(t("field.required"));
    setBusy(true);
    setError(null);
    try {
      const job = await run(reason.trim());
      setDone(t("kiosk.reprintDone", { printer: job.printer?.name ?? "—" }));
    } catch (err) {
      setError(t("kiosk.reprintFailed", { error: err instanceof OfflineError ? t("kiosk.offline") : (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <div className="kiosk-form" data-testid="reprint-done" role="status">
        <p>{done}</p>
        <button type="button" className="primary" onClick={onClose} autoFocus>
          {t("kiosk.close")}
        </button>
      </div>
    );
  return (
    <form className="kiosk-form" onSubmit={submit} data-testid="reprint-form" onClick={(e) => e.stopPropagation()}>
      <h2>{t("kiosk.reprintTitle")}</h2>
      <div className="row" role="group">
        {REASONS.map((k) => (
          <button key={k} type="button" className={reason === t(k) ? "primary" : ""} aria-pressed={reason === t(k)} onClick={() => setReason(t(k))}>
            {t(k)}
          </button>
        ))}
      </div>
      <div className="field">
        <label htmlFor="reprint-reason">{t("kiosk.reprintReason")} *</label>
        <input id="reprint-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} aria-invalid={!!error} autoFocus />
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="reprint-error">
          {error}
        </p>
      )}
      <FormButtons t={t} label={t("kiosk.reprintSubmit")} busy={busy} onCancel={onClose} />
    </form>
  );
}
