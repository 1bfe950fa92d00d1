import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatDateTime } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { prisma } from "~/utils/db.server";
import { requireExhibitorRead } from "~/utils/permissions.server";
import { actorOf, requireUser } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!user.exhibitorId) return { exhibitor: null };
  const ex = await prisma().exhibitor.findUnique({
    where: { id: user.exhibitorId },
    include: {
      event: true,
      organization: true,
      children: { include: { organization: true } },
      registrations: { where: { status: { not: "cancelled" } }, include: { person: true }, orderBy: { createdAt: "asc" } },
    },
  });
  try {
    requireExhibitorRead(actorOf(user), ex);
  } catch {
    throw new Response("Not found", { status: 404 });
  }
  const e = ex!;
  return {
    exhibitor: {
      company: e.organization.name,
      stand: e.stand,
      quota: e.staffQuota,
      lockedReason: e.lockedAt ? (e.lockReason ?? "") : null,
      deadline: (e.deadlineOverride ?? e.event.editDeadline)?.toISOString() ?? null,
      timezone: e.event.timezone,
      eventName: e.event.name,
      staff: e.registrations.map((r) => ({ id: r.id, name: [r.person.lastName, r.person.firstName, r.person.middleName].filter(Boolean).join(" "), position: r.person.position, email: r.person.email })),
      children: e.children.map((c) => ({ id: c.id, name: c.organization.name, stand: c.stand })),
    },
  };
}

export default function Cabinet() {
  const { exhibitor } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  if (!exhibitor) return <p className="empty">{t("cabinet.notBound")}</p>;
  const used = exhibitor.staff.length;
  return (
    <>
      <h1>{t("cabinet.title")}</h1>
      <p className="muted">{exhibitor.eventName}</p>
      {exhibitor.lockedReason !== null ? (
        <p className="banner" role="status">{t("cabinet.locked", { reason: exhibitor.lockedReason })}</p>
      ) : exhibitor.deadline ? (
        <p className="muted">{t("cabinet.deadline", { time: formatDateTime(locale, new Date(exhibitor.deadline), exhibitor.timezone) })}</p>
      ) : null}
      <section className="card">
        <h2>{t("cabinet.company")}</h2>
        <p data-testid="company-name">
          <strong>{exhibitor.company}</strong>
        </p>
        <p>
          {t("cabinet.stand")}: {exhibitor.stand ?? "—"}
        </p>
      </section>
      <section className="card">
        <h2>{t("cabinet.staff")}</h2>
        <p>{t("cabinet.quota", { used, quota: exhibitor.quota })}</p>
        <div className="meter" aria-hidden>
          <span style={{ width: `${exhibitor.quota ? Math.min(100, (used / exhibitor.quota) * 100) : 0}%` }} />
        </div>
        {used === 0 ? (
          <p className="muted">{t("cabinet.noStaff")}</p>
        ) : (
          <table>
            <tbody>
              {exhibitor.staff.map((s) => (
                <tr key={s.id}>
                  <td>{s.name}</td>
                  <td className="muted">{s.position}</td>
                  <td className="muted">{s.email}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {exhibitor.children.length > 0 && (
        <section className="card">
          <h2>{t("cabinet.subExhibitors")}</h2>
          <ul>
            {exhibitor.children.map((c) => (
              <li key={c.id}>
                {c.name} {c.stand ? `(${c.stand})` : ""}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
