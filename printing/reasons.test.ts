import { describe, expect, test } from "vitest";
import { en } from "../app/i18n/en";
import { ru } from "../app/i18n/ru";
import { printerReasons, printerReasonText } from "./reasons";

const tr = (cat: Record<string, string>) => (k: string, p?: Record<string, string | number>) =>
  cat[k].replace(/\{(\w+)\}/g, (_, n) => String(p?.[n] ?? ""));

describe("printer reasons", () => {
  test("IPP keywords with severities map to codes, most urgent first", () => {
    expect(
      printerReasons({ ok: false, state: "stopped", reasons: ["paused", "media-empty-error", "toner-low-warning", "none"] }).map(
        (r) => r.code,
      ),
    ).toEqual(["mediaEmpty", "paused", "tonerLow"]);
    expect(printerReasons({ ok: false, state: "idle", reasons: ["offline-report"] }).map((r) => r.code)).toEqual(["offline"]);
    expect(
      printerReasons({ ok: false, state: "stopped", reasons: ["media-jam-error", "cover-open-error", "marker-supply-empty-error"] }).map(
        (r) => r.code,
      ),
    ).toEqual(["mediaJam", "coverOpen", "tonerEmpty"]);
    expect(printerReasons({ ok: false, state: "unreachable", reasons: ["ECONNREFUSED"] }).map((r) => r.code)).toEqual(["offline"]);
    expect(printerReasons({ ok: false, state: "idle, not accepting jobs", reasons: [] }).map((r) => r.code)).toEqual(["notAccepting"]);
    expect(printerReasons({ ok: true, state: "idle", reasons: [] })).toEqual([]);
  });

  test("Zebra ~HS problems", () => {
    expect(
      printerReasons({
        ok: false,
        state: "paper-out",
        reasons: ["paper-out", "paused", "head-open", "ribbon-out", "over-temperature"],
      }).map((r) => r.code),
    ).toEqual(["mediaEmpty", "headOpen", "ribbonOut", "paused", "temperature"]);
    expect(printerReasons({ ok: false, state: "no-response", reasons: ["no-response"] }).map((r) => r.code)).toEqual(["offline"]);
  });

  test("translated in both languages; an unknown keyword is named", () => {
    const h = { ok: false, state: "stopped", reasons: ["paused", "media-empty-error", "spool-area-full-report"] };
    expect(printerReasonText(tr(ru), h)).toBe("закончились этикетки, принтер на паузе, требует внимания (spool-area-full-report)");
    expect(printerReasonText(tr(en), h)).toBe("out of labels, printer paused, needs attention (spool-area-full-report)");
  });
});
