import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { homePath } from "~/utils/permissions.server";
import { getUser } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  throw redirect(user ? homePath(user.role) : "/login");
}
