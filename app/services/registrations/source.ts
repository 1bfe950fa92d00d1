import { cleanText } from "~/utils/ids";
import { channelOf } from "../analytics/channel";

// Where a public form's visitor came from (issue #14 item 1): the utm_* tags of the page URL
// and the referring page. Both come from strangers, so every value is cleaned (NUL, control
// characters, unpaired surrogates), trimmed and cut; a referrer must be an http(s) URL.

export const UTM_PARAMS = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"] as const;
export type UtmParam = (typeof UTM_PARAMS)[number];

export type SourceTags = {
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmContent: string | null;
  utmTerm: string | null;
  referrer: string | null;
};

const COLUMN: Record<UtmParam, keyof SourceTags> = {
  utm_source: "utmSource",
  utm_medium: "utmMedium",
  utm_campaign: "utmCampaign",
  utm_content: "utmContent",
  utm_term: "utmTerm",
};

export const MAX_TAG = 200;
export const MAX_REFERRER = 1000;

export const NO_TAGS: SourceTags = { utmSource: null, utmMedium: null, utmCampaign: null, utmContent: null, utmTerm: null, referrer: null };

/** One tag: printable text on one line, at most `max` characters, or null. */
export function cleanTag(value: unknown, max = MAX_TAG): string | null {
  if (typeof value !== "string") return null;
  const t = cleanText(value).replace(/[\u0000-\u001f\u007f-\u009f\uFFFD]/g, " ").replace(/\s+/g, " ").trim();
  return t ? Array.from(t).slice(0, max).join("").trim() : null;
}

/** An http(s) URL of another site (our own pages are no referrer), or null. */
export function cleanReferrer(value: unknown, ownHost?: string | null): string | null {
  const t = cleanTag(value, MAX_REFERRER * 2);
  if (!t) return null;
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (ownHost && url.host === ownHost) return null;
  url.username = "";
  url.password = "";
  const href = url.href;
  return href.length > MAX_REFERRER ? href.slice(0, MAX_REFERRER) : href;
}

type Reader = { get(name: string): unknown };

/** Tags from a query string or a form (the hidden fields carry the same names). */
export function tagsFrom(read: Reader, ownHost?: string | null): SourceTags {
  const out: SourceTags = { ...NO_TAGS };
  for (const p of UTM_PARAMS) out[COLUMN[p]] = cleanTag(read.get(p));
  out.referrer = cleanReferrer(read.get("referrer"), ownHost);
  return out;
}

/**
 * What a public page's loader knows: the page URL's tags, and the Referer header of the page
 * load (for a page in an iframe that is the embedding page, as far as its referrer policy tells).
 */
export function tagsOfPageRequest(request: Request): SourceTags {
  const url = new URL(request.url);
  const tags = tagsFrom(url.searchParams, url.host);
  tags.referrer = cleanReferrer(request.headers.get("referer"), url.host);
  return tags;
}

/** The form's hidden fields first; the post URL's query as a fallback (a form that lost them). */
export function tagsOfPost(request: Request, form: FormData): SourceTags {
  const url = new URL(request.url);
  const fromForm = tagsFrom(form, url.host);
  const fromUrl = tagsFrom(url.searchParams, url.host);
  const out: SourceTags = { ...NO_TAGS };
  for (const k of Object.keys(out) as (keyof SourceTags)[]) out[k] = fromForm[k] ?? (k === "referrer" ? null : fromUrl[k]);
  return out;
}

/** Hidden field name -> value, for the page to render. */
export function hiddenFieldsOf(tags: SourceTags): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const p of UTM_PARAMS) out.push([p, tags[COLUMN[p]] ?? ""]);
  out.push(["referrer", tags.referrer ?? ""]);
  return out;
}

type OriginColumns = SourceTags & { source: string; sourceDetail: string | null; manualSource: string | null; invitationId: string | null };

/** A registration's origin as the API and manager pages show it. */
export function originOf(r: OriginColumns) {
  return {
    channel: channelOf(r),
    sourceDetail: r.sourceDetail,
    utm: { source: r.utmSource, medium: r.utmMedium, campaign: r.utmCampaign, content: r.utmContent, term: r.utmTerm },
    referrer: r.referrer,
    manualSource: r.manualSource,
    invitationId: r.invitationId,
  };
}
