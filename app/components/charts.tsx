// Plain SVG charts for the attendance dashboard. Each bar carries a <title> with its numbers;
// the page also shows every chart's numbers in a table next to it (screen readers, copying).

const PLAN = "#c9d3e6";
const FACT = "#2f6fdf";

export interface PlanFactRow {
  key: string;
  label: string;
  plan: number;
  fact: number;
}

/** Horizontal bars: the plan as a light bar, the fact drawn over it. */
export function PlanFactBars({ rows, label, titleOf, testId }: { rows: PlanFactRow[]; label: string; titleOf: (r: PlanFactRow) => string; testId?: string }) {
  const max = Math.max(1, ...rows.map((r) => Math.max(r.plan, r.fact)));
  const rowH = 26;
  const labelW = 220;
  const barW = 480;
  const width = labelW + barW + 70;
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid={testId}
      viewBox={`0 0 ${width} ${rows.length * rowH + 4}`}
      width="100%"
      style={{ maxWidth: width, display: "block" }}
    >
      {rows.map((r, i) => {
        const y = i * rowH + 2;
        const title = titleOf(r);
        return (
          <g key={r.key}>
            <title>{title}</title>
            <text x={labelW - 8} y={y + 17} textAnchor="end" fontSize="13" fill="currentColor">
              {r.label.length > 30 ? `${r.label.slice(0, 29)}…` : r.label}
            </text>
            <rect x={labelW} y={y + 3} width={(r.plan / max) * barW} height={rowH - 8} fill={PLAN} rx="3" />
            <rect x={labelW} y={y + 7} width={(r.fact / max) * barW} height={rowH - 16} fill={FACT} rx="2" />
            <text x={labelW + (Math.max(r.plan, r.fact) / max) * barW + 6} y={y + 17} fontSize="12" fill="currentColor">
              {r.fact} / {r.plan}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export interface ColumnRow {
  key: string;
  label: string;
  value: number;
}

/** Vertical columns (check-ins per hour). */
export function Columns({ rows, label, titleOf, testId }: { rows: ColumnRow[]; label: string; titleOf: (r: ColumnRow) => string; testId?: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  // Wide enough for the longest label; drawn at its natural size (never stretched), shrunk to fit.
  const colW = Math.max(40, Math.max(0, ...rows.map((r) => r.label.length)) * 6.5 + 8);
  const h = 160;
  const width = Math.max(rows.length * colW, colW);
  return (
    <svg role="img" aria-label={label} data-testid={testId} viewBox={`0 0 ${width} ${h + 36}`} width={width} style={{ maxWidth: "100%", height: "auto", display: "block" }}>
      {rows.map((r, i) => {
        const bh = (r.value / max) * h;
        return (
          <g key={r.key}>
            <title>{titleOf(r)}</title>
            <rect x={i * colW + 6} y={h - bh + 16} width={colW - 12} height={bh} fill={FACT} rx="2" />
            <text x={i * colW + colW / 2} y={h - bh + 12} textAnchor="middle" fontSize="11" fill="currentColor">
              {r.value}
            </text>
            <text x={i * colW + colW / 2} y={h + 32} textAnchor="middle" fontSize="11" fill="currentColor">
              {r.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function Legend({ plan, fact }: { plan: string; fact: string }) {
  const sw = (c: string) => <span aria-hidden="true" style={{ display: "inline-block", width: 12, height: 12, background: c, borderRadius: 2, marginRight: 4, verticalAlign: "middle" }} />;
  return (
    <p className="small muted">
      {sw(PLAN)}
      {plan} &nbsp; {sw(FACT)}
      {fact}
    </p>
  );
}
