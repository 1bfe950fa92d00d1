import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { StandBookingCreate } from "~/api/schemas/stand-bookings";
import { EventHeader, fieldsFor, FormError, HoneypotAndConsent, PublicShell, SourceFields } from "~/components/public-page";
import { translate, type MessageKey } from "~/i18n";
import { eventPlace, formatEventDates } from "~/services/mail/format";
import { hiddenFieldsOf, tagsOfPageRequest, tagsOfPost } from "~/services/registrations/source";
import { pageError, pageLocale, readPublicForm, tFor, text, translateFields } from "~/services/registrations/forms.server";
import { createStandBooking } from "~/services/registrations/stand.server";
import { limitPublicSubmission, publicEvent } from "~/services/registrations/registrations.server";
import { HttpError } from "~/utils/errors.server";
import { idParam } from "~/utils/ids";

// The public stand booking request page (RU/EN, embeddable like the registration page).

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.event.name} — ${translate(data.locale, "pub.standTitle")}` : "Expo Desk" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = pageLocale(request);
  const found = await publicEvent(idParam(params, "eventId")).catch(() => null);
  if (!found) throw new Response("Not found", { status: 404 });
  const { event, open } = found;
  return { locale, open, source: hiddenFieldsOf(tagsOfPageRequest(request)), event: { id: event.id, name: event.name, dates: formatEventDates(locale, event), place: eventPlace(event) } };
}

type Result = {
  ok: boolean;
  formError: string | null;
  fields: Record<string, string>;
  values: Record<string, string>;
  done: boolean;
  email: string | null;
};

export async function action({ request, params, context }: ActionFunctionArgs): Promise<Result> {
  const fail = (r: { formError: string | null; fields: Record<string, string> }, values: Record<string, string> = {}): Result => ({
    ok: false,
    ...r,
    values,
    done: false,
    email: null,
  });
  const read = await readPublicForm(request, context.ip, 64 * 1024, limitPublicSubmission);
  if (!read.ok) return fail(read.error, read.values);
  const { form, locale, values } = read;
  const area = text(form, "areaM2").replace(/\s/g, "").replace(",", ".");
  const input = {
    company: {
      name: text(form, "companyName"),
      inn: text(form, "inn") || null,
      city: text(form, "city") || null,
      country: text(form, "country") || null,
      website: text(form, "website") || null,
    },
    contact: {
      lastName: text(form, "lastName"),
      firstName: text(form, "firstName"),
      middleName: text(form, "middleName") || null,
      email: text(form, "email"),
      phone: text(form, "phone") || null,
      position: text(form, "position") || null,
    },
    areaM2: area === "" ? Number.NaN : Number(area),
    comment: text(form, "comment") || null,
    locale,
    honeypot: text(form, "hp") || null,
  };
  const parsed = StandBookingCreate.safeParse(input);
  const fields = parsed.success
    ? {}
    : translateFields(locale, Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])));
  if (!input.honeypot && form.get("consent") !== "on") fields.consent = tFor(locale)("pub.consentRequired");
  if (!parsed.success || Object.keys(fields).length) return fail({ formError: tFor(locale)("pub.fixFields"), fields }, values);
  try {
    await createStandBooking(idParam(params, "eventId"), parsed.data, { source: "site", actor: null, ip: context.ip, tags: tagsOfPost(request, form) });
    return { ok: true, formError: null, fields: {}, values: {}, done: true, email: input.contact.email };
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) throw new Response("Not found", { status: 404 });
    return fail(pageError(locale, err), values);
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
          <h2 style={{ marginTop: 0 }}>{t("pub.standTitle")}</h2>
          <FormError message={result?.formError} />
          <input type="hidden" name="lang" value={locale} />
          <SourceFields fields={source} values={result?.values} />
          <h3>{t("pub.company")}</h3>
          <div className="grid">
            {f("companyName", "company.name", { required: true })}
            {f("inn", "pub.innOptional")}
            {f("city", "company.city")}
            {f("country", "company.country")}
            {f("website", "company.website")}
          </div>
          <h3>{t("pub.contact")}</h3>
          <div className="grid">
            {f("lastName", "staff.lastName", { required: true })}
            {f("firstName", "staff.firstName", { required: true })}
            {f("middleName", "staff.middleName")}
            {f("position", "staff.position")}
            {f("email", "staff.email", { type: "email", required: true })}
            {f("phone", "staff.phone", { type: "tel" })}
          </div>
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
