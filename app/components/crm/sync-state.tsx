import { formatDateTime, formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { PostButton } from "../post-button";

// The top of /manage/crm: the "not configured" and "paused" banners, then the queue and
// record counts with the last error and the dead-jobs retry.

export type CrmOverviewView = {
  configured: boolean;
  portal: string | null;
  paused: { at: string; reason: string } | null;
  queue: { pending: number; running: number; waiting: number; dead: number };
  counts: Partial<Record<"synced" | "pending" | "failed" | "waiting_config", number>>;
  syncedLast5Min: number;
  lastError: { error: string | null; code: string | null; at: string } | null;
  requests: { requests: number; retries: number } | null;
};

export function CrmBanners({ overview, busy }: { overview: CrmOverviewView; busy: boolean }) {
  const t = useT();
  return (
    <>
      {!overview.configured && (
        <p className="banner" data-testid="crm-off">
          {t("crm.notConfigured")}
        </p>
      )}
      {overview.paused && (
        <div className="banner" role="alert" data-testid="crm-paused">
          <p>{t("crm.paused", { reason: overview.paused.reason })}</p>
          <PostButton intent="resume" className="primary" disabled={busy} label={t("crm.resume")} />
        </div>
      )}
    </>
  );
}

export function CrmSyncState({ overview, busy }: { overview: CrmOverviewView; busy: boolean }) {
  const t = useT();
  const locale = useLocale();
  const n = (v: number | undefined) => formatNumber(locale, v ?? 0);
  const last = overview.lastError;
  return (
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
      {last && (
        <p className="small">
          {t("crm.lastError", { error: `${last.error ?? ""}${last.code ? ` (${last.code})` : ""}` })} —{" "}
          {formatDateTime(locale, new Date(last.at), "Europe/Moscow")}
        </p>
      )}
      {overview.queue.dead > 0 && (
        <PostButton intent="retry-dead" formClassName="row" disabled={busy} label={t("crm.retryDead")}>
          <span>{t("crm.dead", { count: n(overview.queue.dead) })}</span>
        </PostButton>
      )}
    </section>
  );
}
