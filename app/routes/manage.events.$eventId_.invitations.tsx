import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { FieldBox, SelectBox } from "~/components/field";
import { EventPageTop, useManagePage } from "~/components/manage-page";
import { formatDateTime, type MessageKey } from "~/i18n";
import { invitationList, previewSegment, segmentFrom, segmentOptions, sendInvitations, type Segment } from "~/services/audience/invitations.server";
import { cleanTag } from "~/services/registrations/source";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { pageError, pageLocale, tFor, type PageResult } from "~/services/registrations/forms.server";
import { idParam } from "~/utils/ids";

// Invitations from the contact base to one event (issue #14 item 5): choose a segment and a
// campaign name, see how many new addresses it reaches (the confirm step), send; then each
// recipient's status (queued, sent, failed) and whether they registered from the link.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const event = await requireEventParam(params, actor);
  const q = new URL(request.url).searchParams;
  const segment = segmentFrom(q);
  const campaign = cleanTag(q.get("campaign"), 100) ?? "";
  const [options, list, preview] = await Promise.all([
    segmentOptions(),
    invitationList(actor, event.id),
    q.get("preview") ? previewSegment(actor, event.id, segment) : null,
  ]);
  return { event: { id: event.id, name: event.name, timezone: event.timezone }, options, list, segment, campaign, preview };
}

export async function action({ request, params, context }: ActionFunctionArgs): Promise<PageResult> {
  const actor = await requireManagerPage(request);
  const locale = pageLocale(request);
  const form = await request.formData();
  try {
    const count = await sendInvitations(actor, idParam(params, "eventId"), segmentFrom(form), String(form.get("campaign") ?? ""), locale, context.ip);
    const t = tFor(locale);
    return count === 0 ? { ok: false, formError: t("aud.nothingToSend"), fields: {}, notice: null } : { ok: true, formError: null, fields: {}, notice: t("aud.queued", { count }) };
  } catch (err) {
    const r = pageError(locale, err);
    return r.fields.campaign ? { ...r, formError: tFor(locale)("aud.campaignRequired") } : r;
  }
}

const FILTERS = ["industry", "city", "companySize", "category"] as const;
const PAST = [
  ["any", "aud.pastAny"],
  ["came", "aud.pastCame"],
  ["never", "aud.pastNever"],
] as const;

function SegmentHidden({ segment, campaign }: { segment: Segment; campaign: string }) {
  return (
    <>
      {FILTERS.map((f) => (
        <input key={f} type="hidden" name={f} value={segment[f] ?? ""} />
      ))}
      <input type="hidden" name="past" value={segment.past} />
      <input type="hidden" name="campaign" value={campaign} />
    </>
  );
}

export default function InvitationsPage() {
  const { event, options, list, segment, campaign, preview } = useLoaderData<typeof loader>();
  const { result, t, locale, busy } = useManagePage<typeof action>();
  return (
    <>
      <EventPageTop event={event} title={t("aud.invTitle")} result={result} />
      <Form method="get" className="card" data-testid="segment-form">
        <h2 style={{ marginTop: 0 }}>{t("aud.segment")}</h2>
        <div className="grid">
          {FILTERS.map((f) => (
            <SelectBox
              key={f}
              id={`seg-${f}`}
              name={f}
              label={t(`aud.${f}` as MessageKey)}
              defaultValue={segment[f] ?? ""}
              options={[["", t("aud.any")], ...options[f].map((v) => [v, v] as const)]}
            />
          ))}
          <SelectBox id="seg-past" name="past" label={t("aud.past")} defaultValue={segment.past} options={PAST.map(([v, k]) => [v, t(k)] as const)} />
          <FieldBox htmlFor="seg-campaign" label={t("aud.campaign")}>
            <input id="seg-campaign" name="campaign" maxLength={100} defaultValue={campaign} required />
          </FieldBox>
        </div>
        <input type="hidden" name="preview" value="1" />
        <button type="submit">{t("aud.preview")}</button>
      </Form>
      {preview && (
        <div className="card" data-testid="segment-preview">
          <p>{t("aud.matches", { total: preview.total, skip: preview.skip, send: preview.send })}</p>
          {preview.send > 0 && (
            <Form method="post" data-testid="send-form">
              <SegmentHidden segment={segment} campaign={campaign} />
              <button type="submit" className="primary" disabled={busy || !campaign}>
                {t("aud.confirm", { count: preview.send })}
              </button>
              {!campaign && <p className="field-error">{t("aud.campaignRequired")}</p>}
            </Form>
          )}
        </div>
      )}
      <h2>{t("aud.recipients")}</h2>
      <p data-testid="invite-stats">{t("aud.stats", list.stats)}</p>
      <table data-testid="invitations">
        <tbody>
          {list.rows.map((r) => (
            <tr key={r.id} data-testid="invitation-row" data-status={r.status}>
              <td>
                {r.name || "—"}
                <div className="small muted">{[r.email, r.company].filter(Boolean).join(" · ")}</div>
              </td>
              <td className="small">{r.campaign}</td>
              <td>
                <span className={r.status === "failed" ? "badge locked" : "badge"}>{t(`aud.st.${r.status}` as MessageKey)}</span>
                {r.sentAt && <div className="small muted">{formatDateTime(locale, new Date(r.sentAt), event.timezone)}</div>}
                {r.error && <div className="small danger">{r.error}</div>}
              </td>
              <td className="small">{r.registered ? t("aud.registered") : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
