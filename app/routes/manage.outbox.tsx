import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { BackLink } from "~/components/manage-page";
import { mailDate, venueTimeZone } from "~/services/outbox-view.server";
import { outboxDir } from "~/services/mail/send-mail.server";
import { requireManagerPage } from "~/utils/permissions.server";
import { listOutbox } from "~/services/registrations/outbox-files.server";
import { env } from "~/utils/env.server";
import { DataTable } from "~/components/data-table";

// Mail that "was sent" without SMTP_URL: the .eml files of DATA_DIR/mail, newest first.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireManagerPage(request);
  const { total, entries } = await listOutbox(200);
  const zone = await venueTimeZone();
  return { smtp: Boolean(env().SMTP_URL), dir: outboxDir(), total, entries: entries.map((e) => ({ ...e, at: mailDate(e.date) })), zone };
}

export default function Outbox() {
  const { smtp, dir, total, entries, zone } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <BackLink to="/manage" label={t("nav.events")} />
      <h1>{t("outbox.title")}</h1>
      <p className="muted">{smtp ? t("outbox.smtp") : t("outbox.offline", { dir })}</p>
      {entries.length > 0 && total > entries.length && <p className="small muted">{t("outbox.shown", { shown: entries.length, total })}</p>}
      <DataTable rows={entries} empty={t("outbox.empty")} testId="outbox" head={[t("outbox.date"), t("outbox.to"), t("outbox.subject")]}>
        {(e) => (
          <tr key={e.file} data-testid="outbox-row">
            <td className="small muted" data-testid="outbox-date">
              {e.at ? formatDateTime(locale, new Date(e.at), zone) : e.date}
            </td>
            <td>{e.to}</td>
            <td>
              <Link to={`/manage/outbox/${encodeURIComponent(e.file)}`}>{e.subject || e.file}</Link>
            </td>
          </tr>
        )}
      </DataTable>
    </>
  );
}
