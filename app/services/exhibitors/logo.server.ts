import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { audit } from "~/utils/audit.server";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { HttpError } from "~/utils/errors.server";
import type { Actor } from "~/utils/permissions.server";
import { loadExhibitor, requireEditable } from "./cabinet.server";

// Company logos: PNG, JPEG or SVG up to 1 MB, recognised by their bytes (not the file name),
// stored under DATA_DIR/logos and served with a sandboxing CSP so an SVG cannot run script.

export const MAX_LOGO_BYTES = 1024 * 1024;
const TYPES = { png: "image/png", jpg: "image/jpeg", svg: "image/svg+xml" } as const;
type Ext = keyof typeof TYPES;

export function sniffImage(data: Buffer): Ext | null {
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "jpg";
  const head = data.subarray(0, 1024).toString("utf8").replace(/^\uFEFF/, "").trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return "svg";
  return null;
}

const logosDir = () => path.resolve(env().DATA_DIR, "logos");

export async function saveLogo(actor: Actor, exhibitorId: string, data: Buffer, ip?: string): Promise<string> {
  const ex = await loadExhibitor(actor, exhibitorId, "write");
  requireEditable(actor, ex);
  if (data.length > MAX_LOGO_BYTES) throw new HttpError(413, "logo_too_large", "The logo is larger than 1 MB.");
  const ext = sniffImage(data);
  if (!ext) throw new HttpError(422, "logo_wrong_type", "The logo must be a PNG, JPEG or SVG image.");
  const name = `${ex.organizationId}-${randomBytes(6).toString("hex")}.${ext}`;
  await mkdir(logosDir(), { recursive: true });
  await writeFile(path.join(logosDir(), name), data);
  await prisma().$transaction(async (tx) => {
    await tx.organization.update({ where: { id: ex.organizationId }, data: { logoPath: name } });
    await audit(actor, { action: "exhibitor.logo", entityType: "Organization", entityId: ex.organizationId, eventId: ex.eventId, exhibitorId: ex.id, before: { logo: ex.organization.logoPath }, after: { logo: name }, ip }, tx);
  });
  return name;
}

/** The stored file for a logo name, or null; names are checked so no path can escape the folder. */
export async function readLogo(name: string): Promise<{ data: Buffer; type: string } | null> {
  const m = /^[0-9a-f-]{36}-[0-9a-f]{12}\.(png|jpg|svg)$/.exec(name);
  if (!m) return null;
  const data = await readFile(path.join(logosDir(), name)).catch(() => null);
  return data ? { data, type: TYPES[m[1] as Ext] } : null;
}
