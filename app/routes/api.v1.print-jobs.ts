import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { printJobsEventForActor } from "~/services/kiosk/print-access.server";
import { listPrintJobs, type PrintJobStatus } from "~/services/print/jobs.server";
import { HttpError } from "~/utils/errors.server";
import { isUuid } from "~/utils/ids";

// GET /api/v1/print-jobs?eventId=&printerId=&status=&limit=: the queue, newest first.
const STATUSES = ["queued", "printing", "sent", "done", "failed"];

const methods: Methods = {
  GET: async (ctx) => {
    const q = new URL(ctx.request.url).searchParams;
    const eventId = await printJobsEventForActor(ctx.requireActor(), q.get("eventId"));
    const printerId = q.get("printerId");
    const status = q.get("status");
    const limit = Number(q.get("limit") ?? "100");
    const fields: Record<string, string> = {};
    if (printerId !== null && !isUuid(printerId)) fields.printerId = "Must be a printer id";
    if (status !== null && !STATUSES.includes(status)) fields.status = `One of ${STATUSES.join(", ")}`;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) fields.limit = "Must be an integer from 1 to 500";
    if (Object.keys(fields).length) throw new HttpError(422, "validation_failed", "Some fields are invalid.", fields);
    return json({
      printJobs: await listPrintJobs({
        eventId,
        printerId: printerId ?? undefined,
        status: (status ?? undefined) as PrintJobStatus | undefined,
        limit,
      }),
    });
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
