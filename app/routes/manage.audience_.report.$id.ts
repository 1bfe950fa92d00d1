import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireManagerPage } from "~/utils/permissions.server";
import { idParam } from "~/utils/ids";
import { importReport } from "~/services/audience/contact-import.server";

// The per-row report of one contact upload (issue #14 item 5), as CSV for Excel (BOM, CRLF).
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireManagerPage(request);
  const imp = await importReport(idParam(params, "id"));
  if (!imp) throw new Response("Not found", { status: 404 });
  const name = `contacts-report-${imp.createdAt.toISOString().slice(0, 10)}.csv`;
  return new Response(imp.report, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" },
  });
}
