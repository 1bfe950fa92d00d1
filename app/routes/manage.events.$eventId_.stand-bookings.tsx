import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable, StatusBadge } from "~/components/data-table";
import { FoldedForm, HiddenFields, PostButton } from "~/components/post-button";
import { Field } from "~/components/field";
import { CrmStatus } from "~/components/crm-status";
import { formatDateTime, formatNumber } from "~/i18n";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { pageError, pageLocale, tFor, text, type PageResult } from "~/services/registrations/forms.server";
import { crmBadges } from "~/services/crm/crm-admin.server";
import { convertStandBooking, declineStandBooking, listStandBookings } from "~/services/registrations/stand.server";
import { EventPageTop, useManagePage } from "~/components/manage-page";

// Stand booking requests, newest first; "make an exhibitor" turns one into an exhibitor (and,
// if ticked, a cabinet login for the contact) in one step.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const event = await requireEventParam(params, actor);
  const bookings = await listStandBookings(actor, event.id);
  const crm = await crmBadges(Object.fromEntries(bookings.map((b) => [b.id, [{ entity: "standBooking" as const, id: b.id }]])));
  return { event: { id: event.id, name: event.name, timezone: event.timezone }, bookings, crm };
}

export async function action({
  request,
  context,
}: ActionFunctionArgs): Promise<PageResult & { intent: string; bookingId: string; exhibitorId?: string }> {
  const actor = await requireManagerPage(request);
  const locale = pageLocale(request);
  const t = tFor(locale);
  const form = await request.formData();
  const intent = text(form, "intent");
  const bookingId = text(form, "bookingId");
  try {
    if (intent === "convert") {
      const quota = text(form, "staffQuota");
      const area = text(form, "areaM2").replace(",", ".");
      const out = await convertStandBooking(
        actor,
        bookingId,
        {
          stand: text(form, "stand"),
          staffQuota: quota === "" ? Number.NaN : Number(quota),
          areaM2: area ? Number(area) : null,
          createAccount: form.get("createAccount") === "on",
        },
        context.ip,
      );
      const notice =
        out.account === "created"
          ? t("mgr.convertedWithAccount")
          : out.account === "exists"
            ? t("mgr.convertedAccountExists")
            : t("mgr.converted");
      return { intent, bookingId, exhibitorId: out.exhibitorId, ok: true, formError: null, fields: {}, notice };
    }
    if (intent === "decline") {
      await declineStandBooking(actor, bookingId, context.ip);
      return { intent, bookingId, ok: true, formError: null, fields: {}, notice: t("mgr.declined") };
    }
    throw new Response("Unknown intent", { status: 400 });
  } catch (err) {
    if (err instanceof Response) throw err;
    const r = pageError(locale, err);
    const fields = { ...r.fields, ...(r.fields.staffQuota ? { staffQuota: t("field.number") } : {}) };
    return { ...r, fields, intent, bookingId };
  }
}

export default function StandBookings() {
  const { event, bookings, crm } = useLoaderData<typeof loader>();
  const { result, t, locale, busy } = useManagePage<typeof action>();
  return (
    <>
      <EventPageTop
        event={event}
        title={t("mgr.standTitle")}
        result={result}
        outcomeLink={result?.exhibitorId && <Link to={`/manage/exhibitors/${result.exhibitorId}`}>{t("mgr.openExhibitor")}</Link>}
      >
        <p className="muted small">
          {t("mgr.publicPage")}: <a href={`/e/${event.id}/stand`}>/e/{event.id}/stand</a>
        </p>
      </EventPageTop>
      <DataTable
        rows={bookings}
        empty={t("mgr.standNone")}
        testId="stand-bookings"
        head={[t("company.name"), t("pub.contact"), t("manage.area"), t("manage.state"), t("common.actions")]}
      >
        {(b) => {
          const fields = result && !result.ok && result.bookingId === b.id ? result.fields : {};
          return (
            <tr key={b.id} data-testid="booking-row">
              <td>
                <strong>{b.company.name}</strong>
                <div className="small muted">
                  {[b.company.inn && `${t("company.inn")} ${b.company.inn}`, b.company.city, b.company.country, b.company.website]
                    .filter(Boolean)
                    .join(" · ")}
                </div>
                {b.comment && <div className="small">{b.comment}</div>}
                <div className="small muted">{formatDateTime(locale, new Date(b.createdAt), event.timezone)}</div>
              </td>
              <td>
                {[b.contact.lastName, b.contact.firstName, b.contact.middleName].filter(Boolean).join(" ")}
                <div className="small muted">{[b.contact.position, b.contact.email, b.contact.phone].filter(Boolean).join(" · ")}</div>
              </td>
              <td>{formatNumber(locale, b.areaM2)}</td>
              <td>
                <StatusBadge bad={b.status === "declined"}>
                  {t(b.status === "converted" ? "mgr.statusConverted" : b.status === "declined" ? "mgr.statusDeclined" : "mgr.statusNew")}
                </StatusBadge>
                <div>
                  <CrmStatus badge={crm[b.id]} />
                </div>
                {b.exhibitorId && (
                  <div className="small">
                    <Link to={`/manage/exhibitors/${b.exhibitorId}`}>{t("mgr.openExhibitor")}</Link>
                  </div>
                )}
              </td>
              <td>
                {b.status === "new" && (
                  <>
                    <FoldedForm summary={t("mgr.convert")} errors={fields} testId="convert-form" submit={t("mgr.convertSubmit")} busy={busy}>
                      <HiddenFields intent="convert" values={{ bookingId: b.id }} />
                      <Field name="stand" label={t("manage.stand")} error={fields.stand} required />
                      <Field name="staffQuota" label={t("manage.quota")} type="number" defaultValue="5" error={fields.staffQuota} required />
                      <Field name="areaM2" label={t("manage.area")} defaultValue={String(b.areaM2)} error={fields.areaM2} />
                      <label style={{ fontWeight: 400 }}>
                        <input type="checkbox" name="createAccount" defaultChecked /> {t("mgr.createAccount", { email: b.contact.email })}
                      </label>
                    </FoldedForm>
                    <PostButton
                      intent="decline"
                      values={{ bookingId: b.id }}
                      className="link danger"
                      disabled={busy}
                      confirm={t("mgr.declineConfirm")}
                      label={t("mgr.decline")}
                    />
                  </>
                )}
              </td>
            </tr>
          );
        }}
      </DataTable>
    </>
  );
}
