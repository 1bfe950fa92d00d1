import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatDateTime } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { BackLink } from "~/components/manage-page";
import { mailDate, venueTimeZone } from "~/services/outbox-view.server";
import { requireManagerPage } from "~/utils/permissions.server";
import { readOutboxMail } from "~/services/registrations/outbox-files.server";

// One mail of the offline outbox: headers, the HTML as the recipient would see it (sandboxed,
// inline QR included), the text version and the attachments.
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireManagerPage(request);
  const file = params.file ?? "";
  const mail = await readOutboxMail(file);
  if (!mail) throw new Response("Not found", { status: 404 });
  return {
    file,
    headers: mail.headers,
    at: mailDate(mail.headers.date ?? null),
    zone: await venueTimeZone(),
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments.map((a) => ({
      name: a.fileName ?? a.cid ?? "part",
      type: a.contentType.split(";")[0],
      size: a.body.length,
      href: a.body.length <= 512 * 1024 ? `data:${a.contentType.split(";")[0]};base64,${a.body.toString("base64")}` : null,
    })),
  };
}

export default function OutboxMail() {
  const { file, headers, at, zone, text, html, attachments } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <BackLink to="/manage/outbox" label={t("outbox.title")} />
      <h1 data-testid="mail-subject">{headers.subject ?? file}</h1>
      <table className="card" data-testid="mail-headers">
        <tbody>
          {(["from", "to", "date"] as const).map((h) =>
            headers[h] ? (
              <tr key={h}>
                <th>{t(h === "from" ? "outbox.from" : h === "to" ? "outbox.to" : "outbox.date")}</th>
                <td data-testid={`mail-${h}`}>{h === "date" && at ? formatDateTime(locale, new Date(at), zone) : headers[h]}</td>
              </tr>
            ) : null,
          )}
        </tbody>
      </table>
      {html && (
        <iframe
          title={headers.subject ?? file}
          sandbox=""
          srcDoc={html}
          style={{ width: "100%", height: "70vh", border: "1px solid var(--line)", borderRadius: 8, background: "#fff" }}
        />
      )}
      {attachments.length > 0 && (
        <>
          <h2>{t("outbox.attachments")}</h2>
          <ul data-testid="mail-attachments">
            {attachments.map((a, i) => (
              <li key={i}>
                {a.href ? (
                  <a href={a.href} download={a.name}>
                    {a.name}
                  </a>
                ) : (
                  a.name
                )}{" "}
                <span className="small muted">
                  ({a.type}, {Math.ceil(a.size / 1024)} KB)
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {text && (
        <details>
          <summary>{t("outbox.text")}</summary>
          <pre style={{ whiteSpace: "pre-wrap" }} data-testid="mail-text">
            {text}
          </pre>
        </details>
      )}
      <p>
        <a href={`/manage/outbox/${encodeURIComponent(file)}/raw`}>{t("outbox.raw")}</a>
      </p>
    </>
  );
}
