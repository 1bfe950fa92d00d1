import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { StaffPatch } from "~/api/schemas/staff";
import { loadExhibitor, removeStaff, serializeStaff, updateStaff } from "~/services/exhibitors/cabinet.server";
import { staffPhone } from "~/services/exhibitors/staff-input.server";

const methods: Methods = {
  PATCH: async (ctx) => {
    const actor = ctx.requireActor();
    await loadExhibitor(actor, ctx.params.id ?? "", "write");
    const input = await ctx.body(StaffPatch);
    const reg = await updateStaff(actor, ctx.params.id ?? "", ctx.params.staffId ?? "", { ...input, ...(input.phone !== undefined && { phone: staffPhone(input.phone) }) });
    return json(serializeStaff(reg));
  },
  DELETE: async (ctx) => {
    await removeStaff(ctx.requireActor(), ctx.params.id ?? "", ctx.params.staffId ?? "");
    return new Response(null, { status: 204 });
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
