import { Form } from "@remix-run/react";
import { useT } from "~/i18n/react";

// A registration's channel and the manager's own source label (issue #14), in a row of a
// manager list; the page's action handles intent "source" with setManualSource.
export function SourceForm({ r, busy }: { r: { id: string; origin: { channel: string; manualSource: string | null } }; busy: boolean }) {
  const t = useT();
  return (
    <Form method="post" className="small" data-testid="source-form">
      <span className="muted">{t("src.channel")}:</span> <span data-testid="channel">{r.origin.channel}</span>
      <input type="hidden" name="intent" value="source" />
      <input type="hidden" name="registrationId" value={r.id} />
      <label htmlFor={`src-${r.id}`} className="small muted" style={{ display: "block" }} title={t("src.manualHint")}>
        {t("src.manualLabel")}
      </label>
      <input id={`src-${r.id}`} name="manualSource" maxLength={200} defaultValue={r.origin.manualSource ?? ""} style={{ maxWidth: "14rem" }} />
      <button type="submit" className="link" disabled={busy}>
        {t("src.save")}
      </button>
    </Form>
  );
}
