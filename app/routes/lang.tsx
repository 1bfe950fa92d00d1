import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { isLocale } from "~/i18n";

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const lang = form.get("lang");
  const to = String(form.get("redirectTo") ?? "/");
  const target = to.startsWith("/") && !to.startsWith("//") ? to : "/";
  if (!isLocale(lang)) throw redirect(target);
  throw redirect(target, { headers: { "set-cookie": `lang=${lang}; Path=/; Max-Age=31536000; SameSite=Lax` } });
}

export async function loader() {
  throw redirect("/");
}
