import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { ChangeLog } from "~/components/change-log";
import { BackToEvent } from "~/components/manage-page";
import { loadChangeLog, queryFromUrl } from "~/services/changelog/changelog.server";
import { wordsFor } from "~/services/changelog/words.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { localeFromRequest } from "~/i18n";

// The event's change log (issue #13 item 2): managers only.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const event = await requireEventParam(params, actor);
  const log = await loadChangeLog(
    { eventId: event.id, timezone: event.timezone },
    queryFromUrl(new URL(request.url)),
    wordsFor(localeFromRequest(request)),
  );
  return { event: { id: event.id, name: event.name }, log };
}

export default function EventChanges() {
  const { event, log } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <BackToEvent event={event} />
      <h1>{t("manage.audit")}</h1>
      <ChangeLog log={log} showExhibitor />
    </>
  );
}
