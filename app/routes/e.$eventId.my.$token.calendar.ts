import type { LoaderFunctionArgs } from "@remix-run/node";
import { eventPlace } from "~/services/mail/format";
import { buildIcs, ICS_CONTENT_TYPE } from "~/services/mail/ics";
import { manageUrl, registrationByToken } from "~/services/registrations/registrations.server";
import { idParam } from "~/utils/ids";

// The attendee's calendar file (.ics), the same entry (UID) as the one attached to the invitation.
export async function loader({ params }: LoaderFunctionArgs) {
  const reg = await registrationByToken(idParam(params, "eventId"), params.token ?? "");
  if (!reg || reg.status !== "confirmed")
    return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  const link = manageUrl(reg);
  const ics = buildIcs({
    uid: `${reg.id}@expodesk@expo-desk`,
    startsAt: reg.event.startsAt,
    endsAt: reg.event.endsAt,
    summary: reg.event.name,
    location: eventPlace(reg.event),
    description:
      reg.person.locale === "en"
        ? `Show the QR code from your invitation email at the entrance.\n${link}`
        : `Покажите QR-код из письма-приглашения на входе.\n${link}`,
    url: link,
  });
  return new Response(ics, {
    headers: {
      "content-type": ICS_CONTENT_TYPE,
      "content-disposition": 'attachment; filename="invitation.ics"',
      "cache-control": "private, no-store",
      "referrer-policy": "no-referrer",
    },
  });
}
