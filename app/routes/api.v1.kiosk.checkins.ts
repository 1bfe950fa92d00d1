import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { CheckInInput } from "~/api/schemas/kiosk";
import { checkIn } from "~/services/kiosk/checkin.server";
import { kioskForActor } from "~/services/kiosk/context.server";

// POST /api/v1/kiosk/checkins: one scan at a kiosk (kiosk token). Always 200 with a result.
const methods: Methods = {
  POST: async (ctx) => {
    const kiosk = await kioskForActor(ctx.requireActor());
    const input = await ctx.body(CheckInInput, { badText: "clean" });
    return json(await checkIn(kiosk, input));
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
