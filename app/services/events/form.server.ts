import { timeZone } from "~/api/schemas/common";
import { EventCreate } from "~/api/schemas/events";
import { fieldsFromZod } from "~/api/http.server";
import { HttpError } from "~/utils/errors.server";
import { formString, optional } from "~/utils/forms.server";
import { zonedToUtc } from "~/utils/time";

/** The event form: dates are wall-clock times in the event's own time zone. */
export function eventFromForm(form: FormData) {
  const timezone = formString(form, "timezone")?.trim() || "Europe/Moscow";
  // An unknown zone is reported on its own field; the dates are read as UTC meanwhile.
  const zone = timeZone.safeParse(timezone).success ? timezone : "UTC";
  const at = (name: string) => {
    const raw = optional(form, name);
    if (!raw) return undefined;
    return zonedToUtc(raw, zone)?.toISOString() ?? raw;
  };
  const parsed = EventCreate.safeParse({
    name: formString(form, "name") ?? "",
    venue: formString(form, "venue") ?? "",
    address: optional(form, "address"),
    timezone,
    startsAt: at("startsAt") ?? "",
    endsAt: at("endsAt") ?? "",
    editDeadline: at("editDeadline") ?? null,
    doorsOpen: optional(form, "doorsOpen"),
    doorsClose: optional(form, "doorsClose"),
    format: optional(form, "format"),
  });
  if (!parsed.success) throw new HttpError(422, "validation_failed", "Some fields are invalid.", fieldsFromZod(parsed.error));
  return parsed.data;
}
