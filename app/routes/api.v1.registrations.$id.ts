import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { getRegistration } from "~/services/registrations/registrations.server";

// GET /api/v1/registrations/{id} (manager).
const methods: Methods = {
  GET: async (ctx) => json(await getRegistration(ctx.requireActor(), ctx.params.id ?? "")),
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
