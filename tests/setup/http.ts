// HTTP helpers shared by the tests that drive the real server.

/** Logs in through the real login form; returns the session cookie ("name=value"). */
export async function sessionCookie(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(baseUrl + "/login", {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: baseUrl },
    body: new URLSearchParams({ email, password }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => !c.startsWith("lang="));
  if (!session) throw new Error(`login failed: ${res.status}`);
  return session;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of many shapes
export type JsonCall = <T = any>(
  path: string,
  method?: string,
  token?: string,
  body?: unknown,
) => Promise<{ status: number; body: T; headers: Headers; raw: Buffer }>;

/** JSON calls to the API with an optional bearer token; the raw bytes too (PDFs, CSV). */
export function jsonCaller(baseUrl: string): JsonCall {
  return async (path, method = "GET", token, body) => {
    const r = await fetch(baseUrl + path, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const raw = Buffer.from(await r.arrayBuffer());
    const type = r.headers.get("content-type") ?? "";
    return {
      status: r.status,
      body: type.includes("json") && raw.length ? JSON.parse(raw.toString("utf8")) : (null as never),
      headers: r.headers,
      raw,
    };
  };
}

/** Posts a page form as a browser without JavaScript would (same origin, the given cookie header); returns the HTML. */
export async function postPageForm(
  baseUrl: string,
  path: string,
  cookie: string,
  fields: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const res = await fetch(baseUrl + path, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: baseUrl, cookie },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, text: await res.text() };
}

/** A page as its HTML, without following redirects. */
export async function getPageText(baseUrl: string, path: string, cookie: string): Promise<{ status: number; text: string }> {
  const res = await fetch(baseUrl + path, { redirect: "manual", headers: { cookie } });
  return { status: res.status, text: await res.text() };
}
