import { useCallback, useEffect, useRef } from "react";
import type { Locale } from "~/i18n";
import { dateWarning, foreignOutcome } from "../outcomes";
import type { Meta, ScanRequest, Translate } from "../types";
import type { Outcome } from "../verdict";
import { parseTicketCode } from "~/shared/ticket-code";
import { createWedgeDetector } from "../wedge";

// Where scans come in: a USB scanner anywhere on the page, the camera, or a searched person; the
// door's hours and days are checked before a check-in goes to `handle`.

export function useScan({
  t,
  locale,
  meta,
  exitMode,
  busy,
  show,
  handle,
}: {
  t: Translate;
  locale: Locale;
  meta: Meta | null;
  exitMode: boolean;
  /** Staff at the reprint form or a walk-in being typed in: the camera (still running) waits. */
  busy: boolean;
  show: (o: Outcome) => void;
  handle: (input: ScanRequest) => Promise<void>;
}) {
  const exitModeRef = useRef(exitMode);
  exitModeRef.current = exitMode;
  const busyRef = useRef(busy);
  busyRef.current = busy;
  const lastCode = useRef<{ code: string; at: number }>({ code: "", at: 0 });

  // A check-in on a day that is not the event's needs a tap first (badge pickup the day before
  // is fine, a ticket for next year's show is not); exits and walk-ins do not ask.
  const request = useCallback(
    (input: ScanRequest) => {
      const warning = exitModeRef.current ? null : dateWarning(t, locale, meta, input);
      if (warning) return show(warning);
      void handle(input);
    },
    [handle, show, t, locale, meta],
  );

  const onCode = useCallback(
    (code: string, source: "scanner" | "camera" = "scanner") => {
      // Cameras decode the same code many times a second: ignore their repeats for a few
      // seconds. A USB scanner fires once per trigger, so a repeat there is a real second scan.
      const now = Date.now();
      if (source === "camera" && busyRef.current) return;
      if (source === "camera" && lastCode.current.code === code && now - lastCode.current.at < 4000) return;
      lastCode.current = { code, at: now };
      // Anything else scanned (an EAN-13, a URL, another system's ticket) gets an answer too.
      if (!parseTicketCode(code)) return show(foreignOutcome(t, code));
      request({ code });
    },
    [request, show, t],
  );

  // USB scanners type anywhere on the screen: listen on the whole document. Our codes are
  // about 100 characters, so 20+ keys under 100 ms apart and then Enter is no person; shorter
  // codes of other kinds (an EAN-13) count when scanner-fast, under 50 ms a key. The
  // detector lives as long as the page: re-creating it (on every sync tick) lost half a scan.
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;
  useEffect(() => {
    const wedge = createWedgeDetector({
      onScan: (code) => onCodeRef.current(code),
      maxGapMs: 100,
      minLength: 20,
      shortMinLength: 4,
      shortMaxGapMs: 50,
    });
    const listener = (e: KeyboardEvent) => {
      if (wedge.handle(e) && !(e.target instanceof HTMLInputElement)) e.preventDefault();
    };
    document.addEventListener("keydown", listener, true);
    return () => document.removeEventListener("keydown", listener, true);
  }, []);

  return { request, onCode };
}
