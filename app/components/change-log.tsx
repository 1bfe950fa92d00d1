import { Form, Link } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { DataTable } from "./data-table";
import { SelectBox } from "./field";

// The change log of an event or one exhibitor (the same list on both pages): filters as a GET
// form, entries in words, and links to older pages that keep the filters.

type Option = { value: string; label: string };
export type ChangeView = { label: string; from: string | null; to: string };
export type ChangeEntryView = {
  id: string;
  at: string;
  time: string;
  who: string;
  what: string;
  subject: string | null;
  exhibitor: { id: string; name: string } | null;
  changes: ChangeView[];
};
export type ChangeLogData = {
  entries: ChangeEntryView[];
  next: string | null;
  paged: boolean;
  badCursor: boolean;
  filters: { exhibitor: string | null; author: string | null; action: string | null };
  options: { exhibitors: Option[]; authors: Option[]; actions: Option[] };
};

function withParams(filters: ChangeLogData["filters"], cursor?: string): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) p.set(k, v);
  if (cursor) p.set("cursor", cursor);
  const s = p.toString();
  return s ? `?${s}` : "?";
}

function Select({ name, label, options, value }: { name: string; label: string; options: Option[]; value: string | null }) {
  const t = useT();
  return (
    <SelectBox
      id={`log-${name}`}
      name={name}
      label={label}
      defaultValue={value ?? ""}
      options={[["", t("log.any")], ...options.map((o) => [o.value, o.label] as const)]}
    />
  );
}

export function ChangeLog({ log, showExhibitor }: { log: ChangeLogData; showExhibitor: boolean }) {
  const t = useT();
  const filtered = Object.values(log.filters).some(Boolean);
  return (
    <div data-testid="change-log">
      <Form method="get" className="row" data-testid="log-filters" preventScrollReset>
        {showExhibitor && (
          <Select name="exhibitor" label={t("log.filterExhibitor")} options={log.options.exhibitors} value={log.filters.exhibitor} />
        )}
        <Select name="author" label={t("log.filterAuthor")} options={log.options.authors} value={log.filters.author} />
        <Select name="action" label={t("log.filterAction")} options={log.options.actions} value={log.filters.action} />
        <div>
          <button type="submit" className="link">
            {t("log.apply")}
          </button>
          {filtered && <Link to="?">{t("log.reset")}</Link>}
        </div>
      </Form>
      {log.badCursor && (
        <p className="form-error" role="alert" data-testid="log-bad-cursor">
          {t("log.badCursor")}
        </p>
      )}
      {log.entries.length === 0 ? (
        <p className="muted" data-testid="log-empty">
          {filtered ? t("log.noneFiltered") : t("manage.noAudit")}
        </p>
      ) : (
        <div style={{ overflowX: "auto" }}>
          <DataTable rows={log.entries} testId="audit" head={[t("log.when"), t("log.who"), t("log.what"), t("log.changes")]}>
            {(e) => (
              <tr key={e.id} data-testid="log-entry">
                <td className="small" data-testid="log-time">
                  <time dateTime={e.at}>{e.time}</time>
                </td>
                <td className="small" data-testid="log-who">
                  {e.who}
                </td>
                <td data-testid="log-what">
                  {e.what}
                  {e.subject && <>: {e.subject}</>}
                  {showExhibitor && e.exhibitor && (
                    <div className="muted small">
                      <Link to={`/manage/exhibitors/${e.exhibitor.id}`}>{e.exhibitor.name}</Link>
                    </div>
                  )}
                </td>
                <td className="small" data-testid="log-changes">
                  {e.changes.slice(0, 15).map((c) => (
                    <div key={c.label} data-testid="log-change">
                      {c.label}: {c.from !== null ? `${c.from} → ${c.to}` : c.to}
                    </div>
                  ))}
                </td>
              </tr>
            )}
          </DataTable>
        </div>
      )}
      <p className="row small">
        {log.paged && (
          <Link to={withParams(log.filters)} data-testid="log-first">
            {t("log.newest")}
          </Link>
        )}
        {log.next && (
          <Link to={withParams(log.filters, log.next)} data-testid="log-older" preventScrollReset>
            {t("log.older")}
          </Link>
        )}
      </p>
    </div>
  );
}
