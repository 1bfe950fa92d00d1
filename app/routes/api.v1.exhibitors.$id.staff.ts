import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { StaffCreate } from "~/api/schemas/staff";
import { addStaff, listStaff, loadExhibitor, serializeStaff } from "~/services/exhibitors/cabinet.server";
import { staffPhone } from "~/services/exhibitors/staff-input.server";

const methods: Methods = {
  GET: async (ctx) => json({ staff: (await listStaff(ctx.requireActor(), ctx.params.id ?? "")).map(serializeStaff) }),
  POST: async (ctx) => {
    const actor = ctx.requireActor();
    await loadExhibitor(actor, ctx.params.id ?? "", "write");
    const input = await ctx.body(StaffCreate);
    const reg = await addStaff(actor, ctx.params.id ?? "", { ...input, phone: staffPhone(input.phone) });
    return json(serializeStaff(reg), 201);
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
