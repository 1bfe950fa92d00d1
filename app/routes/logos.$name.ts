import type { LoaderFunctionArgs } from "@remix-run/node";
import { readLogo } from "~/services/exhibitors/logo.server";

// Logos are public (they go into the catalogue). The CSP sandbox keeps an SVG from running
// script even when opened directly; nosniff keeps browsers to the declared type.
export async function loader({ params }: LoaderFunctionArgs) {
  const logo = await readLogo(params.name ?? "");
  if (!logo) return new Response("Not found", { status: 404 });
  return new Response(new Uint8Array(logo.data), {
    headers: {
      "content-type": logo.type,
      "content-security-policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=86400, immutable",
    },
  });
}
