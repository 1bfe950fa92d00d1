import { Link } from "@remix-run/react";

// Pieces every manager page under an event repeats: the way back to the event and the outcome
// line of the last form post (an error or a notice).

export function BackToEvent({ event }: { event: { id: string; name: string } }) {
  return (
    <p>
      <Link to={`/manage/events/${event.id}`}>← {event.name}</Link>
    </p>
  );
}

export function FormOutcome({
  result,
  children,
}: {
  result: { ok: boolean; formError?: string | null; notice?: string | null } | undefined;
  /** Shown after a notice (e.g. a link to what was just made). */
  children?: React.ReactNode;
}) {
  if (!result) return null;
  if (!result.ok)
    return result.formError ? (
      <p className="form-error" role="alert" data-testid="form-error">
        {result.formError}
      </p>
    ) : null;
  return result.notice ? (
    <p className="notice" role="status" data-testid="notice">
      {result.notice}
      {children && <> {children}</>}
    </p>
  ) : null;
}
