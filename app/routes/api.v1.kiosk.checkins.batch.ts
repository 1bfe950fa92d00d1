import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { CheckInBatchInput } from "~/api/schemas/kiosk";
import { checkInBatch } from "~/services/kiosk/checkin.server";
import { kioskForActor } from "~/services/kiosk/context.server";

// POST /api/v1/kiosk/checkins/batch: the kiosk's offline queue, answered in order.
const methods: Methods = {
  POST: async (ctx) => {
    const kiosk = await kioskForActor(ctx.requireActor());
    const { items } = await ctx.body(CheckInBatchInput, { badText: "clean" });
    return json({ results: await checkInBatch(kiosk, items) });
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
