import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { formatDateTime } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { pageError, pageLocale, tFor, text, type PageResult } from "~/services/registrations/forms.server";
import { listReminders, reminderDueAt, resendReminder, runRemindersNow, smsConfigured, confirmedWithPhone } from "~/services/reminders.server";
import { env } from "~/utils/env.server";
import { BackToEvent, FormOutcome } from "~/components/manage-page";
import { DataTable, StatusBadge } from "~/components/data-table";
import { PostButton } from "~/components/post-button";

// SMS reminders of one event: when they go out, each message's delivery state, and resend.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const event = await requireEventParam(params, actor);
  const rows = await listReminders(actor, event.id);
  const withPhone = await confirmedWithPhone(event.id);
  return {
    event: { id: event.id, name: event.name, timezone: event.timezone },
    dueAt: reminderDueAt(event).toISOString(),
    localTime: env().REMINDER_LOCAL_TIME,
    configured: smsConfigured(),
    withPhone,
    rows,
  };
}

export async function action({ request, context }: ActionFunctionArgs): Promise<PageResult> {
  const actor = await requireManagerPage(request);
  const locale = pageLocale(request);
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent === "resend") {
      await resendReminder(actor, text(form, "reminderId"), context.ip);
      return { ok: true, formError: null, fields: {}, notice: tFor(locale)("sms.resendQueued") };
    }
    if (intent === "run") {
      await runRemindersNow();
      return { ok: true, formError: null, fields: {}, notice: tFor(locale)("sms.runQueued") };
    }
    throw new Response("Unknown intent", { status: 400 });
  } catch (err) {
    if (err instanceof Response) throw err;
    return pageError(locale, err);
  }
}

const MOVING = new Set(["pending", "submitting", "retrying", "queued", "sending", "sent"]);

export default function Reminders() {
  const { event, dueAt, localTime, configured, withPhone, rows } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  const inFlight = rows.some((r) => MOVING.has(r.status));
  useEffect(() => {
    // Delivery states change in the background; refresh while some are still moving.
    if (!inFlight) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 5000);
    return () => clearInterval(timer);
  }, [inFlight, revalidator]);
  const counts = rows.reduce<Record<string, number>>((acc, r) => ((acc[r.status] = (acc[r.status] ?? 0) + 1), acc), {});
  return (
    <>
      <BackToEvent event={event} />
      <h1>{t("sms.title")}</h1>
      {!configured && (
        <p className="banner" role="status">
          {t("sms.notConfigured")}
        </p>
      )}
      <p className="muted">
        {t("sms.schedule", { time: formatDateTime(locale, new Date(dueAt), event.timezone), local: localTime })}{" "}
        {t("sms.audience", { count: withPhone })}
      </p>
      <FormOutcome result={result} />
      <Form method="post" className="row">
        <input type="hidden" name="intent" value="run" />
        <button type="submit" className="link" disabled={busy}>
          {t("sms.runNow")}
        </button>
      </Form>
      <p className="small muted" data-testid="sms-counts">
        {Object.entries(counts)
          .map(([status, n]) => `${status}: ${n}`)
          .join(" · ") || t("sms.none")}
      </p>
      <DataTable rows={rows} empty={null} testId="sms-rows" head={[t("pub.person"), t("staff.phone"), t("manage.state"), t("sms.sentAt"), t("common.actions")]}>
        {(r) => (
          <tr key={r.id} data-testid="sms-row">
            <td>{r.name}</td>
            <td>{r.phone}</td>
            <td>
              <StatusBadge bad={r.status === "failed" || r.status === "skipped"} testId="sms-status">
                {r.status}
              </StatusBadge>
              {r.error && <div className="small danger">{r.error}</div>}
              {(r.attempts > 1 || r.resends > 0) && <div className="small muted">{t("sms.attempts", { attempts: r.attempts, resends: r.resends })}</div>}
            </td>
            <td className="small muted">{r.sentAt ? formatDateTime(locale, new Date(r.sentAt), event.timezone) : "—"}</td>
            <td>
              {!["pending", "submitting", "retrying"].includes(r.status) && (
                <PostButton
                  intent="resend"
                  values={{ reminderId: r.id }}
                  disabled={busy}
                  confirm={t("sms.resendConfirm", { phone: r.phone })}
                  label={t("sms.resend")}
                />
              )}
            </td>
          </tr>
        )}
      </DataTable>
    </>
  );
}
