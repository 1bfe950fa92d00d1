import { redirect } from "@remix-run/node";
import { readSession, type AuthUser } from "./auth.server";

export type PageUser = AuthUser & { setCookie?: string };

export async function getUser(request: Request): Promise<PageUser | null> {
  const s = await readSession(request);
  return s ? { ...s.user, setCookie: s.setCookie } : null;
}

/** Sends anonymous visitors to the login page and back here afterwards. */
export async function requireUser(request: Request): Promise<PageUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}
