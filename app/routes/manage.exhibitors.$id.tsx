import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FormOutcome } from "~/components/manage-page";
import { PostButton, SubmitLine } from "~/components/post-button";
import { localeFromRequest } from "~/i18n";
import { useT } from "~/i18n/react";
import { createCabinetAccount, deactivateAccount, resendPasswordLink, cabinetLogins } from "~/services/accounts.server";
import { addStaff, editState, listStaff, loadExhibitor, lockExhibitor, quotaUse, removeStaff, serializeStaff, setDeadlineOverride, unlockExhibitor, updateStaff } from "~/services/exhibitors/cabinet.server";
import { cardFromForm, cardView, settingsFromForm, staffFromForm } from "~/services/exhibitors/card-form.server";
import { resendInvitation, updateSettings } from "~/services/exhibitors/edit.server";
import { updateExhibitor, parentChoices } from "~/services/exhibitors/exhibitors.server";
import { quotaShares } from "~/services/exhibitors/quota-shares.server";
import { HttpError } from "~/utils/errors.server";
import { formString, optional, requiredReason, runFormAction, type FormResult } from "~/utils/forms.server";
import { requireManagerPage } from "~/utils/permissions.server";
import { AddStaffForm, CompanyCardForm, StaffTable, StateBanner } from "~/components/cabinet";
import { Field } from "~/components/field";
import { ExhibitorSettingsForm } from "~/components/exhibitor-settings";
import { QuotaSharesView } from "~/components/quota-shares";
import { CrmStatus } from "~/components/crm-status";
import { ChangeLog } from "~/components/change-log";
import { loadChangeLog, queryFromUrl } from "~/services/changelog/changelog.server";
import { wordsFor } from "~/services/changelog/words.server";
import { crmBadges } from "~/services/crm/crm-admin.server";
import { serverT } from "~/utils/i18n.server";
import { toLocalInput, zonedToUtc } from "~/utils/time";
import { idParam } from "~/utils/ids";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const ex = await loadExhibitor(actor, idParam(params, "id")).catch(() => null);
  if (!ex) throw new Response("Not found", { status: 404 });
  const state = editState(ex);
  const [use, staff, users, log, shares, parents] = await Promise.all([
    quotaUse(ex.id),
    listStaff(actor, ex.id),
    cabinetLogins(ex.id),
    loadChangeLog({ eventId: ex.eventId, exhibitorId: ex.id, timezone: ex.event.timezone }, queryFromUrl(new URL(request.url)), wordsFor(localeFromRequest(request))),
    quotaShares(ex.id, "full"),
    parentChoices(ex.eventId, ex.id),
  ]);
  return {
    ex: {
      id: ex.id,
      eventId: ex.eventId,
      eventName: ex.event.name,
      timezone: ex.event.timezone,
      name: ex.organization.name,
      stand: ex.stand,
      areaM2: ex.areaM2 === null ? null : Number(ex.areaM2),
      parentExhibitorId: ex.parentExhibitorId,
      quota: ex.staffQuota,
      used: use.withChildren,
      card: cardView(ex.organization),
      rev: `${ex.updatedAt.toISOString()}/${ex.organization.updatedAt.toISOString()}`,
      locked: !!ex.lockedAt,
      reason: state.reason,
      lockReason: state.lockReason,
      deadline: state.deadline?.toISOString() ?? null,
      deadlineInput: ex.deadlineOverride ? toLocalInput(ex.deadlineOverride, ex.event.timezone) : "",
    },
    staff: staff.map(serializeStaff),
    shares,
    parents: parents.map((p) => ({ id: p.id, name: p.organization.name })),
    users: users.map((u) => ({ id: u.id, email: u.email, name: u.name, active: u.active, hasPassword: !!u.passwordHash, lastLoginAt: u.lastLoginAt?.toISOString() ?? null })),
    crm: await crmBadges({
      exhibitor: [
        { entity: "organization", id: ex.organizationId },
        { entity: "exhibitor", id: ex.id },
      ],
      ...Object.fromEntries(staff.map((r) => [r.id, [{ entity: "person" as const, id: r.personId }, { entity: "registration" as const, id: r.id }]])),
    }),
    log,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs): Promise<FormResult & { staffId?: string }> {
  const actor = await requireManagerPage(request);
  const { t } = serverT(request);
  const form = await request.formData();
  const intent = formString(form, "intent") ?? "";
  const id = idParam(params, "id");
  const staffId = formString(form, "staffId") ?? "";
  const opts = { ip: context.ip };
  const result = await runFormAction(request, intent, async () => {
    // The cabinet's own services and validation; a manager passes their lock and deadline check.
    if (intent === "settings") await updateSettings(actor, id, settingsFromForm(form), context.ip);
    else if (intent === "card") await updateExhibitor(actor, id, { company: cardFromForm(form) }, opts);
    else if (intent === "add-staff") await addStaff(actor, id, staffFromForm(form), opts);
    else if (intent === "edit-staff") await updateStaff(actor, id, staffId, staffFromForm(form), opts);
    else if (intent === "remove-staff") await removeStaff(actor, id, staffId, opts);
    else if (intent === "resend-invite") return t("exedit.resent", { email: await resendInvitation(actor, id, staffId, context.ip) });
    else if (intent === "lock") await lockExhibitor(actor, id, requiredReason(form), context.ip);
    else if (intent === "unlock") await unlockExhibitor(actor, id, context.ip);
    else if (intent === "deadline") {
      const ex = await loadExhibitor(actor, id);
      const raw = optional(form, "deadline");
      const when = raw ? zonedToUtc(raw, ex.event.timezone) : null;
      if (raw && !when) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { deadline: "invalid" });
      await setDeadlineOverride(actor, id, when, context.ip);
    } else if (intent === "create-account") {
      try {
        const user = await createCabinetAccount(actor, id, { email: formString(form, "email") ?? "", name: formString(form, "accountName") ?? "" }, context.ip);
        return t("manage.linkSent", { email: user.email });
      } catch (err) {
        if (err instanceof HttpError && err.code === "email_taken") throw new HttpError(409, "email_taken", t("manage.emailTaken"), { email: t("manage.emailTaken") });
        throw err;
      }
    } else if (intent === "resend") {
      const user = await resendPasswordLink(actor, id, formString(form, "userId") ?? "");
      return t("manage.linkSent", { email: user.email });
    } else if (intent === "deactivate") await deactivateAccount(actor, id, formString(form, "userId") ?? "", context.ip);
    else throw new HttpError(400, "unknown_intent", "Unknown action.", undefined, "error.notFound");
  }, form);
  return { ...result, staffId };
}

export default function ManageExhibitor() {
  const { ex, staff, users, log, crm, shares, parents } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state !== "idle";
  const accountFields = result?.intent === "create-account" && !result.ok ? result.fields : {};
  const fieldsOf = (intent: string) => (result?.intent === intent && !result.ok ? result.fields : {});
  const addFields = fieldsOf("add-staff");
  return (
    <>
      <p>
        <Link to={`/manage/events/${ex.eventId}`}>← {ex.eventName}</Link>
      </p>
      <h1>{ex.name}</h1>
      <p className="muted">
        {t("manage.stand")}: {ex.stand} · <span data-testid="quota">{t("cabinet.quota", { used: ex.used, quota: ex.quota })}</span>
      </p>
      {shares && <QuotaSharesView data={shares} />}
      <p>
        <CrmStatus badge={crm.exhibitor} />
      </p>
      <StateBanner reason={ex.reason} lockReason={ex.lockReason} deadline={ex.deadline} timezone={ex.timezone} viewer="manager" />
      <FormOutcome result={result} />

      <section className="card">
        {ex.locked ? (
          <PostButton intent="unlock" className="primary" disabled={busy} label={t("manage.unlock")} />
        ) : (
          <Form method="post" className="row">
            <input type="hidden" name="intent" value="lock" />
            <Field name="reason" label={t("manage.lockReason")} error={result?.intent === "lock" && !result.ok ? result.fields.reason : undefined} required />
            <button type="submit" className="primary" disabled={busy}>
              {t("manage.lock")}
            </button>
          </Form>
        )}
        <Form method="post" className="row">
          <input type="hidden" name="intent" value="deadline" />
          <Field name="deadline" label={t("manage.deadlineOverride")} type="datetime-local" defaultValue={ex.deadlineInput} error={result?.intent === "deadline" ? result.fields.deadline : undefined} />
          <button type="submit" className="link">
            {t("manage.deadlineSave")}
          </button>
        </Form>
      </section>

      <section className="card">
        <h2>{t("exedit.settings")}</h2>
        <ExhibitorSettingsForm key={ex.rev} values={ex} parents={parents} fields={fieldsOf("settings")} busy={busy} />
      </section>

      <section className="card">
        <h2>{t("exedit.card")}</h2>
        <CompanyCardForm key={ex.rev} card={ex.card} readOnly={false} fields={fieldsOf("card")} busy={busy} />
      </section>

      <section className="card">
        <h2>{t("manage.accounts")}</h2>
        <DataTable rows={users} empty={t("manage.noAccounts")} emptyClass="muted" testId="accounts">
          {(u) => (
            <tr key={u.id}>
              <td>
                {u.name} {!u.active && <span className="badge locked">{t("manage.inactive")}</span>}
              </td>
              <td>{u.email}</td>
              <td>
                {u.active && (
                  <div className="row">
                    <PostButton intent="resend" values={{ userId: u.id }} label={t("manage.resend")} />
                    <PostButton
                      intent="deactivate"
                      values={{ userId: u.id }}
                      className="link danger"
                      confirm={`${t("manage.deactivate")} ${u.email}?`}
                      label={t("manage.deactivate")}
                    />
                  </div>
                )}
              </td>
            </tr>
          )}
        </DataTable>
        <Form method="post" className="grid" data-testid="create-account" noValidate>
          <input type="hidden" name="intent" value="create-account" />
          <Field name="accountName" label={t("manage.accountName")} error={accountFields.name} required />
          <Field name="email" label={t("staff.email")} type="email" error={accountFields.email} required />
          <SubmitLine label={t("manage.createAccount")} busy={busy} />
        </Form>
      </section>

      <section className="card">
        <h2>{t("cabinet.staff")}</h2>
        <StaffTable staff={staff} readOnly={false} crm={crm} resend result={result} />
        <AddStaffForm fields={addFields} busy={busy} staffCount={staff.length} />
      </section>

      <section className="card">
        <h2>{t("manage.audit")}</h2>
        <ChangeLog log={log} showExhibitor={false} />
      </section>
    </>
  );
}
