import { forbidden, HttpError } from "~/utils/errors.server";
import { isUuid } from "~/utils/ids";
import { canSeeEvent, isKioskToken, isManager, type Actor } from "~/utils/permissions.server";
import { loadPrintJob, notFoundPrintJob } from "../print/jobs.server";
import { kioskForActor } from "./context.server";

// Who may see and reprint a print job: managers (of the event), and kiosks of the same event.

export async function printJobForActor(actor: Actor | null, id: string) {
  if (!actor) throw new HttpError(401, "unauthorized", "A valid bearer token is required.");
  const job = await loadPrintJob(id);
  if (!job) throw notFoundPrintJob();
  if (isManager(actor) && canSeeEvent(actor, job.eventId)) return { job, kiosk: null };
  if (isKioskToken(actor)) {
    const kiosk = await kioskForActor(actor);
    if (kiosk.eventId === job.eventId) return { job, kiosk };
  }
  throw notFoundPrintJob();
}

/** The event whose print jobs the caller may list: a manager names it, a kiosk has its own. */
export async function printJobsEventForActor(actor: Actor | null, eventId: string | null): Promise<string> {
  if (!actor) throw new HttpError(401, "unauthorized", "A valid bearer token is required.");
  if (isKioskToken(actor)) {
    const kiosk = await kioskForActor(actor);
    if (eventId && eventId !== kiosk.eventId) throw forbidden();
    return kiosk.eventId;
  }
  if (!isManager(actor)) throw forbidden();
  if (!eventId || !isUuid(eventId))
    throw new HttpError(422, "validation_failed", "Some fields are invalid.", { eventId: "Required: the event id" });
  if (!canSeeEvent(actor, eventId)) throw forbidden();
  return eventId;
}
