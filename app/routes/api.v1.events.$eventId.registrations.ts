import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { RegistrationCreate } from "~/api/schemas/registrations";
import { limitPublicSubmission, registerAttendee } from "~/services/registrations/registrations.server";
import { tokenName } from "~/utils/api-tokens.server";
import { isSiteToken, requireRole } from "~/utils/permissions.server";

// POST /api/v1/events/{eventId}/registrations (site or manager token).
const methods = (ip: string): Methods => ({
  POST: async (ctx) => {
    const actor = ctx.requireActor();
    requireRole(actor, ["manager", "site"]);
    const input = await ctx.body(RegistrationCreate);
    // Site tokens relay the public: limited per address (the form filler's, when the site passes it on).
    if (isSiteToken(actor)) await limitPublicSubmission(input.clientIp ?? ip);
    const result = await registerAttendee(ctx.params.eventId ?? "", input, { source: "api", actor, ip, sourceDetail: await tokenName(actor) });
    if (result.discarded) return json({ id: null, status: "discarded" }, 202);
    if (result.duplicate)
      return json({ id: result.id, status: result.status, duplicate: true, invitationResent: result.invitationResent }, 200);
    return json({ id: result.id, status: result.status }, 201);
  },
});

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods(args.context.ip));
export const action = (args: ActionFunctionArgs) => handleApi(args, methods(args.context.ip));
