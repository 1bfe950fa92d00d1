import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { KioskPairInput } from "~/api/schemas/kiosk";
import { pairDevice } from "~/services/kiosk/devices.server";
import { revokeApiToken } from "~/utils/api-tokens.server";
import { forbidden } from "~/utils/errors.server";
import { isKioskToken } from "~/utils/permissions.server";

// POST /api/v1/kiosk/pair { code }: a device exchanges a one-time pairing code for its kiosk token.
// No bearer token: the code is the credential (limited per address).
// DELETE /api/v1/kiosk/pair: a device unpairs itself; its own token stops working.
const methods = (ip: string): Methods => ({
  POST: async (ctx) => {
    const { code } = await ctx.body(KioskPairInput);
    return json(await pairDevice(code, ip), 201);
  },
  DELETE: async (ctx) => {
    const actor = ctx.requireActor();
    if (!isKioskToken(actor)) throw forbidden();
    await revokeApiToken(actor.id);
    return new Response(null, { status: 204 });
  },
});

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods(args.context.ip));
export const action = (args: ActionFunctionArgs) => handleApi(args, methods(args.context.ip));
