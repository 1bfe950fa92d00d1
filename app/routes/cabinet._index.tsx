import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { formatDateTime } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { cardFromForm, staffFromForm } from "~/services/exhibitors/card-form.server";
import { addStaff, editState, listStaff, loadExhibitor, quotaUse, removeStaff, serializeStaff, updateStaff } from "~/services/exhibitors/cabinet.server";
import { updateExhibitor, subExhibitors } from "~/services/exhibitors/exhibitors.server";
import { MAX_LOGO_BYTES, saveLogo } from "~/services/exhibitors/logo.server";
import { HttpError } from "~/utils/errors.server";
import { unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, MaxPartSizeExceededError } from "@remix-run/node";
import { formString, runFormAction, type FormResult } from "~/utils/forms.server";
import { actorOf } from "~/utils/permissions.server";
import { requireUser } from "~/utils/session.server";
import { AddStaffForm, CompanyCardForm, StaffTable, StateBanner } from "~/components/cabinet";
import { Field } from "~/components/field";
import { QuotaSharesView } from "~/components/quota-shares";
import { quotaShares } from "~/services/exhibitors/quota-shares.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!user.exhibitorId) return { exhibitor: null };
  const actor = actorOf(user);
  const ex = await loadExhibitor(actor, user.exhibitorId).catch(() => null);
  if (!ex) throw new Response("Not found", { status: 404 });
  const state = editState(ex);
  const use = await quotaUse(ex.id);
  const staff = (await listStaff(actor, ex.id)).map(serializeStaff);
  const children = await subExhibitors(ex.id);
  const childStaff = await Promise.all(children.map(async (c) => ({ id: c.id, name: c.organization.name, stand: c.stand, quota: c.staffQuota, staff: (await listStaff(actor, c.id)).map(serializeStaff) })));
  const o = ex.organization;
  return {
    exhibitor: {
      id: ex.id,
      eventId: ex.eventId,
      eventName: ex.event.name,
      timezone: ex.event.timezone,
      stand: ex.stand,
      quota: ex.staffQuota,
      used: use.withChildren,
      editable: state.editable,
      reason: state.reason,
      lockReason: state.lockReason,
      deadline: state.deadline?.toISOString() ?? null,
      isSub: !!ex.parentExhibitorId,
      rev: o.updatedAt.toISOString(),
      logo: o.logoPath ? `/logos/${o.logoPath}` : null,
      card: { name: o.name, legalName: o.legalName, inn: o.inn, country: o.country, city: o.city, address: o.address, website: o.website, phones: o.phones.join(", "), emails: o.emails.join(", "), descriptionRu: o.descriptionRu, descriptionEn: o.descriptionEn },
      staff,
      children: childStaff,
      // A sub-exhibitor sees the other sub-exhibitors' use as one sum, not their names.
      shares: await quotaShares(ex.id, ex.parentExhibitorId ? "sub" : "full"),
    },
  };
}

export async function action({ request, context }: ActionFunctionArgs): Promise<FormResult> {
  const user = await requireUser(request);
  const actor = actorOf(user);
  const exhibitorId = user.exhibitorId ?? "";
  const opts = { ip: context.ip };
  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    return runFormAction(request, "logo", async () => {
      let form: FormData;
      try {
        form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_LOGO_BYTES }));
      } catch (err) {
        if (err instanceof MaxPartSizeExceededError) throw new HttpError(413, "logo_too_large", "too large", { logo: "logo_too_large" });
        throw err;
      }
      const file = form.get("logo");
      if (!(file instanceof File) || file.size === 0) throw new HttpError(422, "logo_wrong_type", "no file", { logo: "logo_wrong_type" });
      try {
        await saveLogo(actor, exhibitorId, Buffer.from(await file.arrayBuffer()), context.ip);
      } catch (err) {
        if (err instanceof HttpError && err.code.startsWith("logo_")) throw new HttpError(err.status, err.code, err.message, { logo: err.code });
        throw err;
      }
    });
  }
  const form = await request.formData();
  const intent = formString(form, "intent") ?? "";
  return runFormAction(request, intent, async () => {
    if (intent === "card") await updateExhibitor(actor, exhibitorId, { company: cardFromForm(form) }, opts);
    else if (intent === "add-staff") await addStaff(actor, exhibitorId, staffFromForm(form), opts);
    else if (intent === "edit-staff") await updateStaff(actor, exhibitorId, formString(form, "staffId") ?? "", staffFromForm(form), opts);
    else if (intent === "remove-staff") await removeStaff(actor, exhibitorId, formString(form, "staffId") ?? "", opts);
    else throw new Response("Unknown intent", { status: 400 });
  }, form);
}

/** "created.updated.skipped.errors" from the import's redirect; anything else shows nothing. */
function importCounts(value: string | null): { created: number; updated: number; skipped: number; errors: number } | null {
  const m = /^(\d{1,6})\.(\d{1,6})\.(\d{1,6})\.(\d{1,6})$/.exec(value ?? "");
  return m ? { created: Number(m[1]), updated: Number(m[2]), skipped: Number(m[3]), errors: Number(m[4]) } : null;
}

export default function Cabinet() {
  const { exhibitor } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  const [params] = useSearchParams();
  const imported = importCounts(params.get("imported"));
  if (!exhibitor) return <p className="empty">{t("cabinet.notBound")}</p>;
  const readOnly = !exhibitor.editable;
  const addFields = result?.intent === "add-staff" && !result.ok ? result.fields : {};
  return (
    <>
      <h1>{t("cabinet.title")}</h1>
      <p className="muted">
        {exhibitor.eventName} · {t("cabinet.stand")}: {exhibitor.stand ?? "—"}
      </p>
      <StateBanner reason={exhibitor.reason} lockReason={exhibitor.lockReason} deadline={exhibitor.deadline} timezone={exhibitor.timezone} />
      {exhibitor.editable && exhibitor.deadline && <p className="muted">{t("cabinet.deadline", { time: formatDateTime(locale, new Date(exhibitor.deadline), exhibitor.timezone) })}</p>}
      {result?.formError && (
        <p className="form-error" role="alert" data-testid="form-error">
          {result.formError}
        </p>
      )}
      {imported && !result && (
        <p className="notice" role="status" data-testid="imported">
          {t("import.done", imported)}
        </p>
      )}
      {result?.ok && result.notice && (
        <p className="notice" role="status">
          {result.notice}
        </p>
      )}

      <section className="card">
        <h2>{t("cabinet.company")}</h2>
        <div className="row">
          {exhibitor.logo && <img src={exhibitor.logo} alt="" className="logo" data-testid="logo" />}
          {!readOnly && (
            <Form method="post" encType="multipart/form-data" className="row" data-testid="logo-form">
              <Field name="logo" label={t("company.logo")} type="file" error={result?.intent === "logo" && !result.ok ? result.fields.logo : undefined} />
              <button type="submit" className="link">
                {t("company.uploadLogo")}
              </button>
            </Form>
          )}
        </div>
        <CompanyCardForm key={exhibitor.rev} card={exhibitor.card} readOnly={readOnly} fields={result?.intent === "card" && !result.ok ? result.fields : {}} busy={busy} />
      </section>

      <section className="card">
        <h2>{t("cabinet.staff")}</h2>
        <p data-testid="quota">{t("cabinet.quota", { used: exhibitor.used, quota: exhibitor.quota })}</p>
        <div className="meter" aria-hidden>
          <span style={{ width: `${exhibitor.quota ? Math.min(100, (exhibitor.used / exhibitor.quota) * 100) : 0}%` }} />
        </div>
        {exhibitor.shares && <QuotaSharesView data={exhibitor.shares} />}
        <StaffTable staff={exhibitor.staff} readOnly={readOnly} result={result} />
        <p>
          <Link to={`/manage/events/${exhibitor.eventId}/badges/download?exhibitorId=${exhibitor.id}`} data-testid="badges-pdf-link">
            {t("bulk.title")}
          </Link>
        </p>
        {!readOnly && (
          <>
            <AddStaffForm fields={addFields} busy={busy} staffCount={exhibitor.staff.length} />
            <p>
              <Link to="/cabinet/import">{t("staff.import")}</Link>
            </p>
          </>
        )}
      </section>

      {exhibitor.children.map((c) => (
        <section className="card" key={c.id} data-testid="sub-exhibitor">
          <h2>
            {c.name} {c.stand ? `(${c.stand})` : ""}
          </h2>
          <p className="muted">{t("cabinet.viewSub")}</p>
          <StaffTable staff={c.staff} readOnly result={undefined} />
        </section>
      ))}
    </>
  );
}
