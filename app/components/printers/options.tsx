// A select's options: a blank first choice, then one per item.
export function Options({ blank, items }: { blank: string; items: { id: string; name: string }[] }) {
  return (
    <>
      <option value="">{blank}</option>
      {items.map((i) => (
        <option key={i.id} value={i.id}>
          {i.name}
        </option>
      ))}
    </>
  );
}

/** A field's error under it, with the test id the page tests look for. */
export function FieldError({ name, errors }: { name: string; errors: Record<string, string> }) {
  return errors[name] ? (
    <p className="field-error" data-testid={`error-${name}`}>
      {errors[name]}
    </p>
  ) : null;
}

/** A table's header row. */
export function TableHead({ labels }: { labels: string[] }) {
  return (
    <thead>
      <tr>
        {labels.map((l) => (
          <th key={l}>{l}</th>
        ))}
      </tr>
    </thead>
  );
}
