import { redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, MaxPartSizeExceededError, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { commitImport, plan, previewImport, storeUpload, type Decision } from "~/services/import.server";
import { duplicateMessage, fileErrorMessage, isImportFileError, rowErrorMessage, type ColumnMapping } from "~/services/staff-import";
import { HttpError } from "~/utils/errors.server";
import { serverT } from "~/utils/i18n.server";
import { actorOf, requireUser } from "~/utils/session.server";

const MAX_BYTES = 10 * 1024 * 1024;
// Kept here (not imported) so the browser bundle does not pull in the server-side parsers.
const STAFF_FIELDS = ["lastName", "firstName", "middleName", "fullName", "position", "email", "phone"] as const;

function mappingFrom(params: URLSearchParams | FormData): Partial<ColumnMapping> | undefined {
  const entries = STAFF_FIELDS.map((f) => [f, params.get(`map.${f}`)] as const).filter(([, v]) => v !== null);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([f, v]) => [f, v === "" ? null : Number(v)]));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!user.exhibitorId) throw redirect("/cabinet");
  const url = new URL(request.url);
  const id = url.searchParams.get("id");
  if (!id) return { preview: null };
  const { locale } = serverT(request);
  const p = await previewImport(actorOf(user), user.exhibitorId, id, mappingFrom(url.searchParams)).catch((err) => {
    if (err instanceof HttpError && err.status === 404) throw redirect("/cabinet/import");
    throw err;
  });
  const dupRows = new Set([...p.duplicates.inFile, ...p.duplicates.existing].map((d) => d.rowNumber));
  const counts = plan(p.items, p.duplicates, {});
  return {
    preview: {
      id: p.id,
      filename: p.filename,
      headers: p.headers,
      mapping: p.mapping,
      total: p.total,
      ok: p.items.length - dupRows.size,
      bad: new Set(p.errors.map((e) => e.rowNumber)).size,
      quotaLeft: p.quotaLeft,
      create: counts.create.length,
      errors: p.errors.slice(0, 200).map((e) => ({ row: e.rowNumber, text: rowErrorMessage(locale, e) })),
      duplicates: [...p.duplicates.inFile, ...p.duplicates.existing].slice(0, 200).map((d) => ({ row: d.rowNumber, text: duplicateMessage(locale, d), updatable: "scope" in d && d.scope === "exhibitor" })),
      sample: p.items.slice(0, 10).map((i) => ({ row: i.rowNumber, name: [i.lastName, i.firstName, i.middleName].filter(Boolean).join(" "), position: i.position ?? "", email: i.email ?? "", phones: i.phones.join(", ") })),
    },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const actor = actorOf(user);
  const exhibitorId = user.exhibitorId ?? "";
  const { t, locale } = serverT(request);
  const fail = (formError: string) => ({ formError, fileError: null });
  // What is wrong with the file itself is said next to the file field.
  const badFile = (fileError: string) => ({ formError: null, fileError });
  try {
    if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
      const form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_BYTES }));
      const file = form.get("file");
      if (!(file instanceof File) || file.size === 0) return badFile(t("import.noFile"));
      const id = await storeUpload(actor, exhibitorId, Buffer.from(await file.arrayBuffer()), file.name);
      throw redirect(`/cabinet/import?id=${id}`);
    }
    const form = await request.formData();
    const decisions: Record<number, Decision> = {};
    for (const [key, value] of form) if (key.startsWith("row.") && value === "update") decisions[Number(key.slice(4))] = "update";
    const r = await commitImport(actor, exhibitorId, String(form.get("id") ?? ""), mappingFrom(form), decisions, context.ip);
    // Counts only: the cabinet page builds the message, so no text can be put there through the URL.
    throw redirect(`/cabinet?${new URLSearchParams({ imported: [r.created, r.updated, r.skipped, r.errors].join(".") })}`);
  } catch (err) {
    if (err instanceof Response) throw err;
    if (err instanceof MaxPartSizeExceededError) return badFile(t("import.tooBig"));
    if (isImportFileError(err)) return badFile(fileErrorMessage(locale, err));
    if (err instanceof HttpError) {
      if (err.code === "cabinet_locked") return fail(t("cabinet.lockedError"));
      if (err.code === "edit_deadline_passed") return fail(t("cabinet.deadlineError"));
      if (err.code === "quota_exceeded") return fail(err.message.replace(/^The file adds (\d+) people but only (\d+).*$/, (_, count, left) => t("import.overQuota", { count, left })));
      return fail(err.message);
    }
    throw err;
  }
}

export default function Import() {
  const { preview } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <p>
        <Link to="/cabinet">← {t("cabinet.title")}</Link>
      </p>
      <h1>{t("import.title")}</h1>
      {data?.formError && (
        <p className="form-error" role="alert" data-testid="form-error">
          {data.formError}
        </p>
      )}
      {busy && (
        <div role="status">
          {t("import.working")}
          <progress />
        </div>
      )}
      {!preview ? (
        <Form method="post" encType="multipart/form-data" className="card" data-testid="upload">
          <p className="muted">{t("import.help")}</p>
          <label htmlFor="file">{t("import.file")}</label>
          <input
            id="file"
            name="file"
            type="file"
            accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            required
            aria-invalid={!!data?.fileError}
            aria-describedby="file-error"
          />
          {data?.fileError && (
            <p className="field-error" id="file-error" role="alert" data-testid="file-error">
              {data.fileError}
            </p>
          )}
          <div>
            <button type="submit" className="primary" disabled={busy}>
              {t("import.upload")}
            </button>
          </div>
        </Form>
      ) : (
        <>
          <p data-testid="summary">
            <strong>{preview.filename}</strong>. {t("import.summary", { total: preview.total, ok: preview.ok, bad: preview.bad, dups: preview.duplicates.length, left: preview.quotaLeft })}
          </p>
          <Form method="get" className="card row" data-testid="mapping">
            <input type="hidden" name="id" value={preview.id} />
            <strong>{t("import.mapping")}</strong>
            {STAFF_FIELDS.map((f) => (
              <label key={f} className="small">
                {f}
                <select name={`map.${f}`} defaultValue={preview.mapping[f] === null || preview.mapping[f] === undefined ? "" : String(preview.mapping[f])}>
                  <option value="">{t("import.notMapped")}</option>
                  {preview.headers.map((h, i) => (
                    <option key={i} value={i}>
                      {h || `#${i + 1}`}
                    </option>
                  ))}
                </select>
              </label>
            ))}
            <button type="submit" className="link">
              {t("import.applyMapping")}
            </button>
          </Form>
          <Form method="post" data-testid="commit">
            <input type="hidden" name="id" value={preview.id} />
            {Object.entries(preview.mapping).map(([f, v]) => (
              <input key={f} type="hidden" name={`map.${f}`} value={v === null || v === undefined ? "" : String(v)} />
            ))}
            {preview.duplicates.length > 0 && (
              <section className="card">
                <h2>{t("import.duplicates")}</h2>
                <table data-testid="duplicates">
                  <tbody>
                    {preview.duplicates.map((d, i) => (
                      <tr key={i}>
                        <td>{t("import.row", { row: d.row })}</td>
                        <td>{d.text}</td>
                        <td>
                          {d.updatable && (
                            <select name={`row.${d.row}`} defaultValue="skip" aria-label={t("import.row", { row: d.row })}>
                              <option value="skip">{t("import.skip")}</option>
                              <option value="update">{t("import.update")}</option>
                            </select>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            )}
            {preview.errors.length > 0 && (
              <section className="card">
                <h2>{t("import.errors")}</h2>
                <ul data-testid="row-errors">
                  {preview.errors.map((e, i) => (
                    <li key={i}>
                      {t("import.row", { row: e.row })}: {e.text}
                    </li>
                  ))}
                </ul>
              </section>
            )}
            <section className="card">
              <h2>{t("import.preview")}</h2>
              <table>
                <tbody>
                  {preview.sample.map((s) => (
                    <tr key={s.row}>
                      <td className="muted">{s.row}</td>
                      <td>{s.name}</td>
                      <td>{s.position}</td>
                      <td>{s.email}</td>
                      <td>{s.phones}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <button type="submit" className="primary" disabled={busy}>
              {t("import.commit", { count: preview.create })}
            </button>
          </Form>
        </>
      )}
    </>
  );
}
