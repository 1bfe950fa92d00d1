import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { healthStatus } from "~/utils/health.server";

const methods: Methods = {
  GET: async () => {
    const health = await healthStatus();
    return json(health, health.status === "ok" ? 200 : 503);
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
