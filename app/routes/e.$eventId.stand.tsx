import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { StandBookingCreate } from "~/api/schemas/stand-bookings";
import { CompanyFields, EventHeader, fieldsFor, HoneypotAndConsent, PersonFields, PublicFormHead, publicMeta, PublicShell } from "~/components/public-page";
import { translate, type MessageKey } from "~/i18n";
import { hiddenFieldsOf, tagsOfPageRequest, tagsOfPost } from "~/services/registrations/source";
import { checkPublicForm, companyOf, personOf, readPublicForm, text } from "~/services/registrations/forms.server";
import { publicDone, publicFailure, publicPageError, type PublicResult } from "~/services/registrations/forms.server";
import { createStandBooking } from "~/services/registrations/stand.server";
import { publicPage } from "~/services/registrations/public-event.server";
import { limitPublicSubmission } from "~/services/registrations/registrations.server";
import { idParam } from "~/utils/ids";

// The public stand booking request page (RU/EN, embeddable like the registration page).

export const meta: MetaFunction<typeof loader> = publicMeta("pub.standTitle");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { locale, open, event } = await publicPage(request, params);
  return { locale, open, source: hiddenFieldsOf(tagsOfPageRequest(request)), event };
}

type Result = PublicResult<boolean>;

export async function action({ request, params, context }: ActionFunctionArgs): Promise<Result> {
  const fail = (r: { formError: string | null; fields: Record<string, string> }, values: Record<string, string>): Result => publicFailure(r, values, false);
  const read = await readPublicForm(request, context.ip, 64 * 1024, limitPublicSubmission);
  if (!read.ok) return fail(read.error, read.values);
  const { form, locale, values } = read;
  const area = text(form, "areaM2").replace(/\s/g, "").replace(",", ".");
  const input = {
    company: companyOf(form),
    contact: personOf(form),
    areaM2: area === "" ? Number.NaN : Number(area),
    comment: text(form, "comment") || null,
    locale,
    honeypot: text(form, "hp") || null,
  };
  const parsed = checkPublicForm(StandBookingCreate, input, form, locale);
  if (!parsed.ok) return fail(parsed.error, values);
  try {
    await createStandBooking(idParam(params, "eventId"), parsed.data, { source: "site", actor: null, ip: context.ip, tags: tagsOfPost(request, form) });
    return publicDone(true, input.contact.email);
  } catch (err) {
    return fail(publicPageError(locale, err), values);
  }
}

export default function StandPage() {
  const { locale, open, event, source } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = (key: MessageKey, p?: Record<string, string | number>) => translate(locale, key, p);
  const f = fieldsFor(locale, result);
  return (
    <PublicShell locale={locale}>
      <EventHeader event={event} />
      {result?.done ? (
        <div className="notice" role="status" data-testid="stand-done">
          {t("pub.standDone", { email: result.email ?? "" })}
        </div>
      ) : !open ? (
        <p className="banner" role="status">
          {t("pub.closed")}
        </p>
      ) : (
        <Form method="post" reloadDocument className="card" noValidate data-testid="stand-form">
          <PublicFormHead locale={locale} title="pub.standTitle" result={result} source={source} />
          <h3>{t("pub.company")}</h3>
          <CompanyFields f={f} nameRequired />
          <h3>{t("pub.contact")}</h3>
          <PersonFields f={f} positionFirst />
          <h3>{t("pub.stand")}</h3>
          <div className="grid">{f("areaM2", "manage.area", { required: true })}</div>
          {f("comment", "pub.comment", { textarea: true })}
          <HoneypotAndConsent locale={locale} checked={result?.values.consent === "on"} error={result?.fields.consent} />
          <button type="submit" className="primary" disabled={busy}>
            {t("pub.standSubmit")}
          </button>
        </Form>
      )}
    </PublicShell>
  );
}
