import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { RejectInput } from "~/api/schemas/registrations";
import { rejectRegistration } from "~/services/registrations/registrations.server";
import { requireManager } from "~/utils/permissions.server";

// POST /api/v1/registrations/{id}/reject { reason } (manager): pending media -> rejected + a polite email.
const methods = (ip: string): Methods => ({
  POST: async (ctx) => {
    const actor = ctx.requireActor();
    requireManager(actor);
    const input = await ctx.body(RejectInput);
    return json(await rejectRegistration(actor, ctx.params.id ?? "", input.reason, ip));
  },
});

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods(args.context.ip));
export const action = (args: ActionFunctionArgs) => handleApi(args, methods(args.context.ip));
