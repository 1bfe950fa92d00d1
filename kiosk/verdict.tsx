import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { beep } from "./sound";
import type { CheckInAnswer, ScanRequest } from "./types";

// The result screen, legible at two metres: an icon, the verdict word as the largest text on the
// screen, the name, the category and the message, the actions (reprint, confirm) right under the
// message. It returns to the scan prompt by itself; a new scan replaces it at once.

export type Outcome = {
  kind: "green" | "yellow" | "red" | "warn";
  /** One or two words: CHECKED IN, ALREADY CHECKED IN, the reason of a refusal. */
  verdict: string;
  /** Usually the person's name. */
  title?: string;
  category?: string;
  detail?: string;
  /** "Day 2 of 3" on a check-in. */
  note?: string;
  answer?: CheckInAnswer;
  /** A warning that needs a tap: what to check in when confirmed. */
  confirm?: ScanRequest;
};

/** How long each result stays before the scan prompt is back. */
export const RESULT_MS: Record<Outcome["kind"], number> = { green: 5000, yellow: 10_000, red: 10_000, warn: 20_000 };

/** The outcome on screen, with its timer; `hold` stops the timer while staff use the screen (reprint). */
export function useOutcome() {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [held, setHeld] = useState(false);
  const [shownAt, setShownAt] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const show = useCallback((o: Outcome) => {
    setOutcome(o);
    setHeld(false);
    setShownAt((n) => n + 1);
    beep(o.kind);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setOutcome(null), RESULT_MS[o.kind]);
  }, []);
  const hold = useCallback(() => {
    clearTimeout(timer.current);
    setHeld(true);
  }, []);
  const clear = useCallback(() => {
    clearTimeout(timer.current);
    setOutcome(null);
    setHeld(false);
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
  return { outcome, held, shownAt, show, hold, clear };
}

export function VerdictScreen({
  outcome,
  held,
  shownAt,
  onDismiss,
  children,
}: {
  outcome: Outcome;
  held: boolean;
  shownAt: number;
  onDismiss: () => void;
  children?: ReactNode;
}) {
  return (
    <div className={`kiosk-result ${outcome.kind}`} data-testid="kiosk-result" data-kind={outcome.kind} onClick={() => !held && onDismiss()} role="alert">
      <VerdictIcon kind={outcome.kind} />
      <div className="kiosk-verdict big" data-testid="kiosk-verdict">
        {outcome.verdict}
      </div>
      <Line className="kiosk-name" testId="kiosk-name" text={outcome.title} />
      <Line className="kiosk-category" testId="kiosk-category" text={outcome.category} />
      <Line className="kiosk-detail" testId="kiosk-detail" text={outcome.detail} />
      <Line className="kiosk-detail" testId="kiosk-day" text={outcome.note} />
      {children}
      {/* Shows the time left until the scan prompt is back. */}
      {!held && <div key={shownAt} className="kiosk-timeout" style={{ animationDuration: `${RESULT_MS[outcome.kind]}ms` }} aria-hidden="true" />}
    </div>
  );
}

/** One line under the verdict, drawn only when it has text. */
function Line({ className, testId, text }: { className: string; testId: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <div className={className} data-testid={testId}>
      {text}
    </div>
  );
}

function VerdictIcon({ kind }: { kind: Outcome["kind"] }) {
  const path =
    kind === "green"
      ? "M30 62 L52 84 L92 38" // a tick
      : kind === "red"
        ? "M38 38 L82 82 M82 38 L38 82" // a cross
        : kind === "yellow"
          ? "M60 30 V60 L80 74" // a clock's hands: already, at a time
          : "M60 30 V70 M60 86 V90"; // an exclamation mark
  return (
    <svg className="kiosk-icon" data-testid="kiosk-icon" viewBox="0 0 120 120" width="140" height="140" aria-hidden="true">
      <circle cx="60" cy="60" r="54" fill="none" stroke="currentColor" strokeWidth="8" />
      <path d={path} fill="none" stroke="currentColor" strokeWidth="10" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
