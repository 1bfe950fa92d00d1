import { Link, useActionData, useNavigation } from "@remix-run/react";
import { useLocale, useT } from "~/i18n/react";

// Pieces every manager page repeats: what its component reads first, the way back (to the event
// or a list) and the outcome line of the last form post (an error or a notice).

/** The last post's answer, the translator, the locale, and whether a post or load is under way. */
export function useManagePage<Action>() {
  const result = useActionData<Action>();
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  return { result, t, locale, busy };
}

export function BackLink({ to, label }: { to: string; label: React.ReactNode }) {
  return (
    <p>
      <Link to={to}>← {label}</Link>
    </p>
  );
}

export function BackToEvent({ event }: { event: { id: string; name: string } }) {
  return <BackLink to={`/manage/events/${event.id}`} label={event.name} />;
}

/** The top of a page under an event: the way back, the title, any links, the last post's outcome. */
export function EventPageTop({
  event,
  title,
  result,
  outcomeLink,
  children,
}: {
  event: { id: string; name: string };
  title: React.ReactNode;
  result: Parameters<typeof FormOutcome>[0]["result"];
  /** Shown after the notice (e.g. a link to what was just made). */
  outcomeLink?: React.ReactNode;
  /** Between the title and the outcome (links, a hint). */
  children?: React.ReactNode;
}) {
  return (
    <>
      <BackToEvent event={event} />
      <h1>{title}</h1>
      {children}
      <FormOutcome result={result}>{outcomeLink}</FormOutcome>
    </>
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
