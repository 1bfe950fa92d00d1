// The list tables of the manager pages: a header row, one row per item, and a line instead of the
// table when there is nothing to show.

export function DataTable<T>({
  rows,
  head,
  empty,
  emptyClass = "empty",
  emptyTestId,
  testId,
  className,
  style,
  children,
}: {
  rows: readonly T[];
  head?: React.ReactNode[];
  /** Shown instead of the table when there are no rows (null: nothing); without it, an empty table. */
  empty?: React.ReactNode;
  emptyClass?: string;
  emptyTestId?: string;
  testId?: string;
  className?: string;
  style?: React.CSSProperties;
  children: (row: T, index: number) => React.ReactNode;
}) {
  if (rows.length === 0 && empty !== undefined)
    return empty === null ? null : (
      <p className={emptyClass} data-testid={emptyTestId}>
        {empty}
      </p>
    );
  return (
    <table data-testid={testId} className={className} style={style}>
      {head && (
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
      )}
      <tbody>{rows.map(children)}</tbody>
    </table>
  );
}

/** A state badge: red ("locked") for the bad states. */
export function StatusBadge({ bad, testId, children }: { bad: boolean; testId?: string; children: React.ReactNode }) {
  return (
    <span className={bad ? "badge locked" : "badge"} data-testid={testId}>
      {children}
    </span>
  );
}
