import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { EventForm } from "~/components/event-form";
import { eventFromForm } from "~/services/events/form.server";
import { createEvent, eventOverview } from "~/services/events/events.server";
import { runFormAction } from "~/utils/forms.server";
import { formatDateRange, formatDateTime, formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { requireManagerPage } from "~/utils/permissions.server";
import { DataTable } from "~/components/data-table";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireManagerPage(request);
  return { events: await eventOverview() };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireManagerPage(request);
  const form = await request.formData();
  let createdId: string | null = null;
  const result = await runFormAction(request, "create-event", async () => {
    createdId = (await createEvent(actor, eventFromForm(form))).id;
  }, form);
  if (createdId) throw redirect(`/manage/events/${createdId}`);
  return result;
}

export default function ManageEvents() {
  const { events } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("manage.title")}</h1>
      <p>
        <Link to="/manage/crm">{t("crm.link")}</Link> · <Link to="/manage/calendar">{t("cal.link")}</Link>
      </p>
      <DataTable
        rows={events}
        empty={t("manage.empty")}
        testId="events"
        head={[t("manage.col.name"), t("manage.col.dates"), t("manage.col.exhibitors"), t("manage.col.registered"), t("manage.col.checkedIn"), t("manage.col.deadline")]}
      >
        {(e) => (
          <tr key={e.id}>
            <td>
              <strong>
                <Link to={`/manage/events/${e.id}`}>{e.name}</Link>
              </strong>
              <div className="muted">{e.venue}</div>
            </td>
            <td>{formatDateRange(locale, new Date(e.startsAt), new Date(e.endsAt), e.timezone)}</td>
            <td>{formatNumber(locale, e.exhibitors)}</td>
            <td>{formatNumber(locale, e.registered)}</td>
            <td>{formatNumber(locale, e.checkedIn)}</td>
            <td>{e.editDeadline ? formatDateTime(locale, new Date(e.editDeadline), e.timezone) : "—"}</td>
          </tr>
        )}
      </DataTable>
      <section className="card">
        <h2>{t("event.create")}</h2>
        {result?.formError && <p className="form-error" role="alert">{result.formError}</p>}
        <EventForm intent="create-event" fields={result && !result.ok ? result.fields : {}} busy={busy} submit={t("common.add")} testId="create-event" />
      </section>
    </>
  );
}
