import { Form } from "@remix-run/react";
import { formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";

// "Resync this event": the event choice, then a progress bar per event still being resent.

type Progress = { eventId: string; name: string; progress: { done: number; total: number; failed: number } | null };

export function CrmResync({
  events,
  progress,
  disabled,
}: {
  events: Array<{ id: string; name: string }>;
  progress: Progress[];
  disabled: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const n = (v: number) => formatNumber(locale, v);
  return (
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
        <button type="submit" className="primary" disabled={disabled || events.length === 0}>
          {t("crm.resyncStart")}
        </button>
      </Form>
      {progress.map(({ eventId, name, progress: p }) =>
        p ? (
          <div key={eventId} data-testid="crm-resync-progress">
            <p className="small">
              {name}: {t("crm.resyncProgress", { done: n(p.done), total: n(p.total) })}
              {p.failed > 0 && ` · ${t("crm.resyncFailed", { count: n(p.failed) })}`}
            </p>
            <progress max={Math.max(1, p.total)} value={p.done} />
          </div>
        ) : null,
      )}
    </section>
  );
}
