import type { LoaderFunctionArgs } from "@remix-run/node";
import { localeFromRequest, translate } from "~/i18n";
import { attendanceHub } from "~/services/attendance/live.server";
import { figures, eventInfo, parseDay } from "~/services/attendance/attendance.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";

// GET /manage/events/:eventId/attendance/stream?day=YYYY-MM-DD|all: server-sent events for the
// dashboard (managers): `figures` now and after every check-in, `status` of the LISTEN link,
// and comment heartbeats so proxies and the browser keep the connection open.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const ev = eventInfo(await requireEventParam(params, actor));
  const { day, valid } = parseDay(ev, new URL(request.url).searchParams.get("day"));
  if (!valid) return new Response(translate(localeFromRequest(request), "att.badDay"), { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  const stream = attendanceHub().stream(request.signal, ev.id, `${ev.id}|${day ?? "all"}`, () => figures(ev.id, day));
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
