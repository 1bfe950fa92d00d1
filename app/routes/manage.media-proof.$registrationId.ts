import { readFile } from "node:fs/promises";
import path from "node:path";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { UUID_RE } from "~/services/registrations/registrations.server";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { canSeeEvent, requireManagerPage } from "~/utils/permissions.server";
import { idParam } from "~/utils/ids";

const TYPES: Record<string, string> = { ".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp" };

// A media applicant's uploaded proof of accreditation, for managers only.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const id = idParam(params, "registrationId");
  const media = UUID_RE.test(id)
    ? await prisma().mediaAccreditation.findUnique({
        where: { registrationId: id },
        include: { registration: { select: { eventId: true } } },
      })
    : null;
  if (!media?.proofFile || !canSeeEvent(actor, media.registration.eventId)) throw new Response("Not found", { status: 404 });
  const root = path.resolve(env().DATA_DIR, "uploads", "media");
  const full = path.resolve(env().DATA_DIR, media.proofFile);
  if (path.dirname(full) !== root) throw new Response("Not found", { status: 404 });
  const body = await readFile(full).catch(() => null);
  if (!body) throw new Response("Not found", { status: 404 });
  const name = encodeURIComponent(media.proofFileName ?? path.basename(full));
  return new Response(body, {
    headers: {
      "content-type": TYPES[path.extname(full)] ?? "application/octet-stream",
      "content-disposition": `inline; filename*=UTF-8''${name}`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      "cache-control": "private, no-store",
    },
  });
}
