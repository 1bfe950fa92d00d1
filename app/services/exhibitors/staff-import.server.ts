import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { prisma } from "~/utils/db.server";
import { audit } from "~/utils/audit.server";
import { env } from "~/utils/env.server";
import { HttpError } from "~/utils/errors.server";
import type { Actor } from "~/utils/permissions.server";
import { loadExhibitor, quotaUse, requireEditable } from "./cabinet.server";
import { enqueueJobs, importJobsFanout } from "../outbox.server";
import { findDuplicates, groupDuplicates, guessMapping, mapRows, parseStaffFile, type ColumnMapping, type DuplicateReport, type StaffImportItem } from "../staff-import";

// Staff import: upload -> preview (mapping, row errors, duplicates) -> commit. The parsed sheet
// is kept in DATA_DIR/imports between the steps, so the file is uploaded once.

type Stored = { id: string; exhibitorId: string; filename: string; headers: string[]; rows: string[][]; rowNumbers: number[] };
export type Decision = "skip" | "update";
/** Which of the new people to add: all, the first `count` (the quota shown before the commit), or chosen rows. */
export type Selection = { mode: "all" } | { mode: "first"; count: number } | { mode: "rows"; rows: number[] };

const importsDir = () => path.resolve(env().DATA_DIR, "imports");
const UUID = /^[0-9a-f-]{36}$/i;

export async function storeUpload(actor: Actor, exhibitorId: string, data: Buffer, filename: string): Promise<string> {
  const ex = await loadExhibitor(actor, exhibitorId, "write");
  requireEditable(actor, ex);
  const sheet = await parseStaffFile(data, filename);
  const id = randomUUID();
  await mkdir(importsDir(), { recursive: true });
  await writeFile(path.join(importsDir(), `${id}.json`), JSON.stringify({ id, exhibitorId, filename, ...sheet } satisfies Stored));
  return id;
}

async function loadUpload(exhibitorId: string, id: string): Promise<Stored> {
  if (!UUID.test(id)) throw new HttpError(404, "not_found", "Import not found.");
  const stored = JSON.parse(await readFile(path.join(importsDir(), `${id}.json`), "utf8").catch(() => "null")) as Stored | null;
  if (!stored || stored.exhibitorId !== exhibitorId) throw new HttpError(404, "not_found", "Import not found.");
  return stored;
}

async function existingPeople(exhibitorId: string, eventId: string) {
  const rows = await prisma().registration.findMany({
    where: { eventId, status: { notIn: ["cancelled", "rejected"] } },
    select: { exhibitorId: true, person: { select: { id: true, email: true, phone: true } } },
  });
  return rows.map((r) => ({ id: r.person.id, email: r.person.email, phone: r.person.phone, scope: r.exhibitorId === exhibitorId ? ("exhibitor" as const) : ("event" as const) }));
}

export type Preview = Awaited<ReturnType<typeof previewImport>>;

export async function previewImport(actor: Actor, exhibitorId: string, id: string, mapping?: Partial<ColumnMapping>) {
  const ex = await loadExhibitor(actor, exhibitorId, "write");
  const stored = await loadUpload(exhibitorId, id);
  const used = mapping ?? guessMapping(stored.headers);
  const { items, errors } = mapRows(stored.rows, used, { rowNumbers: stored.rowNumbers });
  const duplicates = findDuplicates(items, await existingPeople(exhibitorId, ex.eventId));
  // A sub-exhibitor's staff also count inside its parent's quota (the commit checks both).
  const left = async (exId: string) => {
    const use = await quotaUse(exId);
    return Math.max(0, use.quota - use.withChildren);
  };
  const quotaLeft = Math.min(await left(exhibitorId), ex.parentExhibitorId ? await left(ex.parentExhibitorId) : Infinity);
  // The first filled cell of each column, so the mapping can be shown with an example.
  const samples = stored.headers.map((_, c) => stored.rows.find((r) => (r[c] ?? "").trim() !== "")?.[c]?.trim() ?? "");
  return { id, filename: stored.filename, headers: stored.headers, samples, total: stored.rows.length, mapping: used, items, errors, duplicates, quotaLeft };
}

/** Which rows become new people, which update existing staff, which are skipped. */
export function plan(items: StaffImportItem[], duplicates: DuplicateReport, decisions: Record<number, Decision>, selection: Selection = { mode: "all" }) {
  const groups = new Map(groupDuplicates(duplicates).map((g) => [g.rowNumber, g]));
  const creatable: StaffImportItem[] = [];
  const update: Array<{ item: StaffImportItem; personId: string }> = [];
  let skipped = 0;
  for (const item of items) {
    const dup = groups.get(item.rowNumber);
    if (!dup) creatable.push(item);
    else if (dup.updates && decisions[item.rowNumber] === "update") update.push({ item, personId: dup.updates });
    else skipped++;
  }
  const chosen = selection.mode === "rows" ? new Set(selection.rows) : null;
  const create =
    selection.mode === "first" ? creatable.slice(0, Math.max(0, selection.count)) : chosen ? creatable.filter((i) => chosen.has(i.rowNumber)) : creatable;
  skipped += creatable.length - create.length;
  return { create, update, skipped, creatable: creatable.length };
}

export async function commitImport(
  actor: Actor,
  exhibitorId: string,
  id: string,
  mapping: Partial<ColumnMapping> | undefined,
  decisions: Record<number, Decision>,
  ip?: string,
  selection: Selection = { mode: "all" },
) {
  const ex = await loadExhibitor(actor, exhibitorId, "write");
  requireEditable(actor, ex);
  const preview = await previewImport(actor, exhibitorId, id, mapping);
  const { create, update, skipped } = plan(preview.items, preview.duplicates, decisions, selection);
  if (selection.mode === "rows" && create.length === 0 && update.length === 0) throw new HttpError(422, "nothing_chosen", "No rows chosen.");
  const created = await prisma().$transaction(
    async (tx) => {
      const ids = [ex.id, ...(ex.parentExhibitorId ? [ex.parentExhibitorId] : [])];
      await tx.$queryRaw`SELECT id FROM "Exhibitor" WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
      for (const exId of ids) {
        const use = await quotaUse(exId, tx);
        if (use.withChildren + create.length > use.quota) {
          throw new HttpError(409, "quota_exceeded", `The file adds ${create.length} people but only ${Math.max(0, use.quota - use.withChildren)} badges are left.`);
        }
      }
      for (const u of update) {
        // Only the contact row of this exhibitor's own staff registration in this event (each
        // registration has its own row, docs/decisions/0007): the filter makes that a rule here too.
        await tx.person.updateMany({
          where: { id: u.personId, registration: { is: { eventId: ex.eventId, exhibitorId: ex.id, status: { notIn: ["cancelled", "rejected"] } } } },
          data: { lastName: u.item.lastName, firstName: u.item.firstName, middleName: u.item.middleName ?? null, position: u.item.position ?? null, ...(u.item.phones[0] && { phone: u.item.phones[0] }) },
        });
      }
      const created =
        create.length === 0
          ? []
          : await tx.$queryRawUnsafe<Array<{ id: string; personId: string }>>(
              // One statement for all rows: 20,000 Prisma creates would take minutes. Column
              // arrays (unnest) parse faster than one JSON document (measured, docs/performance.md).
              `WITH people AS (
                 INSERT INTO "Person" ("lastName", "firstName", "middleName", "position", "email", "phone", "organizationId")
                 SELECT last_name, first_name, middle_name, position, email, phone, $7::uuid
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(last_name, first_name, middle_name, position, email, phone)
                 RETURNING id
               )
               INSERT INTO "Registration" ("eventId", "personId", "exhibitorId", "category", "status", "codeSecret", "source")
               SELECT $8::uuid, id, $9::uuid, 'exhibitor_staff', 'confirmed', encode(gen_random_bytes(16), 'hex'), 'import' FROM people
               RETURNING id::text, "personId"::text`,
              create.map((i) => i.lastName),
              create.map((i) => i.firstName),
              create.map((i) => i.middleName ?? null),
              create.map((i) => i.position ?? null),
              create.map((i) => i.email ?? null),
              create.map((i) => i.phones[0] ?? null),
              ex.organizationId,
              ex.eventId,
              ex.id,
            );
      // The jobs commit with the rows (transactional outbox); the worker expands them.
      await enqueueJobs(importJobsFanout(created, update.map((u) => u.personId)), tx);
      await audit(actor, { action: "staff.import", entityType: "Exhibitor", entityId: ex.id, eventId: ex.eventId, exhibitorId: ex.id, after: { file: preview.filename, created: created.length, updated: update.length, skipped, errors: preview.errors.length }, ip }, tx);
      return created;
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
  return { created: created.length, updated: update.length, skipped, errors: new Set(preview.errors.map((e) => e.rowNumber)).size };
}
