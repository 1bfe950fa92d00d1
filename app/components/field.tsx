// A form field: label, control, and the translated message the action sent back for it.

/** A field's error line; `id` ties it to the control's aria-describedby. */
export function FieldError({
  message,
  id,
  testId,
  role,
}: {
  message: string | null | undefined;
  id?: string;
  testId?: string;
  role?: "alert";
}) {
  return message ? (
    <p className="field-error" id={id} role={role} data-testid={testId}>
      {message}
    </p>
  ) : null;
}

/** Label, any control (select, date, file…) and its error. */
export function FieldBox({
  htmlFor,
  label,
  error,
  errorId,
  errorTestId,
  children,
}: {
  htmlFor: string;
  label: React.ReactNode;
  error?: string | null;
  errorId?: string;
  errorTestId?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      <FieldError message={error} id={errorId} testId={errorTestId} />
    </div>
  );
}

type Choice = readonly [string, React.ReactNode];

/** A select's options from [value, label] pairs. */
export function Options({ options }: { options: ReadonlyArray<Choice> }) {
  return (
    <>
      {options.map(([value, text]) => (
        <option key={value} value={value}>
          {text}
        </option>
      ))}
    </>
  );
}

/** A labelled select of [value, label] options. */
export function SelectBox({
  id,
  name,
  label,
  defaultValue,
  options,
}: {
  id: string;
  name: string;
  label: React.ReactNode;
  defaultValue: string;
  options: ReadonlyArray<Choice>;
}) {
  return (
    <FieldBox htmlFor={id} label={label}>
      <select id={id} name={name} defaultValue={defaultValue}>
        <Options options={options} />
      </select>
    </FieldBox>
  );
}

type FieldProps = {
  name: string;
  label: string;
  error?: string;
  defaultValue?: string | null;
  type?: string;
  required?: boolean;
  disabled?: boolean;
  textarea?: boolean;
  placeholder?: string;
  inputMode?: "decimal" | "numeric";
};

/** A text input (or textarea) named like its form field, with the id f-<name>. */
export function Field({
  name,
  label,
  error,
  defaultValue,
  type = "text",
  required,
  disabled,
  textarea,
  placeholder,
  inputMode,
}: FieldProps) {
  const id = `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required && " *"}
      </label>
      {textarea ? (
        <textarea id={id} name={name} defaultValue={defaultValue ?? ""} disabled={disabled} aria-invalid={!!error} rows={3} />
      ) : (
        <input
          id={id}
          name={name}
          type={type}
          defaultValue={defaultValue ?? ""}
          placeholder={placeholder}
          inputMode={inputMode}
          disabled={disabled}
          aria-invalid={!!error}
          aria-describedby={error ? `${id}-error` : undefined}
        />
      )}
      <FieldError message={error} id={`${id}-error`} testId={`error-${name}`} />
    </div>
  );
}

export type { FieldProps };
