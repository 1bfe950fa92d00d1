import { en } from "./en";
import { ru, type MessageKey } from "./ru";

// A typed catalogue lookup plus Intl for dates and numbers: i18next would add a runtime and
// a provider for what is a dictionary read here (see docs/decisions/0004-i18n.md).
export type Locale = "ru" | "en";
export const locales: Locale[] = ["ru", "en"];
export type { MessageKey };

const catalogues: Record<Locale, Record<MessageKey, string>> = { ru, en };

export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogues[locale][key] ?? ru[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export function isLocale(value: unknown): value is Locale {
  return value === "ru" || value === "en";
}

/** Cookie `lang` wins, then Accept-Language, then Russian. */
export function localeFromRequest(request: Request): Locale {
  const cookie = request.headers.get("cookie") ?? "";
  const match = /(?:^|;\s*)lang=(ru|en)\b/.exec(cookie);
  if (match) return match[1] as Locale;
  const accept = (request.headers.get("accept-language") ?? "").toLowerCase();
  const first = accept.split(",")[0]?.trim() ?? "";
  return first.startsWith("en") ? "en" : "ru";
}

export function formatDateTime(locale: Locale, date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  }).format(date);
}

export function formatDateRange(locale: Locale, from: Date, to: Date, timeZone: string): string {
  const fmt = new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone });
  return fmt.formatRange(from, to);
}

export function formatNumber(locale: Locale, n: number): string {
  return new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-GB").format(n);
}
