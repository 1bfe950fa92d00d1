import { audit } from "~/utils/audit.server";
import { prisma } from "~/utils/db.server";
import { HttpError } from "~/utils/errors.server";
import { hasBadText } from "~/utils/ids";
import type { Actor } from "~/utils/permissions.server";
import { enqueueCrmSync } from "../outbox.server";
import { cleanTag, MAX_TAG } from "./source";
import { detailInclude, loadForManager, serializeRegistration } from "./registrations.server";

/**
 * A manager's own source label (issue #14): it wins over every other tag in reports and goes to
 * the CRM deal's SOURCE_DESCRIPTION. Empty clears it. Audited with the old and new label.
 */
export async function setManualSource(actor: Actor | null, id: string, label: string, ip?: string) {
  const reg = await loadForManager(actor, id);
  const raw = label.trim();
  if (hasBadText(raw)) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { manualSource: "NUL or unpaired surrogate" });
  if (raw.length > MAX_TAG) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { manualSource: "Too long" });
  const value = cleanTag(raw);
  if (value === reg.manualSource) return serializeRegistration(reg);
  const updated = await prisma().$transaction(async (tx) => {
    await tx.registration.update({ where: { id: reg.id }, data: { manualSource: value } });
    await enqueueCrmSync("registration", reg.id, tx);
    await audit(actor, { action: "registration.source", entityType: "Registration", entityId: reg.id, eventId: reg.eventId, before: { manualSource: reg.manualSource }, after: { manualSource: value }, ip }, tx);
    return tx.registration.findUniqueOrThrow({ where: { id: reg.id }, include: detailInclude });
  });
  return serializeRegistration(updated);
}
