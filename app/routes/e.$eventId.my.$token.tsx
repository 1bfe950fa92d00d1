import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { isLocale, translate, type Locale, type MessageKey } from "~/i18n";
import { Field } from "~/components/field";
import { ticketCode } from "~/services/codes.server";
import { eventPlace, formatEventDates, fullName } from "~/services/mail/format";
import { ticketQrPng } from "~/services/mail/templates.server";
import { pageError, readLimitedForm, text } from "~/services/registrations/forms.server";
import { cancelByToken, registrationByToken, updatePhoneByToken } from "~/services/registrations/registrations.server";
import { HttpError } from "~/utils/errors.server";
import { EventHeader } from "~/components/public-page";
import { idParam } from "~/utils/ids";

// The attendee's own page, reached by the private link in the invitation: ticket and QR,
// calendar file, phone, cancellation. The link is the only credential, so the page is never
// cached, indexed or sent on as a Referer.

export const headers: HeadersFunction = () => ({
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "private, no-store",
  "X-Robots-Tag": "noindex, nofollow",
});
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.event ? data.event.name : "Expo Desk" },
  { name: "robots", content: "noindex, nofollow" },
];

function localeOf(request: Request, personLocale: string | undefined): Locale {
  const fromUrl = new URL(request.url).searchParams.get("lang");
  if (isLocale(fromUrl)) return fromUrl;
  return personLocale === "en" ? "en" : "ru";
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const reg = await registrationByToken(idParam(params, "eventId"), params.token ?? "");
  if (!reg) return { locale: localeOf(request, undefined), invalid: true as const, event: null, ticket: null };
  const locale = localeOf(request, reg.person.locale);
  const code = reg.status === "confirmed" ? await ticketCode(reg) : null;
  return {
    locale,
    invalid: false as const,
    event: { name: reg.event.name, dates: formatEventDates(locale, reg.event), place: eventPlace(reg.event) },
    ticket: {
      status: reg.status,
      name: fullName(locale, reg.person),
      email: reg.person.email,
      phone: reg.person.phone,
      category: reg.category,
      rejectionReason: reg.rejectionReason,
      code,
      qr: code ? `data:image/png;base64,${(await ticketQrPng(code)).toString("base64")}` : null,
    },
  };
}

type Result = { ok: boolean; intent: string; formError: string | null; fields: Record<string, string>; notice: string | null };

export async function action({ request, params, context }: ActionFunctionArgs): Promise<Result> {
  const reg = await registrationByToken(idParam(params, "eventId"), params.token ?? "");
  if (!reg) throw new Response("Not found", { status: 404 });
  const locale = localeOf(request, reg.person.locale);
  const t = (key: MessageKey) => translate(locale, key);
  let form: FormData;
  try {
    form = await readLimitedForm(request, 16 * 1024);
  } catch (err) {
    return { intent: "", ...pageError(locale, err) };
  }
  const intent = text(form, "intent");
  try {
    if (intent === "phone") {
      const phone = await updatePhoneByToken(reg.eventId, params.token ?? "", text(form, "phone"), context.ip);
      return { ok: true, intent, formError: null, fields: {}, notice: phone ? t("my.phoneSaved") : t("my.phoneRemoved") };
    }
    if (intent === "cancel") {
      await cancelByToken(reg.eventId, params.token ?? "", context.ip);
      return { ok: true, intent, formError: null, fields: {}, notice: t("my.cancelled") };
    }
    return { ok: false, intent, formError: t("field.invalid"), fields: {}, notice: null };
  } catch (err) {
    const r = pageError(locale, err);
    const formError = err instanceof HttpError && err.code === "invalid_state" ? t("my.notActive") : r.formError;
    return { ...r, formError, intent, fields: r.fields.phone ? { phone: t("field.phone") } : r.fields };
  }
}

const STATUS_KEYS: Record<string, MessageKey> = {
  confirmed: "my.statusConfirmed",
  pending_approval: "my.statusPending",
  rejected: "my.statusRejected",
  cancelled: "my.statusCancelled",
};

export default function MyTicket() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const location = useLocation();
  const busy = useNavigation().state !== "idle";
  const locale = loaded.locale;
  const t = (key: MessageKey, p?: Record<string, string | number>) => translate(locale, key, p);
  const other = locale === "ru" ? "en" : "ru";
  const shell = (children: React.ReactNode) => (
    <div className="public-page" lang={locale}>
      <style>
        {
          ".topbar{display:none} main{margin-top:.75rem} .public-page{max-width:640px;margin:0 auto} .qr{display:block;width:260px;max-width:100%;height:auto;margin:0 auto;image-rendering:pixelated} .code{font-family:monospace;font-size:.75rem;word-break:break-all;color:var(--muted);text-align:center}"
        }
      </style>
      <p className="small" style={{ textAlign: "right", margin: 0 }}>
        <a href={`${location.pathname}?lang=${other}`} data-testid="lang-switch">
          {t("nav.language")}
        </a>
      </p>
      {children}
    </div>
  );
  if (loaded.invalid || !loaded.ticket || !loaded.event) {
    return shell(
      <>
        <h1>{t("my.title")}</h1>
        <p className="form-error" role="alert" data-testid="invalid-link">
          {t("my.invalid")}
        </p>
      </>,
    );
  }
  const { event, ticket } = loaded;
  const active = ticket.status === "confirmed" || ticket.status === "pending_approval";
  const asking = new URLSearchParams(location.search).get("cancel") === "1" && active;
  const phoneError = result?.intent === "phone" ? result.fields.phone : undefined;
  return shell(
    <>
      <EventHeader event={event} />
      {result?.notice && (
        <p className="notice" role="status" data-testid="notice">
          {result.notice}
        </p>
      )}
      {result?.formError && !phoneError && (
        <p className="form-error" role="alert" data-testid="form-error">
          {result.formError}
        </p>
      )}
      <section className="card" data-testid="ticket">
        <h2 style={{ marginTop: 0 }}>{ticket.name}</h2>
        <p>
          <span className={ticket.status === "confirmed" ? "badge" : "badge locked"} data-testid="status">
            {t(STATUS_KEYS[ticket.status] ?? "my.statusCancelled")}
          </span>
        </p>
        {ticket.status === "rejected" && ticket.rejectionReason && (
          <p className="muted">{t("my.reason", { reason: ticket.rejectionReason })}</p>
        )}
        {ticket.qr && ticket.code && (
          <>
            <img className="qr" src={ticket.qr} alt={t("my.qrAlt")} width={260} height={260} data-testid="qr" />
            <p className="small muted" style={{ textAlign: "center" }}>
              {t("my.qrHint")}
            </p>
            <p className="code">{ticket.code}</p>
            <p style={{ textAlign: "center" }}>
              <a href={`${location.pathname}/calendar`} download="invitation.ics" data-testid="ics">
                {t("my.addToCalendar")}
              </a>
            </p>
          </>
        )}
      </section>
      {active && (
        <>
          <section className="card">
            <h2 style={{ marginTop: 0 }}>{t("my.phoneTitle")}</h2>
            <p className="small muted">{t("my.phoneHint")}</p>
            <Form method="post" noValidate data-testid="phone-form">
              <input type="hidden" name="intent" value="phone" />
              <Field
                key={ticket.phone ?? ""}
                name="phone"
                label={t("staff.phone")}
                type="tel"
                defaultValue={ticket.phone}
                error={phoneError}
              />
              <button type="submit" className="primary" disabled={busy}>
                {t("common.save")}
              </button>
            </Form>
          </section>
          <section className="card">
            {asking ? (
              <Form method="post" data-testid="cancel-confirm">
                <input type="hidden" name="intent" value="cancel" />
                <p>
                  <strong>{t("my.cancelQuestion")}</strong>
                </p>
                <p className="small muted">{t("my.cancelWarning")}</p>
                <div className="row">
                  <button type="submit" className="primary" style={{ background: "var(--bad)" }} disabled={busy}>
                    {t("my.cancelYes")}
                  </button>
                  <Link to={`?lang=${locale}`} replace>
                    {t("my.cancelNo")}
                  </Link>
                </div>
              </Form>
            ) : (
              <Link to={`?cancel=1&lang=${locale}`} className="danger" data-testid="cancel-link">
                {t("my.cancel")}
              </Link>
            )}
          </section>
        </>
      )}
    </>,
  );
}
