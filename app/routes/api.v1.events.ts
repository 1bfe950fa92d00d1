import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { EventCreate } from "~/api/schemas/events";
import { createEvent, listEvents, serializeEvent } from "~/services/events/events.server";

const methods: Methods = {
  GET: async (ctx) => json({ events: (await listEvents(ctx.requireActor())).map(serializeEvent) }),
  POST: async (ctx) => {
    const actor = ctx.requireActor();
    const input = await ctx.body(EventCreate);
    return json(serializeEvent(await createEvent(actor, input)), 201);
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
