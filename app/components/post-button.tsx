import { Form } from "@remix-run/react";

// The one-button forms of the manager pages (retry, decline, remove, resend): a post with an
// intent and a few hidden values, optionally behind a confirm() question; a row's form folded
// under a summary; and a form's submit button on a line of its own.

/** Hidden inputs: the intent first, then the other values (e.g. the row's id). */
export function HiddenFields({ intent, values = {} }: { intent: string; values?: Record<string, string> }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(values).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

export function PostButton({
  intent,
  values,
  label,
  className = "link",
  style,
  disabled,
  confirm: question,
  testId,
  formClassName,
  children,
}: {
  intent: string;
  values?: Record<string, string>;
  label: React.ReactNode;
  className?: string;
  style?: React.CSSProperties;
  disabled?: boolean;
  /** Asked before posting; "cancel" keeps the page as it is. */
  confirm?: string;
  testId?: string;
  formClassName?: string;
  /** Shown before the button inside the form (e.g. a count). */
  children?: React.ReactNode;
}) {
  return (
    <Form
      method="post"
      className={formClassName}
      data-testid={testId}
      onSubmit={question ? (e) => !confirm(question) && e.preventDefault() : undefined}
    >
      {children}
      <HiddenFields intent={intent} values={values} />
      <button type="submit" className={className} style={style} disabled={disabled}>
        {label}
      </button>
    </Form>
  );
}

/** A form's primary submit button on a line of its own, off while a post is under way. */
export function SubmitLine({ label, busy }: { label: React.ReactNode; busy: boolean }) {
  return (
    <div>
      <button type="submit" className="primary" disabled={busy}>
        {label}
      </button>
    </div>
  );
}

/** A row's form (edit, convert) folded under its summary; open while it shows the row's errors. */
export function FoldedForm({
  summary,
  errors,
  testId,
  submit,
  busy,
  children,
}: {
  summary: React.ReactNode;
  errors: Record<string, string>;
  testId: string;
  submit: React.ReactNode;
  busy?: boolean;
  /** The hidden intent fields first, then the row's fields. */
  children: React.ReactNode;
}) {
  return (
    <details open={Object.keys(errors).length > 0 || undefined}>
      <summary>{summary}</summary>
      <Form method="post" noValidate data-testid={testId}>
        {children}
        <button type="submit" className="primary" disabled={busy}>
          {submit}
        </button>
      </Form>
    </details>
  );
}
