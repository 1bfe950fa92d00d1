import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { EventPatch } from "~/api/schemas/events";
import { serializeEvent, updateEvent } from "~/services/events/events.server";
import { notFound } from "~/utils/errors.server";
import { isUuid } from "~/utils/ids";

const methods: Methods = {
  PATCH: async (ctx) => {
    const actor = ctx.requireActor();
    const id = ctx.params.id ?? "";
    if (!isUuid(id)) throw notFound("Event");
    const input = await ctx.body(EventPatch);
    return json(serializeEvent(await updateEvent(actor, id, input)));
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
