import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { approveRegistration } from "~/services/registrations/registrations.server";

// POST /api/v1/registrations/{id}/approve (manager): pending media -> confirmed + invitation.
const methods = (ip: string): Methods => ({
  POST: async (ctx) => json(await approveRegistration(ctx.requireActor(), ctx.params.id ?? "", ip)),
});

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods(args.context.ip));
export const action = (args: ActionFunctionArgs) => handleApi(args, methods(args.context.ip));
