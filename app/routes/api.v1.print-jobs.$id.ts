import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { printJobForActor } from "~/services/kiosk/print-access.server";

// GET /api/v1/print-jobs/{id}: a print job's status (managers; kiosks of the same event).
const methods: Methods = {
  GET: async (ctx) => {
    const { job } = await printJobForActor(ctx.requireActor(), ctx.params.id ?? "");
    return json(job.view);
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
