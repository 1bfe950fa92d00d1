import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { PrintResultInput } from "~/api/schemas/print";
import { printJobForActor } from "~/services/kiosk/print-access.server";
import { reportBrowserPrint } from "~/services/print/browser.server";

// POST /api/v1/print-jobs/{id}/result { status: printed | failed, error? }: the kiosk reports what
// its browser did with a badge of a browser printer (issue #12).
const methods: Methods = {
  POST: async (ctx) => {
    const { job } = await printJobForActor(ctx.requireActor(), ctx.params.id ?? "");
    const input = await ctx.body(PrintResultInput);
    return json(await reportBrowserPrint(job, input));
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
