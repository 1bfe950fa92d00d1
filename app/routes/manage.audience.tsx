import { MaxPartSizeExceededError, redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { SelectBox } from "~/components/field";
import { formatDateTime } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { importContacts, importsOverview } from "~/services/audience/contact-import.server";
import { requireManagerPage } from "~/utils/permissions.server";
import { pageError } from "~/services/registrations/forms.server";
import { HttpError } from "~/utils/errors.server";
import { serverT } from "~/utils/i18n.server";
import { parseId } from "~/utils/ids";

// The organisation-wide contact base (issue #14 item 5): its size, an upload (XLSX/CSV) checked
// for duplicates in the base and optionally in one event, and the result of each upload with
// its per-row report to download.

const MAX_BYTES = 10 * 1024 * 1024;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireManagerPage(request);
  return importsOverview(parseId(new URL(request.url).searchParams.get("import")));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireManagerPage(request);
  const { t, locale } = serverT(request);
  try {
    const form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_BYTES }));
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return { ok: false, fileError: t("aud.noFile") };
    const eventId = parseId(String(form.get("eventId") ?? ""));
    const r = await importContacts(actor, { data: Buffer.from(await file.arrayBuffer()), fileName: file.name, eventId, locale, ip: context.ip });
    throw redirect(`/manage/audience?import=${r.id}`);
  } catch (err) {
    if (err instanceof Response) throw err;
    if (err instanceof MaxPartSizeExceededError) return { ok: false, fileError: t("pub.tooLarge") };
    if (err instanceof HttpError && err.fields?.file) return { ok: false, fileError: err.fields.file };
    const r = pageError(locale, err);
    return { ok: false, fileError: r.fields.file ?? r.formError };
  }
}

const COUNT_KEYS = ["rows", "created", "dupFile", "dupBase", "inEvent", "invalid", "phones", "multi", "foreign", "badPhones"] as const;

export default function AudiencePage() {
  const { total, events, imports, current } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("aud.title")}</h1>
      <p data-testid="audience-total">{t("aud.total", { count: total })}</p>
      {current && (
        <section className="card" data-testid="import-report">
          <h2 style={{ marginTop: 0 }}>{t("aud.report", { file: current.fileName })}</h2>
          <table>
            <tbody>
              {COUNT_KEYS.map((k) => (
                <tr key={k}>
                  <td>{t(`aud.c.${k}`)}</td>
                  <td data-testid={`count-${k}`}>{current.counts[k]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a href={`/manage/audience/report/${current.id}`} download data-testid="report-link">
              {t("aud.download")}
            </a>
          </p>
        </section>
      )}
      <Form method="post" encType="multipart/form-data" className="card" data-testid="audience-import">
        <h2 style={{ marginTop: 0 }}>{t("aud.importTitle")}</h2>
        <p className="small muted">{t("aud.importHint")}</p>
        <div className="field">
          <label htmlFor="aud-file">{t("aud.file")}</label>
          <input id="aud-file" name="file" type="file" accept=".xlsx,.csv" aria-invalid={!!result?.fileError} />
          {result?.fileError && (
            <p className="field-error" data-testid="error-file">
              {result.fileError}
            </p>
          )}
        </div>
        <SelectBox id="aud-event" name="eventId" label={t("aud.event")} defaultValue="" options={[["", t("aud.noEvent")], ...events.map((e) => [e.id, e.name] as const)]} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t("aud.importing") : t("aud.import")}
        </button>
      </Form>
      {imports.length > 0 && (
        <>
          <h2>{t("aud.recent")}</h2>
          <DataTable rows={imports} testId="audience-imports">
            {(i) => (
              <tr key={i.id}>
                <td className="small muted">{formatDateTime(locale, new Date(i.createdAt), "Europe/Moscow")}</td>
                <td>
                  <a href={`/manage/audience?import=${i.id}`}>{i.fileName}</a>
                </td>
                <td className="small">
                  {t("aud.c.created")}: {i.counts.created} · {t("aud.c.rows")}: {i.counts.rows}
                </td>
              </tr>
            )}
          </DataTable>
        </>
      )}
    </>
  );
}
