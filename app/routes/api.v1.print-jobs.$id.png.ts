import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, type Methods } from "~/api/http.server";
import { printJobForActor } from "~/services/kiosk/print-access.server";
import { printJobPng } from "~/services/print/browser.server";

// GET /api/v1/print-jobs/{id}/png: the badge as a 300 dpi PNG with its page size in mm
// (X-Page-Width-Mm, X-Page-Height-Mm). The kiosk prints it from an HTML frame: printing a PDF in
// an iframe crashed the page (issue #12). Fetching it marks a browser printer's job sent.
const methods: Methods = {
  GET: async (ctx) => {
    const { job, kiosk } = await printJobForActor(ctx.requireActor(), ctx.params.id ?? "");
    const { png, widthMm, heightMm } = await printJobPng(job, { byKiosk: kiosk !== null });
    return new Response(new Uint8Array(png), {
      headers: {
        "content-type": "image/png",
        "cache-control": "no-store",
        "x-page-width-mm": String(widthMm),
        "x-page-height-mm": String(heightMm),
        "access-control-expose-headers": "X-Page-Width-Mm, X-Page-Height-Mm",
      },
    });
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
