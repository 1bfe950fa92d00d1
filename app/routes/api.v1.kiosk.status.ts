import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { kioskForActor } from "~/services/kiosk/context.server";
import { kioskStatus } from "~/services/kiosk/status.server";

// GET /api/v1/kiosk/status[?health=0]: arrived / expected today and the kiosk printer's health.
const methods: Methods = {
  GET: async (ctx) => {
    const kiosk = await kioskForActor(ctx.requireActor());
    const health = new URL(ctx.request.url).searchParams.get("health") !== "0";
    return json(await kioskStatus(kiosk, { health }));
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
