import type { LoaderFunctionArgs } from "@remix-run/node";
import { localeFromRequest, translate } from "~/i18n";
import { funnelTables, loadFunnel, parseFunnelQuery } from "~/services/analytics/funnel-export.server";
import { toCsv, toXlsx } from "~/services/attendance/export.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";

// GET /manage/events/:eventId/funnel/export?format=csv|xlsx&by=&category=&channel=&from=&to=
// (managers): the funnel page's tables as a download.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const locale = localeFromRequest(request);
  const event = await requireEventParam(params, actor);
  const url = new URL(request.url);
  const q = parseFunnelQuery(url);
  const format = url.searchParams.get("format");
  if (Object.keys(q.errors).length || (format !== "csv" && format !== "xlsx"))
    return new Response(translate(locale, "fun.badFilter"), { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  const { report } = await loadFunnel(event.id, q);
  const tables = funnelTables(locale, report);
  const body = format === "csv" ? toCsv(tables, locale) : new Uint8Array(await toXlsx(tables));
  return new Response(body, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="funnel-${q.dim}.${format}"`,
      "cache-control": "no-store",
    },
  });
}
