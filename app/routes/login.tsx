import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { useT } from "~/i18n/react";
import type { MessageKey } from "~/i18n";
import { attemptLogin, createSessionCookie } from "~/utils/auth.server";
import { serverT } from "~/utils/i18n.server";
import { homePath } from "~/utils/permissions.server";
import { safeRedirect } from "~/utils/redirect";
import { getUser } from "~/utils/session.server";
import { badTextFields, cleanText } from "~/utils/ids";

export const meta: MetaFunction = () => [{ title: "Expo Desk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) throw redirect(homePath(user.role));
  return null;
}

const schema = z.object({
  email: z.string().trim().min(1, "field.required").email("field.email"),
  password: z.string().min(1, "field.required"),
  redirectTo: z.string().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const { t, locale } = serverT(request);
  const data = await request.formData();
  const form = Object.fromEntries(data);
  const bad = badTextFields(data);
  if (bad.length) return { fields: Object.fromEntries(bad.map((name) => [name, t("field.badChars")])) as Record<string, string>, formError: null, email: cleanText(String(form.email ?? "")) };
  const parsed = schema.safeParse(form);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= t(issue.message as MessageKey);
    return { fields, formError: null, email: String(form.email ?? "") };
  }
  const result = await attemptLogin(parsed.data.email, parsed.data.password, context.ip ?? "unknown");
  if (!result.ok) {
    let formError: string;
    if (result.reason === "locked") {
      const minutes = Math.max(1, Math.ceil((result.until.getTime() - Date.now()) / 60_000));
      const time = new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Moscow", timeZoneName: "short" }).format(result.until);
      formError = t("login.locked", { time, minutes });
    } else formError = t(result.reason === "inactive" ? "login.inactive" : "login.invalid");
    return { fields: {} as Record<string, string>, formError, email: parsed.data.email };
  }
  const cookie = await createSessionCookie(result.userId);
  throw redirect(safeRedirect(parsed.data.redirectTo, homePath(result.role)), { headers: { "set-cookie": cookie } });
}

export default function Login() {
  const data = useActionData<typeof action>();
  const t = useT();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const done = params.get("passwordSet") === "1";
  return (
    <div className="narrow">
      <h1>{t("login.title")}</h1>
      <Form method="post" className="card" noValidate>
        {done && <p className="notice">{t("setPassword.done")}</p>}
        {data?.formError && (
          <p className="form-error" role="alert" data-testid="form-error">
            {data.formError}
          </p>
        )}
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <label htmlFor="email">{t("login.email")}</label>
        <input id="email" name="email" type="email" autoComplete="username" autoFocus defaultValue={data?.email} aria-invalid={!!data?.fields.email} aria-describedby="email-error" />
        {data?.fields.email && (
          <p className="field-error" id="email-error">
            {data.fields.email}
          </p>
        )}
        <label htmlFor="password">{t("login.password")}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" aria-invalid={!!data?.fields.password} aria-describedby="password-error" />
        {data?.fields.password && (
          <p className="field-error" id="password-error">
            {data.fields.password}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t("login.submit")}
        </button>
      </Form>
    </div>
  );
}
