import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { DataTable, StatusBadge } from "~/components/data-table";
import { HiddenFields, PostButton } from "~/components/post-button";
import { CrmStatus, type CrmBadgeView } from "~/components/crm-status";
import { formatDateTime } from "~/i18n";
import { crmBadges } from "~/services/crm/crm-admin.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { pageError, pageLocale, tFor, text, type PageResult } from "~/services/registrations/forms.server";
import { SourceForm } from "~/components/source-form";
import { setManualSource } from "~/services/registrations/manual-source.server";
import { approveRegistration, mediaQueue, rejectRegistration } from "~/services/registrations/registrations.server";
import { EventPageTop, useManagePage } from "~/components/manage-page";

// The media accreditation queue: approve (confirmed + invitation with QR) or reject with a
// reason (rejected + a polite email); both move the CRM deal through a crm-sync job.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const event = await requireEventParam(params, actor);
  const rows = await mediaQueue(event.id);
  // A registration's badge is the worst of its contact and its deal.
  const crm = await crmBadges(
    Object.fromEntries(rows.map((r) => [r.id, [{ entity: "person" as const, id: r.person.id }, { entity: "registration" as const, id: r.id }]])),
  );
  return {
    crm,
    event: { id: event.id, name: event.name, timezone: event.timezone },
    pending: rows.filter((r) => r.status === "pending_approval"),
    decided: rows.filter((r) => r.status !== "pending_approval").reverse(),
  };
}

export async function action({ request, context }: ActionFunctionArgs): Promise<PageResult & { intent: string }> {
  const actor = await requireManagerPage(request);
  const locale = pageLocale(request);
  const form = await request.formData();
  const intent = text(form, "intent");
  const id = text(form, "registrationId");
  try {
    if (intent === "approve") await approveRegistration(actor, id, context.ip);
    else if (intent === "reject") await rejectRegistration(actor, id, text(form, "reason"), context.ip);
    else if (intent === "source") await setManualSource(actor, id, String(form.get("manualSource") ?? ""), context.ip);
    else throw new Response("Unknown intent", { status: 400 });
    const notice = intent === "approve" ? "mgr.approved" : intent === "reject" ? "mgr.rejected" : "src.saved";
    return { intent, ok: true, formError: null, fields: {}, notice: tFor(locale)(notice) };
  } catch (err) {
    if (err instanceof Response) throw err;
    const r = pageError(locale, err);
    const formError = r.fields.reason ? tFor(locale)("mgr.reasonRequired") : (r.fields.manualSource ?? r.formError);
    return { ...r, intent, formError };
  }
}

type Row = Awaited<ReturnType<typeof loader>>["pending"][number];

/** The person, their CRM state and the manager's source label: the first cell of both tables. */
function PersonCell({ r, crm, busy }: { r: Row; crm: Record<string, CrmBadgeView>; busy: boolean }) {
  return (
    <td>
      <strong>{[r.person.lastName, r.person.firstName, r.person.middleName].filter(Boolean).join(" ")}</strong>
      <div className="small muted">
        {[r.person.position, r.company?.name].filter(Boolean).join(", ")}
        <br />
        {r.person.email}
        {r.person.phone ? ` · ${r.person.phone}` : ""}
      </div>
      <div>
        <CrmStatus badge={crm[r.id]} />
      </div>
      <SourceForm r={r} busy={busy} />
    </td>
  );
}

export default function MediaQueue() {
  const { event, pending, decided, crm } = useLoaderData<typeof loader>();
  const { result, t, locale, busy } = useManagePage<typeof action>();
  return (
    <>
      <EventPageTop event={event} title={t("mgr.mediaTitle")} result={result} />
      <h2>
        {t("mgr.mediaPending")} ({pending.length})
      </h2>
      <DataTable
        rows={pending}
        empty={t("mgr.mediaNone")}
        testId="media-pending"
        head={[t("pub.person"), t("pub.outlet"), t("pub.proofUrl"), t("mgr.received"), t("common.actions")]}
      >
        {(r) => (
          <tr key={r.id} data-testid="media-row">
            <PersonCell r={r} crm={crm} busy={busy} />
            <td>
              {r.media?.outlet}
              {r.media?.role && <div className="small muted">{r.media.role}</div>}
            </td>
            <td className="small">
              {r.media?.proofUrl && (
                <a href={r.media.proofUrl} target="_blank" rel="noopener noreferrer">
                  {r.media.proofUrl}
                </a>
              )}
              {r.media?.proofFile && (
                <div>
                  <a href={`/manage/media-proof/${r.id}`} target="_blank" rel="noreferrer">
                    {t("mgr.proofFile")}
                  </a>
                </div>
              )}
            </td>
            <td className="small muted">{formatDateTime(locale, new Date(r.createdAt), event.timezone)}</td>
            <td>
              <PostButton
                intent="approve"
                values={{ registrationId: r.id }}
                className="primary"
                style={{ marginTop: 0 }}
                disabled={busy}
                label={t("mgr.approve")}
              />
              <details>
                <summary>{t("mgr.reject")}</summary>
                <Form method="post">
                  <HiddenFields intent="reject" values={{ registrationId: r.id }} />
                  <label htmlFor={`reason-${r.id}`}>{t("mgr.reason")}</label>
                  <textarea id={`reason-${r.id}`} name="reason" rows={2} maxLength={1000} />
                  <button type="submit" className="link danger" disabled={busy}>
                    {t("mgr.rejectSend")}
                  </button>
                </Form>
              </details>
            </td>
          </tr>
        )}
      </DataTable>
      <h2>{t("mgr.mediaDecided")}</h2>
      <DataTable rows={decided} empty="—" emptyClass="muted" testId="media-decided">
        {(r) => (
          <tr key={r.id}>
            <PersonCell r={r} crm={crm} busy={busy} />
            <td>{r.media?.outlet}</td>
            <td>
              <StatusBadge bad={r.status !== "confirmed"}>
                {t(r.status === "confirmed" ? "my.statusConfirmed" : r.status === "rejected" ? "my.statusRejected" : "my.statusCancelled")}
              </StatusBadge>
              {r.rejectionReason && <div className="small muted">{r.rejectionReason}</div>}
              {r.inviteError && <div className="small danger">{t("staff.inviteFailed", { error: r.inviteError })}</div>}
            </td>
          </tr>
        )}
      </DataTable>
    </>
  );
}
