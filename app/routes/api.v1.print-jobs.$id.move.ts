import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { MovePrintJobInput } from "~/api/schemas/print";
import { printJobForActor } from "~/services/kiosk/print-access.server";
import { movePrintJob } from "~/services/print/move.server";

// POST /api/v1/print-jobs/{id}/move { printerId }: a queued or failed job starts over on another printer.
const methods: Methods = {
  POST: async (ctx) => {
    const { job } = await printJobForActor(ctx.requireActor(), ctx.params.id ?? "");
    const input = await ctx.body(MovePrintJobInput);
    return json(await movePrintJob(job, input.printerId));
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
