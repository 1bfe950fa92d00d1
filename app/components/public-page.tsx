import type { MetaDescriptor } from "@remix-run/node";
import { useLocation } from "@remix-run/react";
import { Field } from "~/components/field";
import { translate, type Locale, type MessageKey } from "~/i18n";

// The frame shared by the public pages (registration, stand booking): no staff header, a
// language switch, the iframe height report, and the honeypot + consent block of their forms.

// Reports the page height to the organiser's page (to size the iframe); plain script, so it works
// even where the browser denies storage to third-party frames and the app cannot hydrate.
const HEIGHT_SCRIPT = `(function(){if(window.parent===window)return;function p(){window.parent.postMessage({type:"expodesk:height",height:document.documentElement.scrollHeight},"*")}addEventListener("load",p);if(window.ResizeObserver)new ResizeObserver(p).observe(document.documentElement);p()})()`;

const BASE_CSS =
  ".topbar{display:none} main{margin-top:.75rem} .public-page{max-width:640px;margin:0 auto} .public-page .hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden} .public-page .consent{font-weight:400;display:flex;gap:.5rem;align-items:flex-start}";

export function PublicShell({ locale, css = "", children }: { locale: Locale; css?: string; children: React.ReactNode }) {
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  params.set("lang", locale === "ru" ? "en" : "ru");
  return (
    <div className="public-page" lang={locale}>
      {/* The staff header is not for attendees; public pages stand alone (also inside an iframe). */}
      <style>{BASE_CSS + css}</style>
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

/** A public page's title: the event's name and the page's own, in the page's language. */
export const publicMeta =
  (titleKey: MessageKey) =>
  ({ data }: { data?: { event: { name: string }; locale: Locale } }): MetaDescriptor[] => [
    { title: data ? `${data.event.name} — ${translate(data.locale, titleKey)}` : "Expo Desk" },
  ];

/** The event title block at the top of a public page. */
export function EventHeader({ event }: { event: { name: string; dates: string; place: string } }) {
  return (
    <>
      <h1>{event.name}</h1>
      <p className="muted">
        {event.dates}
        <br />
        {event.place}
      </p>
    </>
  );
}

/** A hidden field for bots, then the consent checkbox with its error. */
export function HoneypotAndConsent({ locale, checked, error }: { locale: Locale; checked: boolean; error?: string }) {
  const t = (key: MessageKey) => translate(locale, key);
  return (
    <>
      <div className="hp" aria-hidden="true">
        <label>
          {t("pub.honeypot")} <input type="text" name="hp" tabIndex={-1} autoComplete="off" defaultValue="" />
        </label>
      </div>
      <label className="consent">
        <input type="checkbox" name="consent" defaultChecked={checked} aria-invalid={!!error} /> <span>{t("pub.consent")}</span>
      </label>
      {error && (
        <p className="field-error" data-testid="error-consent">
          {error}
        </p>
      )}
    </>
  );
}

/** Field renderer bound to a public form's last answer (errors and the values sent back). */
export function fieldsFor(
  locale: Locale,
  result: { fields: Record<string, string>; values: Record<string, string> } | undefined,
) {
  const fields = result?.fields ?? {};
  const v = result?.values ?? {};
  return (name: string, label: MessageKey, extra: { type?: string; required?: boolean; textarea?: boolean } = {}) => (
    <Field key={`${name}-${result ? "r" : ""}`} name={name} label={translate(locale, label)} error={fields[name]} defaultValue={v[name]} {...extra} />
  );
}

/** The top of a public form: its title, the form-level error, the page language and the source tags. */
export function PublicFormHead({
  locale,
  title,
  result,
  source,
}: {
  locale: Locale;
  title: MessageKey;
  result: { formError: string | null; values: Record<string, string> } | undefined;
  source: Array<[string, string]>;
}) {
  return (
    <>
      <h2 style={{ marginTop: 0 }}>{translate(locale, title)}</h2>
      <FormError message={result?.formError} />
      <input type="hidden" name="lang" value={locale} />
      <SourceFields fields={source} values={result?.values} />
    </>
  );
}

type FieldRenderer = ReturnType<typeof fieldsFor>;

/** The company block of a public form (the stand request needs the name). */
export function CompanyFields({ f, nameRequired }: { f: FieldRenderer; nameRequired: boolean }) {
  return (
    <div className="grid">
      {f("companyName", "company.name", nameRequired ? { required: true } : {})}
      {f("inn", "pub.innOptional")}
      {f("city", "company.city")}
      {f("country", "company.country")}
      {f("website", "company.website")}
    </div>
  );
}

/** The person block of a public form; the stand request asks for the position before the address. */
export function PersonFields({ f, positionFirst }: { f: FieldRenderer; positionFirst: boolean }) {
  const position = f("position", "staff.position");
  return (
    <div className="grid">
      {f("lastName", "staff.lastName", { required: true })}
      {f("firstName", "staff.firstName", { required: true })}
      {f("middleName", "staff.middleName")}
      {positionFirst && position}
      {f("email", "staff.email", { type: "email", required: true })}
      {f("phone", "staff.phone", { type: "tel" })}
      {!positionFirst && position}
    </div>
  );
}

/** The form-level error line of a public form. */
export function FormError({ message }: { message: string | null | undefined }) {
  return message ? (
    <p className="form-error" role="alert" data-testid="form-error">
      {message}
    </p>
  ) : null;
}

// In an iframe the embedding page is document.referrer (the page load's Referer header may be
// missing); plain script like the height report, so it works without hydration.
const REFERRER_SCRIPT = `(function(){try{if(window.parent===window)return;var s=document.currentScript,i=s&&s.parentNode.querySelector("input[name=referrer]"),r=document.referrer;if(i&&!i.value&&r&&r.indexOf(location.origin)!==0)i.value=r}catch(e){}})()`;

/** Hidden utm_* and referrer fields (issue #14): the loader's tags, or what the last post sent back. */
export function SourceFields({ fields, values }: { fields: Array<[string, string]>; values?: Record<string, string> }) {
  return (
    <div hidden data-testid="source-fields">
      {fields.map(([name, value]) => (
        <input key={name} type="hidden" name={name} defaultValue={values?.[name] ?? value} />
      ))}
      <script dangerouslySetInnerHTML={{ __html: REFERRER_SCRIPT }} />
    </div>
  );
}
