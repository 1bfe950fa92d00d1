import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateRange, formatDateTime, formatNumber } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { prisma } from "~/utils/db.server";
import { requireManager } from "~/utils/permissions.server";
import { actorOf, requireUser } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requireManagerPage(user);
  const events = await prisma().event.findMany({
    orderBy: { startsAt: "asc" },
    include: { _count: { select: { exhibitors: true, registrations: { where: { status: "confirmed" } }, checkIns: true } } },
  });
  return {
    events: events.map((e) => ({
      id: e.id,
      name: e.name,
      venue: e.venue,
      timezone: e.timezone,
      startsAt: e.startsAt.toISOString(),
      endsAt: e.endsAt.toISOString(),
      editDeadline: e.editDeadline?.toISOString() ?? null,
      exhibitors: e._count.exhibitors,
      registered: e._count.registrations,
      checkedIn: e._count.checkIns,
    })),
  };
}

function requireManagerPage(user: Parameters<typeof actorOf>[0]) {
  try {
    requireManager(actorOf(user));
  } catch {
    throw new Response("Forbidden", { status: 403 });
  }
}

export default function ManageEvents() {
  const { events } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("manage.title")}</h1>
      {events.length === 0 ? (
        <p className="empty">{t("manage.empty")}</p>
      ) : (
        <table data-testid="events">
          <thead>
            <tr>
              <th>{t("manage.col.name")}</th>
              <th>{t("manage.col.dates")}</th>
              <th>{t("manage.col.exhibitors")}</th>
              <th>{t("manage.col.registered")}</th>
              <th>{t("manage.col.checkedIn")}</th>
              <th>{t("manage.col.deadline")}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
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
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
