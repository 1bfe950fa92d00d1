import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { WalkInInput } from "~/api/schemas/kiosk";
import { kioskForActor } from "~/services/kiosk/context.server";
import { walkIn } from "~/services/kiosk/walk-in.server";

// POST /api/v1/kiosk/walk-ins: register a walk-in, check them in and print, like a scan.
const methods = (ip: string): Methods => ({
  POST: async (ctx) => {
    const actor = ctx.requireActor();
    const kiosk = await kioskForActor(actor);
    const input = await ctx.body(WalkInInput);
    return json(await walkIn(kiosk, actor, input, ip));
  },
});

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods(args.context.ip));
export const action = (args: ActionFunctionArgs) => handleApi(args, methods(args.context.ip));
