import type { LoaderFunctionArgs } from "@remix-run/node";
import { localeFromRequest, translate } from "~/i18n";
import { funnelRequest, funnelTables, loadFunnel } from "~/services/analytics/funnel-export.server";
import { badExportRequest, tablesDownload } from "~/services/attendance/export.server";

// GET /manage/events/:eventId/funnel/export?format=csv|xlsx&by=&category=&channel=&from=&to=
// (managers): the funnel page's tables as a download.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { event, url, q } = await funnelRequest(request, params);
  const locale = localeFromRequest(request);
  const format = url.searchParams.get("format");
  if (Object.keys(q.errors).length || (format !== "csv" && format !== "xlsx")) return badExportRequest(translate(locale, "fun.badFilter"));
  const { report } = await loadFunnel(event.id, q);
  const tables = funnelTables(locale, report);
  return tablesDownload(tables, locale, format, `funnel-${q.dim}.${format}`);
}
