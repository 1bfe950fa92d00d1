import type { LoaderFunctionArgs } from "@remix-run/node";
import { localeFromRequest, translate } from "~/i18n";
import { badExportRequest, figureTables, noShowTable, tablesDownload } from "~/services/attendance/export.server";
import { figures, eventInfo, noShows, parseDay } from "~/services/attendance/attendance.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";

// GET /manage/events/:eventId/attendance/export?what=figures|noshows&format=csv|xlsx&day=&q=
// (managers): the dashboard's figures, or every no-show matching the search, as a download.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const locale = localeFromRequest(request);
  const ev = eventInfo(await requireEventParam(params, actor));
  const url = new URL(request.url);
  const { day, valid } = parseDay(ev, url.searchParams.get("day"));
  const what = url.searchParams.get("what");
  const format = url.searchParams.get("format");
  if (!valid || (what !== "figures" && what !== "noshows") || (format !== "csv" && format !== "xlsx"))
    return badExportRequest(translate(locale, valid ? "att.badExport" : "att.badDay"));
  const tables =
    what === "figures"
      ? figureTables(locale, (await figures(ev.id, day))!)
      : [noShowTable(locale, (await noShows(ev.id, day, { q: url.searchParams.get("q") ?? "", pageSize: null })).rows)];
  const name = `${what === "figures" ? "attendance" : "no-shows"}-${day ?? "all-days"}.${format}`;
  return tablesDownload(tables, locale, format, name);
}
