import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { StandBookingCreate } from "~/api/schemas/stand-bookings";
import { createStandBooking, listStandBookings } from "~/services/registrations/stand.server";
import { limitPublicSubmission } from "~/services/registrations/registrations.server";
import { isSiteToken, requireRole } from "~/utils/permissions.server";

// POST /api/v1/events/{eventId}/stand-bookings (site or manager token); GET lists them (manager).
const methods = (ip: string): Methods => ({
  GET: async (ctx) => json({ standBookings: await listStandBookings(ctx.requireActor(), ctx.params.eventId ?? "") }),
  POST: async (ctx) => {
    const actor = ctx.requireActor();
    requireRole(actor, ["manager", "site"]);
    const input = await ctx.body(StandBookingCreate);
    if (isSiteToken(actor)) await limitPublicSubmission(input.clientIp ?? ip);
    const result = await createStandBooking(ctx.params.eventId ?? "", input, { source: "api", actor, ip });
    if (result.discarded) return json({ id: null, status: "discarded" }, 202);
    return json({ id: result.id, status: result.status }, 201);
  },
});

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods(args.context.ip));
export const action = (args: ActionFunctionArgs) => handleApi(args, methods(args.context.ip));
