import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { LockInput } from "~/api/schemas/exhibitors";
import { lockExhibitor, loadExhibitor } from "~/services/exhibitors/cabinet.server";
import { serializeExhibitor } from "~/services/exhibitors/exhibitors.server";
import { requireManager } from "~/utils/permissions.server";

const methods: Methods = {
  POST: async (ctx) => {
    const actor = ctx.requireActor();
    requireManager(actor);
    const { reason } = await ctx.body(LockInput);
    await lockExhibitor(actor, ctx.params.id ?? "", reason);
    return json(await serializeExhibitor(await loadExhibitor(actor, ctx.params.id ?? "")));
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
