// Redirect targets that come from input (the login form's redirectTo, the language switch)
// go through here: only a path on this site is kept, anything else becomes the fallback.

const BASE = "http://expodesk.invalid";

/**
 * A same-origin path (`/manage?x=1#y`) or `fallback`. Parsed the way a browser parses a Location
 * header, so `//evil`, `/\evil`, `\/evil`, `https://evil`, tabs/newlines inside and `/.//evil`
 * (which normalises to `//evil`) are all refused.
 */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || to === "" || to.length > 2048) return fallback;
  // Browsers read "\" as "/" and drop tabs and newlines; control characters have no business here.
  if (!to.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = url.pathname + url.search + url.hash;
  return path.startsWith("/") && !path.startsWith("//") ? path : fallback;
}
