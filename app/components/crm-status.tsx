import { useFetcher } from "@remix-run/react";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";

// A record's CRM state next to it: synced / pending / waiting for configuration / failed with
// the CRM's own text and a retry (posted to /manage/crm without leaving the page).

export type CrmBadgeView = { entity: string; id: string; status: "synced" | "pending" | "failed" | "waiting_config" | null; error: string | null };

export function CrmStatus({ badge }: { badge: CrmBadgeView | undefined }) {
  const t = useT();
  const fetcher = useFetcher();
  if (!badge?.status) return null;
  // Green only for synced: a record still on its way, or waiting for the CRM to be set up, is not "ok".
  const cls = badge.status === "failed" ? "badge locked" : badge.status === "synced" ? "badge" : badge.status === "waiting_config" ? "badge waiting" : "badge pending";
  return (
    <span className="crm-status small">
      <span className={cls} data-crm-status={badge.status} data-crm-ref={`${badge.entity}:${badge.id}`} title={badge.error ?? undefined}>
        {t(`crm.badge.${badge.status}` as MessageKey)}
      </span>
      {badge.status === "failed" && (
        <>
          {" "}
          <span className="danger">{badge.error}</span>{" "}
          <fetcher.Form method="post" action="/manage/crm" style={{ display: "inline" }}>
            <input type="hidden" name="intent" value="retry" />
            <input type="hidden" name="entity" value={badge.entity} />
            <input type="hidden" name="id" value={badge.id} />
            <button type="submit" className="link" disabled={fetcher.state !== "idle"}>
              {t("crm.retry")}
            </button>
          </fetcher.Form>
        </>
      )}
    </span>
  );
}
