import {
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  MaxPartSizeExceededError,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FieldError } from "~/components/field";
import { SubmitLine } from "~/components/post-button";
import { ColumnMappingForm, DuplicateRows, QuotaChoice } from "~/components/import-preview";
import { useT } from "~/i18n/react";
import { commitImport, plan, previewImport, storeUpload, type Decision, type Selection } from "~/services/exhibitors/staff-import.server";
import {
  duplicateGroupMessage,
  fileErrorMessage,
  groupDuplicates,
  isImportFileError,
  mappingFromColumns,
  messages,
  missingRequiredFields,
  rowErrorMessage,
  type ColumnMapping,
} from "~/services/staff-import";
import { HttpError } from "~/utils/errors.server";
import { serverT } from "~/utils/i18n.server";
import { actorOf } from "~/utils/permissions.server";
import { requireUser } from "~/utils/session.server";

const MAX_BYTES = 10 * 1024 * 1024;
// Kept here (not imported) so the browser bundle does not pull in the server-side parsers.
const STAFF_FIELDS = ["lastName", "firstName", "middleName", "fullName", "position", "email", "phone"] as const;
// New rows listed with a checkbox; a 20,000-row file lists its first ones.
const MAX_LISTED = 500;

/** The mapping from the screen's per-column choice (`col.N=field`) or from the commit's `map.field=N`. */
function mappingFrom(params: URLSearchParams | FormData): Partial<ColumnMapping> | undefined {
  const columns = [...params.keys()].map((k) => /^col\.(\d{1,3})$/.exec(k)).filter((m) => m !== null);
  if (columns.length > 0) {
    const choices: string[] = [];
    for (const m of columns) choices[Number(m[1])] = String(params.get(m[0]) ?? "");
    return mappingFromColumns(choices);
  }
  const entries = STAFF_FIELDS.map((f) => [f, params.get(`map.${f}`)] as const).filter(([, v]) => v !== null);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([f, v]) => [f, v === "" ? null : Number(v)]));
}

function selectionFrom(form: FormData): Selection {
  const mode = form.get("mode");
  if (mode === "first") return { mode: "first", count: Number(form.get("first")) || 0 };
  if (mode === "rows") return { mode: "rows", rows: form.getAll("pick").map(Number).filter(Number.isInteger) };
  return { mode: "all" };
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
  const labels = messages[locale].fields;
  const groups = groupDuplicates(p.duplicates);
  const counts = plan(p.items, p.duplicates, {});
  const dupRows = new Set(groups.map((g) => g.rowNumber));
  const fieldOf = (column: number) => STAFF_FIELDS.find((f) => p.mapping[f] === column) ?? "";
  return {
    preview: {
      id: p.id,
      filename: p.filename,
      mapping: p.mapping,
      columns: p.headers.map((h, i) => ({ header: h || `#${i + 1}`, sample: p.samples[i]!.slice(0, 60), field: fieldOf(i) })),
      fields: STAFF_FIELDS.map((f) => ({ field: f, label: labels[f] })),
      missing: missingRequiredFields(p.mapping).map((f) => labels[f]),
      total: p.total,
      ok: p.items.length - dupRows.size,
      bad: new Set(p.errors.map((e) => e.rowNumber)).size,
      quotaLeft: p.quotaLeft,
      creatable: counts.create.length,
      errors: p.errors.slice(0, 200).map((e) => ({ row: e.rowNumber, text: rowErrorMessage(locale, e) })),
      duplicates: groups
        .slice(0, 200)
        .map((g) => ({ row: g.rowNumber, text: duplicateGroupMessage(locale, g), updatable: g.updates !== null })),
      rows: counts.create.slice(0, MAX_LISTED).map((i) => ({
        row: i.rowNumber,
        name: [i.lastName, i.firstName, i.middleName].filter(Boolean).join(" "),
        position: i.position ?? "",
        email: i.email ?? "",
        phones: i.phones.join(", "),
      })),
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
  let selection: Selection = { mode: "all" };
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
    selection = selectionFrom(form);
    const r = await commitImport(actor, exhibitorId, String(form.get("id") ?? ""), mappingFrom(form), decisions, context.ip, selection);
    // Counts only: the cabinet page builds the message, so no text can be put there through the URL.
    throw redirect(`/cabinet?${new URLSearchParams({ imported: [r.created, r.updated, r.skipped, r.errors].join(".") })}`);
  } catch (err) {
    if (err instanceof Response) throw err;
    if (err instanceof MaxPartSizeExceededError) return badFile(t("import.tooBig"));
    if (isImportFileError(err)) return badFile(fileErrorMessage(locale, err));
    if (err instanceof HttpError) {
      if (err.code === "cabinet_locked") return fail(t("cabinet.lockedError"));
      if (err.code === "edit_deadline_passed") return fail(t("cabinet.deadlineError"));
      if (err.code === "nothing_chosen") return fail(t("import.pickNone"));
      if (err.code === "quota_exceeded") {
        const key =
          selection.mode === "all" ? "import.overQuota" : selection.mode === "first" ? "import.overQuotaFirst" : "import.overQuotaPicked";
        return fail(err.message.replace(/^The file adds (\d+) people but only (\d+).*$/, (_, count, left) => t(key, { count, left })));
      }
      return fail(err.message);
    }
    throw err;
  }
}

export default function Import() {
  const { preview } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const committing = navigation.formData?.has("mode") ?? false;
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
          {t(committing ? "import.committing" : "import.working")}
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
          <FieldError message={data?.fileError} id="file-error" role="alert" testId="file-error" />
          <SubmitLine label={t("import.upload")} busy={busy} />
        </Form>
      ) : (
        <>
          <p data-testid="summary">
            <strong>{preview.filename}</strong>.{" "}
            {t("import.summary", {
              total: preview.total,
              ok: preview.ok,
              bad: preview.bad,
              dups: preview.duplicates.length,
              left: preview.quotaLeft,
            })}
          </p>
          <ColumnMappingForm id={preview.id} columns={preview.columns} fields={preview.fields} missing={preview.missing} />
          <Form method="post" data-testid="commit">
            <input type="hidden" name="id" value={preview.id} />
            <input type="hidden" name="first" value={preview.quotaLeft} />
            {Object.entries(preview.mapping).map(([f, v]) => (
              <input key={f} type="hidden" name={`map.${f}`} value={v === null || v === undefined ? "" : String(v)} />
            ))}
            <DuplicateRows duplicates={preview.duplicates} />
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
            <QuotaChoice
              creatable={preview.creatable}
              left={preview.quotaLeft}
              rows={preview.rows}
              updatable={preview.duplicates.filter((d) => d.updatable).length}
              fields={preview.fields}
              busy={busy}
            />
          </Form>
        </>
      )}
    </>
  );
}
