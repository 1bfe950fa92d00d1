import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { openApiDocument } from "~/api/openapi.server";

const methods: Methods = {
  GET: async (ctx) => json(openApiDocument(new URL(ctx.request.url).origin)),
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
