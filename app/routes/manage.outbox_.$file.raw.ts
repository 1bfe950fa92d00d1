import { readFile } from "node:fs/promises";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireManagerPage } from "~/utils/permissions.server";
import { outboxPath } from "~/services/registrations/outbox-files.server";

// The .eml file itself, to open in a mail program.
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireManagerPage(request);
  const full = outboxPath(params.file ?? "");
  const body = full ? await readFile(full).catch(() => null) : null;
  if (!body) throw new Response("Not found", { status: 404 });
  return new Response(body, {
    headers: {
      "content-type": "message/rfc822",
      "content-disposition": `attachment; filename="${params.file}"`,
      "x-content-type-options": "nosniff",
    },
  });
}
