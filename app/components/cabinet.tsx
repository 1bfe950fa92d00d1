import { Form } from "@remix-run/react";
import { formatDateTime } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { CrmStatus, type CrmBadgeView } from "./crm-status";
import { DataTable } from "./data-table";
import { Field, type FieldProps } from "./field";
import { FoldedForm, HiddenFields, PostButton, SubmitLine } from "./post-button";

export function StateBanner({
  reason,
  lockReason,
  deadline,
  timezone,
  viewer = "exhibitor",
}: {
  reason: string | null;
  lockReason: string | null;
  deadline: string | null;
  timezone: string;
  /** A manager may still edit a closed cabinet: no "contact the manager" for them. */
  viewer?: "exhibitor" | "manager";
}) {
  const t = useT();
  const locale = useLocale();
  if (!reason) return null;
  return (
    <div className="banner" role="status" data-testid="state-banner">
      <strong>
        {reason === "cabinet_locked"
          ? lockReason
            ? t("cabinet.locked", { reason: lockReason })
            : t("cabinet.lockedNoReason")
          : t("cabinet.deadlinePassed", { time: deadline ? formatDateTime(locale, new Date(deadline), timezone) : "" })}
      </strong>
      <div>{t(viewer === "manager" ? "cabinet.managerMayEdit" : "cabinet.contact")}</div>
    </div>
  );
}

type Card = Record<"name" | "legalName" | "inn" | "country" | "city" | "address" | "website" | "phones" | "emails" | "descriptionRu" | "descriptionEn", string | null>;

export function CompanyCardForm({ card, readOnly, fields, busy }: { card: Card; readOnly: boolean; fields: Record<string, string>; busy: boolean }) {
  const t = useT();
  const f = (name: keyof Card, label: Parameters<typeof t>[0], extra: Partial<FieldProps> = {}) => (
    <Field name={name} label={t(label)} defaultValue={card[name]} error={fields[name]} disabled={readOnly} {...extra} />
  );
  return (
    <Form method="post" className="grid" data-testid="company-card" noValidate>
      <input type="hidden" name="intent" value="card" />
      {f("name", "company.name", { required: true })}
      {f("legalName", "company.legalName")}
      {f("inn", "company.inn")}
      {f("country", "company.country")}
      {f("city", "company.city")}
      {f("address", "company.address")}
      {f("website", "company.website")}
      {f("phones", "company.phones")}
      {f("emails", "company.emails")}
      {f("descriptionRu", "company.descriptionRu", { textarea: true })}
      {f("descriptionEn", "company.descriptionEn", { textarea: true })}
      {!readOnly && <SubmitLine label={t("common.save")} busy={busy} />}
    </Form>
  );
}

type StaffRow = { id: string; lastName: string; firstName: string; middleName: string | null; position: string | null; email: string | null; phone: string | null; inviteSentAt: string | null; inviteError: string | null };

export function StaffTable({
  staff,
  readOnly,
  result,
  crm,
  resend,
}: {
  staff: StaffRow[];
  readOnly: boolean;
  /** With `staffId`, a refused edit opens that person's form with the messages next to the fields. */
  result?: { intent: string; ok: boolean; fields: Record<string, string>; staffId?: string };
  /** Managers see each person's CRM state. */
  crm?: Record<string, CrmBadgeView>;
  /** Managers may send a person's invitation again. */
  resend?: boolean;
}) {
  const t = useT();
  const head = [t("staff.lastName"), t("staff.position"), t("staff.email"), t("staff.phone")];
  if (crm) head.push(t("crm.column"));
  if (!readOnly) head.push(t("common.actions"));
  return (
    <DataTable rows={staff} empty={t("cabinet.noStaff")} emptyClass="muted" testId="staff" head={head}>
      {(s) => {
        const name = [s.lastName, s.firstName, s.middleName].filter(Boolean).join(" ");
        const errors = result && result.intent === "edit-staff" && !result.ok && result.staffId === s.id ? result.fields : {};
        return (
          <tr key={s.id} data-testid="staff-row">
            <td>
              {name}
              <div className="muted small">{s.inviteError ? t("staff.inviteFailed", { error: s.inviteError }) : s.inviteSentAt ? t("staff.invited") : t("staff.invitePending")}</div>
            </td>
            <td>{s.position}</td>
            <td>{s.email}</td>
            <td>{s.phone}</td>
            {crm && (
              <td>
                <CrmStatus badge={crm[s.id]} />
              </td>
            )}
            {!readOnly && (
              <td>
                <FoldedForm summary={t("common.edit")} errors={errors} testId="edit-staff" submit={t("common.save")}>
                  <HiddenFields intent="edit-staff" values={{ staffId: s.id }} />
                  <Field name="lastName" label={t("staff.lastName")} defaultValue={s.lastName} error={errors.lastName} />
                  <Field name="firstName" label={t("staff.firstName")} defaultValue={s.firstName} error={errors.firstName} />
                  <Field name="middleName" label={t("staff.middleName")} defaultValue={s.middleName} error={errors.middleName} />
                  <Field name="position" label={t("staff.position")} defaultValue={s.position} error={errors.position} />
                  <Field name="email" label={t("staff.email")} defaultValue={s.email} error={errors.email} />
                  <Field name="phone" label={t("staff.phone")} defaultValue={s.phone} error={errors.phone} />
                </FoldedForm>
                <PostButton
                  intent="remove-staff"
                  values={{ staffId: s.id }}
                  className="link danger"
                  confirm={t("common.confirmRemove", { name })}
                  label={t("common.remove")}
                />
                {resend && s.email && <PostButton intent="resend-invite" values={{ staffId: s.id }} testId="resend-invite" label={t("exedit.resend")} />}
              </td>
            )}
          </tr>
        );
      }}
    </DataTable>
  );
}

/** The add-staff form of the cabinet and of the manager's exhibitor page; keyed by the staff count so it clears after a save. */
export function AddStaffForm({ fields, busy, staffCount }: { fields: Record<string, string>; busy: boolean; staffCount: number }) {
  const t = useT();
  return (
    <>
      <h3>{t("staff.add")}</h3>
      <Form method="post" className="grid" data-testid="add-staff" noValidate key={staffCount}>
        <input type="hidden" name="intent" value="add-staff" />
        <Field name="lastName" label={t("staff.lastName")} error={fields.lastName} required />
        <Field name="firstName" label={t("staff.firstName")} error={fields.firstName} required />
        <Field name="middleName" label={t("staff.middleName")} error={fields.middleName} />
        <Field name="position" label={t("staff.position")} error={fields.position} />
        <Field name="email" label={t("staff.email")} type="email" error={fields.email} required />
        <Field name="phone" label={t("staff.phone")} type="tel" error={fields.phone} />
        <SubmitLine label={t("common.add")} busy={busy} />
      </Form>
    </>
  );
}
