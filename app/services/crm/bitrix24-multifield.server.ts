// PHONE / EMAIL / WEB / IM are arrays of {ID, VALUE, VALUE_TYPE}. On update an item without ID is
// ADDED, so re-sending current values duplicates them. diffMultiField computes the minimal update.

export type MultiFieldKind = "PHONE" | "EMAIL" | "WEB" | "IM";

export type MultiFieldValue = { ID: string | number; VALUE: string; VALUE_TYPE?: string; TYPE_ID?: string };

export type MultiFieldUpdateItem = { ID: string | number; DELETE: "Y" } | { VALUE: string; VALUE_TYPE: string };

/** Comparison key: phones by digits (formatting differs between systems), e-mails case-folded, sites without scheme. */
export function normalizeMultiValue(kind: MultiFieldKind, value: string): string {
  const v = value.trim();
  switch (kind) {
    case "PHONE":
      return v.replace(/\D/g, "");
    case "EMAIL":
      return v.toLowerCase();
    case "WEB":
      return v
        .toLowerCase()
        .replace(/^https?:\/\//, "")
        .replace(/^www\./, "")
        .replace(/\/+$/, "");
    case "IM":
      return v.toLowerCase();
  }
}

/**
 * Update array turning `existing` into `wanted` without duplicates: values already present (by
 * normalised value) are kept untouched, the ones no longer wanted are DELETEd by ID, new ones are
 * added without ID. Duplicates already in the CRM are cleaned up too. `[]` means nothing to send.
 */
export function diffMultiField(
  existing: readonly MultiFieldValue[] | undefined | null,
  wanted: readonly (string | null | undefined)[],
  kind: MultiFieldKind,
  opts: { valueType?: string } = {},
): MultiFieldUpdateItem[] {
  const valueType = opts.valueType ?? (kind === "IM" ? "OTHER" : "WORK");
  const wantedByKey = new Map<string, string>();
  for (const raw of wanted) {
    const value = (raw ?? "").trim();
    const key = value ? normalizeMultiValue(kind, value) : "";
    if (key && !wantedByKey.has(key)) wantedByKey.set(key, value);
  }

  const kept = new Set<string>();
  const update: MultiFieldUpdateItem[] = [];
  for (const item of existing ?? []) {
    const key = normalizeMultiValue(kind, String(item.VALUE ?? ""));
    if (wantedByKey.has(key) && !kept.has(key)) kept.add(key);
    else update.push({ ID: item.ID, DELETE: "Y" });
  }
  for (const [key, value] of wantedByKey) if (!kept.has(key)) update.push({ VALUE: value, VALUE_TYPE: valueType });
  return update;
}
