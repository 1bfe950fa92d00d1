import { channelOf } from "../analytics/channel";

// A deal's source in Bitrix24 (issue #14 item 1): SOURCE_ID is one of the portal's standard
// source ids (crm.status.list ENTITY_ID=SOURCE), SOURCE_DESCRIPTION says the channel in words
// (the same rule as our reports), UTM_* carry the form's tags as they came.

export type DealSource = {
  source: string;
  sourceDetail?: string | null;
  utmSource?: string | null;
  utmMedium?: string | null;
  utmCampaign?: string | null;
  utmContent?: string | null;
  utmTerm?: string | null;
  referrer?: string | null;
  manualSource?: string | null;
};

// Bitrix24's stock sources: WEB "Веб-сайт", PARTNER "Партнёр", TRADE_SHOW "Выставка", SELF "Свой контакт".
const SOURCE_IDS: Record<string, string> = {
  site: "WEB",
  api: "WEB",
  cabinet: "PARTNER",
  import: "OTHER",
  kiosk: "TRADE_SHOW",
  manager: "SELF",
  invitation: "EMAIL",
};

export function sourceIdOf(source: string): string {
  return SOURCE_IDS[source] ?? "OTHER";
}

export function dealSourceFields(s: DealSource): Record<string, string> {
  const channel = channelOf(s);
  const parts = [channel, ...(s.sourceDetail && s.sourceDetail !== channel ? [s.sourceDetail] : []), ...(s.referrer ? [s.referrer] : [])];
  return {
    SOURCE_ID: sourceIdOf(s.source),
    SOURCE_DESCRIPTION: parts.join(" · ").slice(0, 1000),
    UTM_SOURCE: s.utmSource ?? "",
    UTM_MEDIUM: s.utmMedium ?? "",
    UTM_CAMPAIGN: s.utmCampaign ?? "",
    UTM_CONTENT: s.utmContent ?? "",
    UTM_TERM: s.utmTerm ?? "",
  };
}
