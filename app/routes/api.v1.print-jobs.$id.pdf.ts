import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, type Methods } from "~/api/http.server";
import { printJobForActor } from "~/services/checkin.server";
import { printJobPdf } from "~/services/print.server";

// GET /api/v1/print-jobs/{id}/pdf: the badge as PDF. Browser printers print this in the kiosk;
// fetching it marks such a job done.
const methods: Methods = {
  GET: async (ctx) => {
    const { job } = await printJobForActor(ctx.requireActor(), ctx.params.id ?? "");
    const pdf = await printJobPdf(job);
    return new Response(new Uint8Array(pdf), {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `inline; filename="badge-${job.registrationId}.pdf"`,
        "cache-control": "no-store",
      },
    });
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
