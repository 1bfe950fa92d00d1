import { Form } from "@remix-run/react";
import { useState } from "react";
import { useT } from "~/i18n/react";
import { DataTable } from "./data-table";
import { Options } from "./field";

// The parts of the staff import preview (app/routes/cabinet.import.tsx): the column mapping in
// words, the duplicates with one decision per row, and the new rows to tick within the quota.

export type ColumnView = { header: string; sample: string; field: string };
export type FieldView = { field: string; label: string };
export type DuplicateView = { row: number; text: string; updatable: boolean };
export type RowView = { row: number; name: string; position: string; email: string; phones: string };

export function ColumnMappingForm({
  id,
  columns,
  fields,
  missing,
}: {
  id: string;
  columns: ColumnView[];
  fields: FieldView[];
  missing: string[];
}) {
  const t = useT();
  return (
    <Form method="get" className="card" data-testid="mapping">
      <input type="hidden" name="id" value={id} />
      <h2>{t("import.mapping")}</h2>
      <p className="muted small">{t("import.columnsHint")}</p>
      <div className="table-scroll">
        <DataTable rows={columns} className="cards" head={[t("import.column"), t("import.sampleValue"), t("import.field")]}>
          {(c, i) => (
            <tr key={i} data-testid="mapping-column">
              <td className="lead">{c.header}</td>
              <td className="muted wrap">{c.sample || "—"}</td>
              <td>
                <select name={`col.${i}`} defaultValue={c.field} aria-label={`${t("import.field")}: ${c.header}`}>
                  <Options options={[["", t("import.notMapped")], ...fields.map((f) => [f.field, f.label] as const)]} />
                </select>
              </td>
            </tr>
          )}
        </DataTable>
      </div>
      {missing.length > 0 && (
        <p className="field-error" role="alert" data-testid="mapping-missing">
          {t("import.missing", { fields: missing.join(", ") })}
        </p>
      )}
      <button type="submit" className="link">
        {t("import.applyMapping")}
      </button>
    </Form>
  );
}

/** One line and one decision per row, however many reasons make it a duplicate. */
export function DuplicateRows({ duplicates }: { duplicates: DuplicateView[] }) {
  const t = useT();
  if (duplicates.length === 0) return null;
  return (
    <section className="card">
      <h2>{t("import.duplicates")}</h2>
      <div className="table-scroll">
        <table className="cards" data-testid="duplicates">
          <tbody>
            {duplicates.map((d) => (
              <tr key={d.row} data-testid="duplicate-row">
                <td className="nowrap lead">{t("import.row", { row: d.row })}</td>
                <td className="wrap">{d.text}</td>
                <td>
                  {d.updatable ? (
                    <select
                      name={`row.${d.row}`}
                      defaultValue="skip"
                      aria-label={`${t("import.decision")}: ${t("import.row", { row: d.row })}`}
                    >
                      <option value="skip">{t("import.skip")}</option>
                      <option value="update">{t("import.update")}</option>
                    </select>
                  ) : (
                    <span className="muted">{t("import.onlySkip")}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * The quota before the commit: everyone fits, or "import the first N" / tick which. The server
 * checks the quota again under row locks, so a race cannot exceed it.
 */
export function QuotaChoice({
  creatable,
  left,
  rows,
  updatable,
  fields,
  busy,
}: {
  creatable: number;
  left: number;
  rows: RowView[];
  updatable: number;
  fields: FieldView[];
  busy: boolean;
}) {
  const t = useT();
  const label = (field: string) => fields.find((f) => f.field === field)?.label ?? "";
  const [picked, setPicked] = useState(0);
  const fits = creatable <= left;
  const quotaText = fits
    ? t("import.quotaFits", { count: creatable, left })
    : left > 0
      ? t("import.quotaShort", { count: creatable, left })
      : t("import.quotaNone", { count: creatable });
  return (
    <section className="card" onChange={(e) => setPicked(e.currentTarget.querySelectorAll("input[name=pick]:checked").length)}>
      <h2>{t("import.toAdd")}</h2>
      <p className={fits ? "notice" : "banner"} data-testid="quota-plan">
        {quotaText}
      </p>
      {rows.length > 0 && (
        <div className="table-scroll tall">
          <DataTable
            rows={rows}
            className="cards"
            testId="new-rows"
            head={[t("import.pick"), t("import.rowNumber"), label("fullName"), label("position"), label("email"), label("phone")]}
          >
            {(s) => (
              <tr key={s.row}>
                <td>
                  <input type="checkbox" name="pick" value={s.row} aria-label={`${t("import.pick")}: ${t("import.row", { row: s.row })}`} />
                </td>
                <td className="muted">{s.row}</td>
                <td className="lead">{s.name}</td>
                <td>{s.position}</td>
                <td className="wrap">{s.email}</td>
                <td className="nowrap">{s.phones}</td>
              </tr>
            )}
          </DataTable>
        </div>
      )}
      {rows.length < creatable && <p className="muted small">{t("import.rowsShown", { shown: rows.length, total: creatable })}</p>}
      <div className="row">
        {fits ? (
          <button type="submit" name="mode" value="all" className="primary" disabled={busy}>
            {t("import.commit", { count: creatable })}
          </button>
        ) : left > 0 ? (
          <button type="submit" name="mode" value="first" className="primary" disabled={busy} data-testid="commit-first">
            {t("import.commitFirst", { count: left })}
          </button>
        ) : (
          // No badge left: the duplicates' "update" decisions can still be saved.
          updatable > 0 && (
            <button type="submit" name="mode" value="first" className="primary" disabled={busy} data-testid="commit-updates">
              {t("import.commitUpdatesOnly")}
            </button>
          )
        )}
        {rows.length > 0 && left > 0 && (
          <button
            type="submit"
            name="mode"
            value="rows"
            className="primary secondary"
            disabled={busy || picked === 0 || picked > left}
            data-testid="commit-picked"
          >
            {t("import.commitPicked", { count: picked })}
          </button>
        )}
      </div>
    </section>
  );
}
