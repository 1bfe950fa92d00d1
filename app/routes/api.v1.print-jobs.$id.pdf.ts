import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, type Methods } from "~/api/http.server";
import { printJobForActor } from "~/services/kiosk/print-access.server";
import { printJobPdf } from "~/services/print/browser.server";

// GET /api/v1/print-jobs/{id}/pdf: the badge as PDF (the kiosk prints the PNG: see .../png);
// fetching it with a kiosk token marks such a queued job sent (the kiosk reports printed later).
const methods: Methods = {
  GET: async (ctx) => {
    const { job, kiosk } = await printJobForActor(ctx.requireActor(), ctx.params.id ?? "");
    const pdf = await printJobPdf(job, { byKiosk: kiosk !== null });
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
