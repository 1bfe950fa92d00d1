import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { CheckOutInput } from "~/api/schemas/kiosk";
import { kioskForActor } from "~/services/kiosk/context.server";
import { checkOut, kioskExitSettings } from "~/services/kiosk/exits.server";

// GET /api/v1/kiosk/checkouts: this kiosk's mode and who is inside now.
// POST /api/v1/kiosk/checkouts: an exit scan (events that count exits); same clientId, same exit.
const methods: Methods = {
  GET: async (ctx) => json(await kioskExitSettings(await kioskForActor(ctx.requireActor()))),
  POST: async (ctx) => {
    const kiosk = await kioskForActor(ctx.requireActor());
    return json(await checkOut(kiosk, await ctx.body(CheckOutInput, { badText: "clean" })));
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
