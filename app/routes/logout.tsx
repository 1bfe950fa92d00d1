import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { destroySession } from "~/utils/auth.server";

export async function action({ request }: ActionFunctionArgs) {
  throw redirect("/login", { headers: { "set-cookie": await destroySession(request) } });
}

export async function loader() {
  throw redirect("/");
}
