import { formatDateTime, type MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { DataTable } from "../data-table";
import { PostButton } from "../post-button";

// Records the CRM refused, with the CRM's own text, a retry each and a retry for all.

type Failure = { entity: string; id: string; label: string; error: string | null; at: string };

export function CrmFailures({ failures, busy }: { failures: Failure[]; busy: boolean }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="card">
      <h2>{t("crm.failures")}</h2>
      <DataTable
        rows={failures}
        empty={t("crm.noFailures")}
        testId="crm-failures"
        head={[t("crm.col.record"), t("crm.col.error"), t("crm.col.when"), null]}
      >
        {(f) => (
          <tr key={`${f.entity}:${f.id}`}>
            <td>
              <span className="badge locked">{t(`crm.entity.${f.entity}` as MessageKey)}</span> {f.label}
            </td>
            <td>{f.error}</td>
            <td className="small">{formatDateTime(locale, new Date(f.at), "Europe/Moscow")}</td>
            <td>
              <PostButton intent="retry" values={{ entity: f.entity, id: f.id }} disabled={busy} label={t("crm.retry")} />
            </td>
          </tr>
        )}
      </DataTable>
      {failures.length > 0 && <PostButton intent="retry-failed" disabled={busy} label={t("crm.retryAll")} />}
    </section>
  );
}
