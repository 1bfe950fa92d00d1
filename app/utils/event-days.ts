// An event's days at the venue, in its time zone. No imports: the kiosk bundle uses it (to warn
// about scans on other days and to say "Day 2 of 3") and so does the server (attendance).

const MAX_DAYS = 62;

// One formatter per kind and zone: building an Intl.DateTimeFormat is slow, and the kiosk
// formats every scan.
const KINDS: Record<"day" | "time", [string, Intl.DateTimeFormatOptions]> = {
  day: ["en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }],
  time: ["en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }],
};
const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(kind: keyof typeof KINDS, at: Date, timeZone: string): string {
  const key = `${kind} ${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    const [locale, options] = KINDS[kind];
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formats.set(key, f);
  }
  return f.format(at);
}

/** The calendar day at the venue (YYYY-MM-DD) of an instant. */
export function localDay(at: Date, timeZone: string): string {
  return formatIn("day", at, timeZone);
}

/** The wall-clock time at the venue ("HH:MM", 24 h) of an instant. */
export function localTime(at: Date, timeZone: string): string {
  return formatIn("time", at, timeZone);
}

/** The event-local calendar days from the start to the end (at most 62). */
export function eventDays(startsAt: Date, endsAt: Date, timeZone: string): string[] {
  const first = localDay(startsAt, timeZone);
  const last = localDay(endsAt, timeZone);
  const days: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); days.length < MAX_DAYS; t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (d > last) break;
    days.push(d);
  }
  return days.length ? days : [first];
}

export type EventDayInfo = {
  /** Today at the venue. */
  today: string;
  /** 1-based number of today among the event's days; null when today is not one of them. */
  number: number | null;
  count: number;
  first: string;
  last: string;
  /** Today is before the first day / after the last. */
  before: boolean;
  after: boolean;
};

/** Where `now` falls among the event's days (dates only; opening hours: localTime). */
export function eventDayInfo(now: Date, startsAt: Date, endsAt: Date, timeZone: string): EventDayInfo {
  const days = eventDays(startsAt, endsAt, timeZone);
  const today = localDay(now, timeZone);
  const i = days.indexOf(today);
  const first = days[0];
  const last = days[days.length - 1];
  return { today, number: i >= 0 ? i + 1 : null, count: days.length, first, last, before: today < first, after: today > last };
}
