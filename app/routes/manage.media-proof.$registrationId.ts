import type { LoaderFunctionArgs } from "@remix-run/node";
import { readMediaProof } from "~/services/registrations/media-proof.server";
import { requireManagerPage } from "~/utils/permissions.server";
import { idParam } from "~/utils/ids";

// A media applicant's uploaded proof of accreditation, for managers only.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const proof = await readMediaProof(actor, idParam(params, "registrationId"));
  if (!proof) throw new Response("Not found", { status: 404 });
  const name = encodeURIComponent(proof.name);
  return new Response(proof.body, {
    headers: {
      "content-type": proof.contentType,
      "content-disposition": `inline; filename*=UTF-8''${name}`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      "cache-control": "private, no-store",
    },
  });
}
