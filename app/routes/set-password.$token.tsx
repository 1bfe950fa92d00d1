import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { findPasswordToken, consumePasswordToken } from "~/utils/auth.server";
import { serverT } from "~/utils/i18n.server";

const MIN_LENGTH = 10;

export async function loader({ params }: LoaderFunctionArgs) {
  const row = await findPasswordToken(params.token ?? "");
  return { valid: !!row, email: row?.user.email ?? null };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { t } = serverT(request);
  const form = await request.formData();
  const password = String(form.get("password") ?? "");
  const confirm = String(form.get("confirm") ?? "");
  const fields: Record<string, string> = {};
  if (password.length < MIN_LENGTH) fields.password = t("field.passwordShort", { min: MIN_LENGTH });
  else if (password.length > 200) fields.password = t("field.tooLong", { max: 200 });
  else if (password !== confirm) fields.confirm = t("field.passwordMismatch");
  if (Object.keys(fields).length) return { fields, formError: null };
  const ok = await consumePasswordToken(params.token ?? "", password);
  if (!ok) return { fields, formError: t("setPassword.invalid") };
  throw redirect("/login?passwordSet=1");
}

export default function SetPassword() {
  const { valid, email } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  if (!valid) {
    return (
      <div className="narrow">
        <h1>{t("setPassword.title")}</h1>
        <p className="form-error" role="alert">
          {t("setPassword.invalid")}
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>{t("setPassword.title")}</h1>
      <Form method="post" className="card" noValidate>
        <p className="muted">{email}</p>
        {data?.formError && <p className="form-error" role="alert">{data.formError}</p>}
        <input type="email" name="username" autoComplete="username" defaultValue={email ?? ""} hidden readOnly />
        <label htmlFor="password">{t("setPassword.password")}</label>
        <input id="password" name="password" type="password" autoComplete="new-password" aria-invalid={!!data?.fields.password} />
        {data?.fields.password && <p className="field-error">{data.fields.password}</p>}
        <label htmlFor="confirm">{t("setPassword.confirm")}</label>
        <input id="confirm" name="confirm" type="password" autoComplete="new-password" aria-invalid={!!data?.fields.confirm} />
        {data?.fields.confirm && <p className="field-error">{data.fields.confirm}</p>}
        <button type="submit" className="primary">
          {t("setPassword.submit")}
        </button>
      </Form>
    </div>
  );
}
