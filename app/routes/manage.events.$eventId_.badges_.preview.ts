import type { LoaderFunctionArgs } from "@remix-run/node";
import { renderPreview } from "~/services/print/preview.server";
import { requireManagerPage } from "~/utils/permissions.server";
import { idParam } from "~/utils/ids";

// GET /manage/events/:eventId/badges/preview?<the template form>: the badge as PNG, drawn by the
// real renderer (PDF -> pdftoppm, or ZPL -> zpl-renderer-js with format=zpl).
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireManagerPage(request);
  const q = Object.fromEntries(new URL(request.url).searchParams);
  const r = await renderPreview(idParam(params, "eventId"), q);
  if (!r) throw new Response("Not found", { status: 404 });
  return new Response(new Uint8Array(r.png), {
    status: r.invalid ? 422 : 200,
    headers: { "content-type": "image/png", "cache-control": "no-store", "x-badge-template": r.templateId },
  });
}
