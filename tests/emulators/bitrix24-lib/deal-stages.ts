// Deal pipelines and stages as crm.deal.add / crm.deal.update apply them.
import { methodError } from "./errors";
import { isoNow } from "./fields";
import type { Category, Stage } from "./seed";

export function stagesOf(stages: Stage[], categoryId: number): Stage[] {
  const entity = categoryId === 0 ? "DEAL_STAGE" : `DEAL_STAGE_${categoryId}`;
  return stages.filter((s) => s.ENTITY_ID === entity).sort((a, b) => Number(a.SORT) - Number(b.SORT));
}

function stageCategory(stageId: string): number {
  const m = /^C(\d+):/.exec(stageId);
  return m ? Number(m[1]) : 0;
}

function applyStage(fields: Record<string, unknown>, stage: Stage): void {
  fields.STAGE_ID = stage.STATUS_ID;
  fields.STAGE_SEMANTIC_ID = stage.SEMANTICS ?? "P";
  fields.CLOSED = stage.SEMANTICS ? "Y" : "N";
  // Closing a deal stamps its close date unless one is given with the move.
  if (stage.SEMANTICS && !fields.CLOSEDATE) fields.CLOSEDATE = isoNow().slice(0, 10) + "T03:00:00+03:00";
}

export function resolveStageOnAdd(categories: Category[], stages: Stage[], fields: Record<string, unknown>): void {
  const stageId = fields.STAGE_ID ? String(fields.STAGE_ID) : undefined;
  const rawCat = fields.CATEGORY_ID;
  // Like the portal, a stage id such as C3:NEW implies its pipeline when CATEGORY_ID is absent.
  const categoryId = rawCat !== undefined && rawCat !== null && rawCat !== "" ? Number(rawCat) : stageId ? stageCategory(stageId) : 0;
  if (!categories.some((c) => c.id === categoryId)) throw methodError(`Pipeline with ID ${String(rawCat)} is not found.`);
  const inPipeline = stagesOf(stages, categoryId);
  const stage = stageId ? inPipeline.find((s) => s.STATUS_ID === stageId) : inPipeline[0];
  if (!stage) throw methodError(`Stage "${stageId}" does not belong to pipeline ${categoryId}.`);
  fields.CATEGORY_ID = String(categoryId);
  applyStage(fields, stage);
}

export function resolveStageOnUpdate(stages: Stage[], storedCategoryId: number, fields: Record<string, unknown>): void {
  delete fields.CATEGORY_ID; // crm.deal.update cannot move a deal to another pipeline: ignored
  if (fields.STAGE_ID === undefined) return;
  const stage = stagesOf(stages, storedCategoryId).find((s) => s.STATUS_ID === String(fields.STAGE_ID));
  if (!stage) throw methodError(`Stage "${String(fields.STAGE_ID)}" does not belong to pipeline ${storedCategoryId}.`);
  applyStage(fields, stage);
}
