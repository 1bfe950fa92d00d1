import { Form } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { Field, Options } from "./field";
import { SubmitLine } from "./post-button";

type Values = { stand: string | null; areaM2: number | null; quota: number; parentExhibitorId: string | null };

/** The manager's stand / area / quota / parent form on the exhibitor page. */
export function ExhibitorSettingsForm({ values, parents, fields, busy }: { values: Values; parents: { id: string; name: string }[]; fields: Record<string, string>; busy: boolean }) {
  const t = useT();
  const parentError = fields.parentExhibitorId;
  return (
    <Form method="post" className="grid" data-testid="exhibitor-settings" noValidate>
      <input type="hidden" name="intent" value="settings" />
      <Field name="stand" label={t("manage.stand")} defaultValue={values.stand} error={fields.stand} required />
      <Field name="areaM2" label={t("manage.area")} defaultValue={values.areaM2 === null ? "" : String(values.areaM2)} error={fields.areaM2} />
      <Field name="staffQuota" label={t("manage.quota")} type="number" defaultValue={String(values.quota)} error={fields.staffQuota} required />
      <div className="field">
        <label htmlFor="f-parentExhibitorId">{t("manage.parent")}</label>
        <select id="f-parentExhibitorId" name="parentExhibitorId" defaultValue={values.parentExhibitorId ?? ""} aria-invalid={!!parentError} aria-describedby={parentError ? "f-parentExhibitorId-error" : undefined}>
          <Options options={[["", t("manage.noParent")], ...parents.map((p) => [p.id, p.name] as const)]} />
        </select>
        {parentError && (
          <p className="field-error" id="f-parentExhibitorId-error" data-testid="error-parentExhibitorId">
            {parentError}
          </p>
        )}
      </div>
      <SubmitLine label={t("common.save")} busy={busy} />
    </Form>
  );
}

/** The event page's "quota for the ticked exhibitors" form; the row checkboxes join it with form="bulk-quota". */
export function BulkQuotaForm({ fields, busy }: { fields: Record<string, string>; busy: boolean }) {
  const t = useT();
  return (
    <Form method="post" id="bulk-quota" className="row" data-testid="bulk-quota" noValidate>
      <input type="hidden" name="intent" value="bulk-quota" />
      <Field name="staffQuota" label={t("exedit.bulkQuota")} type="number" error={fields.staffQuota} />
      <button type="submit" className="primary" disabled={busy}>
        {t("exedit.bulkApply")}
      </button>
      {fields.exhibitorIds && (
        <p className="field-error" data-testid="error-exhibitorIds">
          {fields.exhibitorIds}
        </p>
      )}
    </Form>
  );
}
