// One rule for "which channel brought this registration" (issue #14), used by every report,
// export and CRM push so the figures agree: a manager's label wins, then the UTM source,
// then the named detail (API token, invitation campaign), then the kind of way in.

export type ChannelFields = {
  source: string;
  sourceDetail?: string | null;
  utmSource?: string | null;
  manualSource?: string | null;
};

export function channelOf(r: ChannelFields): string {
  return firstText(r.manualSource, r.utmSource, r.sourceDetail) ?? r.source;
}

/** The same rule in SQL; `alias` is the Registration table's alias in the query. */
export function channelSql(alias = "r"): string {
  const col = (c: string) => `NULLIF(btrim(${alias}."${c}"), '')`;
  return `COALESCE(${col("manualSource")}, ${col("utmSource")}, ${col("sourceDetail")}, ${alias}."source")`;
}

function firstText(...values: (string | null | undefined)[]): string | null {
  for (const v of values) {
    const t = v?.trim();
    if (t) return t;
  }
  return null;
}
