import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { ExhibitorCreate } from "~/api/schemas/exhibitors";
import { createExhibitor, serializeExhibitor } from "~/services/exhibitors/exhibitors.server";

const methods: Methods = {
  POST: async (ctx) => {
    const actor = ctx.requireActor();
    const input = await ctx.body(ExhibitorCreate);
    const ex = await createExhibitor(actor, ctx.params.eventId ?? "", input);
    return json(await serializeExhibitor(ex), 201);
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
