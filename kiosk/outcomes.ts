import type { MessageKey } from "~/i18n";
import { eventDayInfo, localTime, type EventDayInfo } from "~/utils/event-days";
import { describeForeignScan } from "./scan-input";
import type { CheckInAnswer, CheckOutAnswer, ScanRequest, Translate } from "./types";
import type { Outcome } from "./verdict";

// What the kiosk says: server (or offline) answers turned into the result screen's words.

export type EventDates = { timezone: string; startsAt?: string | null; endsAt?: string | null; doorsOpen?: string | null; doorsClose?: string | null };

const timeAt = (iso: string | null, timeZone: string | undefined) =>
  iso ? new Date(iso).toLocaleTimeString("ru-RU", { hour: "2-digit", minute: "2-digit", timeZone }) : "";

/** Today among the event's days, when the kiosk knows the dates. */
export function todayOf(ev: EventDates | null | undefined, now = new Date()): EventDayInfo | null {
  if (!ev?.startsAt || !ev.endsAt) return null;
  return eventDayInfo(now, new Date(ev.startsAt), new Date(ev.endsAt), ev.timezone || "UTC");
}

const categoryName = (t: Translate, c: string | undefined) => (c ? t(`category.${c}` as MessageKey) : undefined);

export function checkInOutcome(t: Translate, a: CheckInAnswer, ev: EventDates | null | undefined): Outcome {
  const name = a.registration?.name ?? "";
  const company = a.registration?.company ?? undefined;
  const category = categoryName(t, a.registration?.category);
  switch (a.result) {
    case "checked_in": {
      const day = todayOf(ev);
      return {
        kind: "green",
        verdict: t("kiosk.vCheckedIn"),
        title: t("kiosk.welcome", { name }),
        category,
        detail: [company, t("kiosk.printing")].filter(Boolean).join(" · "),
        note: day ? (day.number ? t("kiosk.dayOf", { n: day.number, count: day.count }) : t("kiosk.notEventDay")) : undefined,
      };
    }
    case "already_checked_in":
      return {
        kind: "yellow",
        verdict: t("kiosk.vAlready"),
        title: name,
        category,
        detail: t("kiosk.alreadyAt", { time: timeAt(a.checkedInAt, ev?.timezone), where: a.kiosk?.name ? `, ${a.kiosk.name}` : "" }),
        answer: a,
      };
    case "invalid_code":
      return { kind: "red", verdict: t("kiosk.vInvalid"), detail: t("kiosk.invalid") };
    case "not_found":
      return { kind: "red", verdict: t("kiosk.vNotFound"), detail: t("kiosk.notFound") };
    case "cancelled":
      return { kind: "red", verdict: t("kiosk.vCancelled"), title: name, category, detail: t("kiosk.cancelled") };
    case "not_admitted":
      return { kind: "red", verdict: t("kiosk.vNotAdmitted"), title: name, category, detail: t("kiosk.notAdmitted", { category: category ?? "" }) };
  }
}

export function checkOutOutcome(t: Translate, a: CheckOutAnswer, ev: EventDates | null | undefined): Outcome {
  const name = a.registration?.name ?? "";
  const category = categoryName(t, a.registration?.category);
  switch (a.result) {
    case "checked_out":
      return { kind: "green", verdict: t("kiosk.vCheckedOut"), title: t("kiosk.goodbye", { name }), category };
    case "already_out":
      return { kind: "yellow", verdict: t("kiosk.vAlreadyOut"), title: name, category, detail: t("kiosk.alreadyOut", { time: timeAt(a.checkedOutAt, ev?.timezone) }) };
    case "not_checked_in":
      return { kind: "yellow", verdict: t("kiosk.vNotIn"), title: name, category, detail: t("kiosk.notCheckedIn") };
    case "invalid_code":
      return { kind: "red", verdict: t("kiosk.vInvalid"), detail: t("kiosk.invalid") };
    case "not_found":
      return { kind: "red", verdict: t("kiosk.vNotFound"), detail: t("kiosk.notFound") };
  }
}

/** A scan that is not one of our codes: red, with what was read. */
export function foreignOutcome(t: Translate, raw: string): Outcome {
  const { format, shown } = describeForeignScan(raw);
  const what = t(format === "barcode" ? "kiosk.readBarcode" : format === "url" ? "kiosk.readUrl" : "kiosk.readText");
  return { kind: "red", verdict: t("kiosk.vForeign"), title: t("kiosk.read", { what, text: shown }), detail: t("kiosk.foreignHelp") };
}

/** A failure with no answer (a refused request): red with its message. */
export function errorOutcome(t: Translate, message: string): Outcome {
  return { kind: "red", verdict: t("kiosk.vError"), detail: message };
}

const dayLabel = (locale: "ru" | "en", day: string) =>
  new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { day: "numeric", month: "long", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));

/** A check-in on a day that is not the event's: a warning that needs a tap, or null on an event day. */
export function dateWarning(t: Translate, locale: "ru" | "en", ev: EventDates | null | undefined, request: ScanRequest, now = new Date()): Outcome | null {
  const day = todayOf(ev, now);
  if (!day || !ev) return null;
  if (day.number !== null) {
    // An event day: before the doors open or after they close (an early badge pickup is fine, with a tap).
    const time = localTime(now, ev.timezone || "UTC");
    const closed = ev.doorsOpen && time < ev.doorsOpen ? t("kiosk.doorsNotOpen", { time: ev.doorsOpen }) : ev.doorsClose && time >= ev.doorsClose ? t("kiosk.doorsClosed", { time: ev.doorsClose }) : null;
    return closed ? { kind: "warn", verdict: t("kiosk.vDoorsClosed"), detail: closed, confirm: request } : null;
  }
  const first = dayLabel(locale, day.first);
  const last = dayLabel(locale, day.last);
  return {
    kind: "warn",
    verdict: t("kiosk.vNotEventDay"),
    detail: day.before ? t("kiosk.eventStarts", { date: first, dates: day.first === day.last ? first : `${first} – ${last}` }) : t("kiosk.eventEnded", { date: last }),
    confirm: request,
  };
}
