import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { StandBookingCreate } from "~/api/schemas";
import { Field } from "~/components/cabinet";
import { translate, type Locale, type MessageKey } from "~/i18n";
import { eventPlace, formatEventDates } from "~/services/mail/format";
import { echo, pageError, pageLocale, readLimitedForm, tFor, text, translateFields } from "~/services/registrations-forms.server";
import { createStandBooking } from "~/services/registrations-stand.server";
import { limitPublicSubmission, publicEvent } from "~/services/registrations.server";
import { HttpError } from "~/utils/errors.server";

// The public stand booking request page (RU/EN, embeddable like the registration page).

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.event.name} — ${translate(data.locale, "pub.standTitle")}` : "Expo Desk" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = pageLocale(request);
  const found = await publicEvent(params.eventId ?? "").catch(() => null);
  if (!found) throw new Response("Not found", { status: 404 });
  const { event, open } = found;
  return { locale, open, event: { id: event.id, name: event.name, dates: formatEventDates(locale, event), place: eventPlace(event) } };
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
  let locale = pageLocale(request);
  const fail = (r: { formError: string | null; fields: Record<string, string> }, values: Record<string, string> = {}): Result => ({
    ok: false,
    ...r,
    values,
    done: false,
    email: null,
  });
  let form: FormData;
  try {
    form = await readLimitedForm(request, 64 * 1024);
  } catch (err) {
    return fail(pageError(locale, err));
  }
  locale = pageLocale(request, form);
  const values = echo(form);
  try {
    await limitPublicSubmission(context.ip);
  } catch (err) {
    return fail(pageError(locale, err), values);
  }
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
    await createStandBooking(params.eventId ?? "", parsed.data, { source: "site", actor: null, ip: context.ip });
    return { ok: true, formError: null, fields: {}, values: {}, done: true, email: input.contact.email };
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) throw new Response("Not found", { status: 404 });
    return fail(pageError(locale, err), values);
  }
}

// Reports the page height to the organiser's page (to size the iframe); plain script, so it works
// even where the browser denies storage to third-party frames and the app cannot hydrate.
const HEIGHT_SCRIPT = `(function(){if(window.parent===window)return;function p(){window.parent.postMessage({type:"expodesk:height",height:document.documentElement.scrollHeight},"*")}addEventListener("load",p);if(window.ResizeObserver)new ResizeObserver(p).observe(document.documentElement);p()})()`;

function PublicShell({ locale, children }: { locale: Locale; children: React.ReactNode }) {
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  params.set("lang", locale === "ru" ? "en" : "ru");
  return (
    <div className="public-page" lang={locale}>
      <style>
        {
          ".topbar{display:none} main{margin-top:.75rem} .public-page{max-width:640px;margin:0 auto} .public-page .hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden} .public-page .consent{font-weight:400;display:flex;gap:.5rem;align-items:flex-start}"
        }
      </style>
      <p className="small" style={{ textAlign: "right", margin: 0 }}>
        <a href={`${location.pathname}?${params.toString()}`} data-testid="lang-switch">
          {translate(locale, "nav.language")}
        </a>
      </p>
      {children}
      <script dangerouslySetInnerHTML={{ __html: HEIGHT_SCRIPT }} />
    </div>
  );
}

export default function StandPage() {
  const { locale, open, event } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = (key: MessageKey, p?: Record<string, string | number>) => translate(locale, key, p);
  const fields = result?.fields ?? {};
  const v = result?.values ?? {};
  const f = (name: string, label: MessageKey, extra: { type?: string; required?: boolean; textarea?: boolean } = {}) => (
    <Field key={`${name}-${result ? "r" : ""}`} name={name} label={t(label)} error={fields[name]} defaultValue={v[name]} {...extra} />
  );
  return (
    <PublicShell locale={locale}>
      <h1>{event.name}</h1>
      <p className="muted">
        {event.dates}
        <br />
        {event.place}
      </p>
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
          {result?.formError && (
            <p className="form-error" role="alert" data-testid="form-error">
              {result.formError}
            </p>
          )}
          <input type="hidden" name="lang" value={locale} />
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
          <div className="hp" aria-hidden="true">
            <label>
              {t("pub.honeypot")} <input type="text" name="hp" tabIndex={-1} autoComplete="off" defaultValue="" />
            </label>
          </div>
          <label className="consent">
            <input type="checkbox" name="consent" defaultChecked={v.consent === "on"} aria-invalid={!!fields.consent} />{" "}
            <span>{t("pub.consent")}</span>
          </label>
          {fields.consent && (
            <p className="field-error" data-testid="error-consent">
              {fields.consent}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {t("pub.standSubmit")}
          </button>
        </Form>
      )}
    </PublicShell>
  );
}
