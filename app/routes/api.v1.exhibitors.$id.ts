import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { ExhibitorPatch } from "~/api/schemas/exhibitors";
import { loadExhibitor } from "~/services/exhibitors/cabinet.server";
import { serializeExhibitor, updateExhibitor } from "~/services/exhibitors/exhibitors.server";

const methods: Methods = {
  GET: async (ctx) => json(await serializeExhibitor(await loadExhibitor(ctx.requireActor(), ctx.params.id ?? ""))),
  PATCH: async (ctx) => {
    const actor = ctx.requireActor();
    await loadExhibitor(actor, ctx.params.id ?? "", "write");
    const input = await ctx.body(ExhibitorPatch);
    return json(await updateExhibitor(actor, ctx.params.id ?? "", input));
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
