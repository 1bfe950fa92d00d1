import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { ReprintInput } from "~/api/schemas/print";
import { printJobForActor } from "~/services/kiosk/print-access.server";
import { reprint } from "~/services/print/move.server";

// POST /api/v1/print-jobs/{id}/reprint { reason, printerId? }: a new job for the same badge.
const methods: Methods = {
  POST: async (ctx) => {
    const { job, kiosk } = await printJobForActor(ctx.requireActor(), ctx.params.id ?? "");
    const input = await ctx.body(ReprintInput);
    return json(await reprint(job, { ...input, fallbackPrinterId: kiosk?.printer?.id ?? null }), 201);
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
