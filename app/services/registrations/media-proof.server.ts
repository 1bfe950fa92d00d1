import { readFile } from "node:fs/promises";
import path from "node:path";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { canSeeEvent, type Actor } from "~/utils/permissions.server";
import { UUID_RE } from "./registrations.server";

const TYPES: Record<string, string> = { ".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp" };

export type MediaProof = { body: Buffer<ArrayBuffer>; name: string; contentType: string };

/** A media applicant's uploaded proof, if the actor may see its event; null means "not found". */
export async function readMediaProof(actor: Actor, registrationId: string): Promise<MediaProof | null> {
  const media = UUID_RE.test(registrationId)
    ? await prisma().mediaAccreditation.findUnique({
        where: { registrationId },
        include: { registration: { select: { eventId: true } } },
      })
    : null;
  if (!media?.proofFile || !canSeeEvent(actor, media.registration.eventId)) return null;
  const root = path.resolve(env().DATA_DIR, "uploads", "media");
  const full = path.resolve(env().DATA_DIR, media.proofFile);
  if (path.dirname(full) !== root) return null;
  const body = await readFile(full).catch(() => null);
  if (!body) return null;
  return { body, name: media.proofFileName ?? path.basename(full), contentType: TYPES[path.extname(full)] ?? "application/octet-stream" };
}
