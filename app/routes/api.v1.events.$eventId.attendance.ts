import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { attendance } from "~/services/kiosk/attendance.server";
import { HttpError, notFound } from "~/utils/errors.server";
import { canSeeEvent, requireManager } from "~/utils/permissions.server";
import { isUuid } from "~/utils/ids";

// GET /api/v1/events/{eventId}/attendance[?day=YYYY-MM-DD]: plan vs fact (managers).
const methods: Methods = {
  GET: async (ctx) => {
    const actor = ctx.requireActor();
    requireManager(actor);
    const eventId = ctx.params.eventId ?? "";
    if (!isUuid(eventId) || !canSeeEvent(actor, eventId))
      throw notFound("Event");
    const day = new URL(ctx.request.url).searchParams.get("day");
    // A real calendar date: Date.parse takes 2026-02-30 as 2 March, PostgreSQL refuses it.
    if (day !== null && (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day))
      throw new HttpError(422, "validation_failed", "Some fields are invalid.", { day: "Must be a date, YYYY-MM-DD" });
    const a = await attendance(eventId, day);
    if (!a) throw notFound("Event");
    return json(a);
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
