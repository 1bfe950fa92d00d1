import type { LoaderFunctionArgs } from "@remix-run/node";
import { bulkBadgesPdf, bulkFileName, bulkScope } from "~/services/print/bulk.server";
import { HttpError } from "~/utils/errors.server";
import { actorOf } from "~/utils/permissions.server";
import { requireUser } from "~/utils/session.server";
import { idParam } from "~/utils/ids";

// GET /manage/events/:eventId/badges/pdf[?exhibitorId=]: one streamed PDF of the badges.
// Managers: the event or any exhibitor; an exhibitor: only its own staff (404 for anything else).
// X-Badge-Count / X-Badge-Pages let the page show honest progress while the PDF arrives.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = actorOf(await requireUser(request));
  const exhibitorId = new URL(request.url).searchParams.get("exhibitorId") || null;
  try {
    const scope = await bulkScope(actor, idParam(params, "eventId"), exhibitorId);
    const { stream, badges, pages } = await bulkBadgesPdf(scope);
    return new Response(stream, {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${bulkFileName(scope)}"`,
        "cache-control": "no-store",
        "x-badge-count": String(badges),
        "x-badge-pages": String(pages),
      },
    });
  } catch (err) {
    if (err instanceof HttpError) throw new Response(err.message, { status: err.status });
    throw err;
  }
}
