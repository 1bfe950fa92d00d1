import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { isLocale } from "~/i18n";
import { safeRedirect } from "~/utils/redirect";

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const lang = form.get("lang");
  const target = safeRedirect(form.get("redirectTo"), "/");
  if (!isLocale(lang)) throw redirect(target);
  throw redirect(target, { headers: { "set-cookie": `lang=${lang}; Path=/; Max-Age=31536000; SameSite=Lax` } });
}

export async function loader() {
  throw redirect("/");
}
