import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { RegistrationCreate } from "~/api/schemas/registrations";
import { FieldBox } from "~/components/field";
import { CompanyFields, EventHeader, fieldsFor, HoneypotAndConsent, PersonFields, PublicFormHead, publicMeta, PublicShell } from "~/components/public-page";
import { translate, type MessageKey } from "~/i18n";
import { invitationOfToken } from "~/services/audience/invitation-link.server";
import { hiddenFieldsOf, tagsOfPageRequest, tagsOfPost } from "~/services/registrations/source";
import { checkPublicForm, companyOf, personOf, readPublicForm, text } from "~/services/registrations/forms.server";
import { publicDone, publicFailure, publicPageError, type PublicResult } from "~/services/registrations/forms.server";
import { publicPage } from "~/services/registrations/public-event.server";
import { limitPublicSubmission, MAX_PROOF_BYTES, registerAttendee, type ProofUpload } from "~/services/registrations/registrations.server";
import { idParam } from "~/utils/ids";

// The public registration page: visitors and media, RU/EN, embeddable in an iframe
// (app/server/app.ts sends frame-ancestors * for /e/...), one column on a phone.

export const meta: MetaFunction<typeof loader> = publicMeta("pub.registerTitle");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { locale, open, event } = await publicPage(request, params);
  const category = new URL(request.url).searchParams.get("type") === "media" ? "media" : "visitor";
  // The invitation token of an audience mailing (issue #14 item 5) rides along as a hidden field.
  const inv = new URL(request.url).searchParams.get("inv");
  return {
    locale,
    open,
    category,
    source: [...hiddenFieldsOf(tagsOfPageRequest(request)), ["inv", inv && /^[A-Za-z0-9_-]{16,64}$/.test(inv) ? inv : ""]] as Array<[string, string]>,
    event,
  };
}

type Done = "registered" | "pending" | "resent" | "resentRecently" | "pendingDuplicate";
type Result = PublicResult<Done | null>;

export async function action({ request, params, context }: ActionFunctionArgs): Promise<Result> {
  const fail = (r: { formError: string | null; fields: Record<string, string> }, values: Record<string, string>): Result => publicFailure(r, values, null);
  const read = await readPublicForm(request, context.ip, MAX_PROOF_BYTES + 256 * 1024, limitPublicSubmission);
  if (!read.ok) return fail(read.error, read.values);
  const { form, locale, values } = read;
  const category = text(form, "category") === "media" ? "media" : "visitor";
  const input = {
    category,
    person: personOf(form),
    company: text(form, "companyName") || text(form, "inn") ? companyOf(form) : null,
    media:
      category === "media"
        ? { outlet: text(form, "outlet"), role: text(form, "role") || null, proofUrl: text(form, "proofUrl") || null }
        : null,
    locale,
    honeypot: text(form, "hp") || null,
  };
  const parsed = checkPublicForm(RegistrationCreate, input, form, locale);
  if (!parsed.ok) return fail(parsed.error, values);

  const file = form.get("proofFile");
  const proof: ProofUpload | null =
    category === "media" && file instanceof File && file.size > 0
      ? { data: new Uint8Array(await file.arrayBuffer()), fileName: file.name, contentType: file.type }
      : null;
  try {
    const eventId = idParam(params, "eventId");
    const invitation = await invitationOfToken(eventId, text(form, "inv"));
    const result = await registerAttendee(eventId, parsed.data, {
      source: invitation ? "invitation" : "site",
      actor: null,
      ip: context.ip,
      proof,
      tags: tagsOfPost(request, form),
      sourceDetail: invitation?.campaign ?? null,
      invitationId: invitation?.id ?? null,
    });
    // A filled trap gets the same answer as a person, so a bot learns nothing.
    if (result.discarded) return publicDone("registered", input.person.email);
    const done: Done = result.duplicate
      ? result.status === "pending_approval"
        ? "pendingDuplicate"
        : result.invitationResent
          ? "resent"
          : "resentRecently"
      : result.status === "pending_approval"
        ? "pending"
        : "registered";
    return publicDone(done, result.email);
  } catch (err) {
    return fail(publicPageError(locale, err), values);
  }
}

const DONE_KEYS: Record<Done, MessageKey> = {
  registered: "pub.doneRegistered",
  pending: "pub.donePending",
  resent: "pub.doneResent",
  resentRecently: "pub.doneResentRecently",
  pendingDuplicate: "pub.donePendingDuplicate",
};

// The media fields show only while "media" is chosen, without script (the form works before hydration).
const REGISTER_CSS =
  " .public-page .choice{display:flex;gap:1rem;flex-wrap:wrap} .public-page .choice label{font-weight:400;display:flex;gap:.4rem;align-items:center;margin-top:.4rem} .public-page .media-fields,.public-page .for-media{display:none} .public-page form:has(input[name=category][value=media]:checked) .media-fields{display:block} .public-page form:has(input[name=category][value=media]:checked) .for-media{display:inline} .public-page form:has(input[name=category][value=media]:checked) .for-visitor{display:none}";

export default function RegisterPage() {
  const { locale, open, category: initial, event, source } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const category = (result?.values.category ?? initial) === "media" ? "media" : "visitor";
  const t = (key: MessageKey, p?: Record<string, string | number>) => translate(locale, key, p);
  const fields = result?.fields ?? {};
  const v = result?.values ?? {};
  const f = fieldsFor(locale, result);
  return (
    <PublicShell locale={locale} css={REGISTER_CSS}>
      <EventHeader event={event} />
      {result?.done ? (
        <div className="notice" role="status" data-testid="reg-done">
          {t(DONE_KEYS[result.done], { email: result.email ?? "" })}
          <p className="small" style={{ marginBottom: 0 }}>
            <a href={`?lang=${locale}`}>{t("pub.registerAnother")}</a>
          </p>
        </div>
      ) : !open ? (
        <p className="banner" role="status">
          {t("pub.closed")}
        </p>
      ) : (
        <Form method="post" reloadDocument encType="multipart/form-data" className="card" noValidate data-testid="register-form">
          <PublicFormHead locale={locale} title="pub.registerTitle" result={result} source={source} />
          <fieldset className="choice" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="small muted">{t("pub.category")}</legend>
            <label>
              <input type="radio" name="category" value="visitor" defaultChecked={category === "visitor"} /> {t("category.visitor")}
            </label>
            <label>
              <input type="radio" name="category" value="media" defaultChecked={category === "media"} /> {t("pub.categoryMedia")}
            </label>
          </fieldset>
          <h3>{t("pub.person")}</h3>
          <PersonFields f={f} positionFirst={false} />
          <h3>{t("pub.company")}</h3>
          <CompanyFields f={f} nameRequired={false} />
          <div className="media-fields" data-testid="media-fields">
            <h3>{t("pub.media")}</h3>
            <div className="grid">
              {f("outlet", "pub.outlet", { required: true })}
              {f("role", "pub.mediaRole")}
              {f("proofUrl", "pub.proofUrl")}
              <FieldBox htmlFor="f-proofFile" label={t("pub.proofFile")} error={fields.proofFile} errorTestId="error-proofFile">
                <input id="f-proofFile" name="proofFile" type="file" accept="application/pdf,image/jpeg,image/png,image/webp" aria-invalid={!!fields.proofFile} />
              </FieldBox>
            </div>
            <p className="small muted">{t("pub.mediaNote")}</p>
          </div>
          <HoneypotAndConsent locale={locale} checked={v.consent === "on"} error={fields.consent} />
          <button type="submit" className="primary" disabled={busy}>
            <span className="for-visitor">{t("pub.submit")}</span>
            <span className="for-media">{t("pub.submitMedia")}</span>
          </button>
        </Form>
      )}
    </PublicShell>
  );
}
