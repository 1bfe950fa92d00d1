// What to say about a scan that is not one of our ticket codes: an EAN-13 off a product, a URL
// in a QR, a pretix or paper ticket. The kiosk shows what was read, made safe to show (control
// characters replaced, one line, truncated); React escapes it as text.

export type ForeignFormat = "barcode" | "url" | "text";
export type ForeignScan = { format: ForeignFormat; shown: string };

export const SHOWN_MAX = 40;

export function describeForeignScan(raw: string, max = SHOWN_MAX): ForeignScan {
  const text = raw.trim();
  const format: ForeignFormat = /^\d{8}$|^\d{12,14}$/.test(text)
    ? "barcode"
    : /^[a-z][a-z0-9+.-]*:\/\/|^www\./i.test(text)
      ? "url"
      : "text";
  // Control and invisible characters (and lone surrogates) become "�"; whitespace runs become one space.
  const clean = Array.from(text.replace(/\s+/g, " "), (ch) => (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u.test(ch) ? "\uFFFD" : ch)).join("");
  const chars = Array.from(clean);
  const shown = chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : clean;
  return { format, shown };
}
