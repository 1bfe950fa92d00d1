import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, json, type Methods } from "~/api/http.server";
import { kioskForActor } from "~/services/kiosk/context.server";
import { CursorError, syncRegistrations } from "~/services/kiosk/sync.server";
import { HttpError } from "~/utils/errors.server";

// GET /api/v1/kiosk/registrations?since=CURSOR&limit=N: delta sync of what this kiosk admits.
const methods: Methods = {
  GET: async (ctx) => {
    const kiosk = await kioskForActor(ctx.requireActor());
    const url = new URL(ctx.request.url);
    const since = url.searchParams.get("since");
    const limitText = url.searchParams.get("limit");
    const limit = limitText === null ? 1000 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000)
      throw new HttpError(422, "validation_failed", "Some fields are invalid.", { limit: "Must be an integer from 1 to 5000" });
    if (since !== null && since.length > 500)
      throw new HttpError(422, "validation_failed", "Some fields are invalid.", { since: "Not a cursor" });
    try {
      return json(await syncRegistrations(kiosk, since, limit));
    } catch (err) {
      if (err instanceof CursorError) throw new HttpError(400, "bad_cursor", "since is not a cursor this server gave out: sync from the start.", { since: err.message });
      throw err;
    }
  },
};

export const loader = (args: LoaderFunctionArgs) => handleApi(args, methods);
export const action = (args: ActionFunctionArgs) => handleApi(args, methods);
