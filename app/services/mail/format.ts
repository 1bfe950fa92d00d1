// Small text helpers shared by the mail templates and the .ics builder.

export type MailLocale = "ru" | "en";

export interface PersonName {
  firstName: string;
  lastName: string;
  middleName?: string | null;
}

export interface MailEvent {
  name: string;
  venue: string;
  address?: string | null;
  startsAt: Date;
  endsAt: Date;
  /** IANA zone of the venue, e.g. "Europe/Moscow": dates in mails are shown in it. */
  timezone: string;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

/** Header values (subjects) must stay on one line whatever a name contains. */
export function singleLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").trim();
}

/** Links we put into mails come from our own config, but an href must never be javascript:. */
export function safeUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new TypeError(`not a web link: ${url}`);
  return parsed.toString();
}

/** "Петров Иван Сергеевич" in Russian (official order), "Ivan Petrov" in English. */
export function fullName(locale: MailLocale, p: PersonName): string {
  const parts = locale === "ru" ? [p.lastName, p.firstName, p.middleName] : [p.firstName, p.lastName];
  return parts.filter((s): s is string => Boolean(s && s.trim())).map((s) => s.trim()).join(" ");
}

/** Russian polite address is first name + patronymic ("Иван Сергеевич"); English: first name. */
export function addressName(locale: MailLocale, p: PersonName): string {
  if (locale === "ru" && p.middleName?.trim()) return `${p.firstName.trim()} ${p.middleName.trim()}`;
  return p.firstName.trim();
}

/** The event's dates in its own time zone, e.g. "12 марта 2025 г., 10:00–18:00 (Москва, стандартное время)". */
export function formatEventDates(locale: MailLocale, event: MailEvent): string {
  const range = new Intl.DateTimeFormat(locale, { timeZone: event.timezone, dateStyle: "long", timeStyle: "short" });
  return `${range.formatRange(event.startsAt, event.endsAt)} (${zoneName(locale, event.timezone, event.startsAt)})`;
}

/** Only the start, for subjects: "12 марта" / "March 12". */
export function formatEventDay(locale: MailLocale, event: MailEvent): string {
  return new Intl.DateTimeFormat(locale, { timeZone: event.timezone, day: "numeric", month: "long" }).format(event.startsAt);
}

function zoneName(locale: MailLocale, timeZone: string, at: Date): string {
  const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "long" }).formatToParts(at);
  return parts.find((p) => p.type === "timeZoneName")?.value ?? timeZone;
}

export function eventPlace(event: MailEvent): string {
  return [event.venue, event.address].filter((s): s is string => Boolean(s && s.trim())).join(", ");
}

/** "24 часа" / "5 часов" / "1 hour". */
export function hoursText(locale: MailLocale, hours: number): string {
  const forms: Record<MailLocale, Partial<Record<Intl.LDMLPluralRule, string>>> = {
    ru: { one: "час", few: "часа", many: "часов", other: "часа" },
    en: { one: "hour", other: "hours" },
  };
  const rule = new Intl.PluralRules(locale).select(hours);
  return `${hours} ${forms[locale][rule] ?? forms[locale].other}`;
}
