// Small SVG charts: the dashboard needs bars and a line, not a charting library.

/** `width` is the drawing's own width: a wider one keeps its height on a wide card. */
export function BarChart({ data, color = '#4c8bd6', height = 180, width = 640, testId }: { data: { label: string; value: number }[]; color?: string; height?: number; width?: number; testId?: string }) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const w = width;
  const pad = 28;
  const bw = data.length ? (w - pad) / data.length : 0;
  return (
    <svg viewBox={`0 0 ${w} ${height + 40}`} className="chart" data-testid={testId} role="img">
      <line x1={pad} x2={w} y1={height} y2={height} stroke="#ccd" />
      <text x={pad - 4} y={10} textAnchor="end" fontSize="10" fill="#667">{max}</text>
      {data.map((d, i) => {
        const h = (d.value / max) * (height - 14);
        return (
          <g key={d.label}>
            <rect x={pad + i * bw + bw * 0.15} y={height - h} width={bw * 0.7} height={h} fill={color} rx={2}>
              <title>{`${d.label}: ${d.value}`}</title>
            </rect>
            {(data.length <= 16 || i % Math.ceil(data.length / 16) === 0) && (
              <text x={pad + i * bw + bw / 2} y={height + 14} textAnchor="middle" fontSize="10" fill="#667">{d.label}</text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** A label cut to about `px` pixels at 12px (CJK characters count double), ending in "…" when cut. */
export function fit(label: string, px: number): string {
  let w = 0;
  const out: string[] = [];
  for (const ch of label) {
    w += /[\u2e80-\uffff]/.test(ch) ? 12 : 6.8;
    if (w > px) return `${out.join('').trimEnd()}…`;
    out.push(ch);
  }
  return label;
}

export function HBarChart({ data, color = '#76b041', testId, format = (v: number) => String(v), labelWidth = 160 }: {
  data: { label: string; value: number }[]; color?: string; testId?: string; format?: (v: number) => string; labelWidth?: number;
}) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const row = 22;
  const w = 640;
  const lw = labelWidth;
  return (
    <svg viewBox={`0 0 ${w} ${Math.max(1, data.length) * row + 4}`} className="chart" data-testid={testId} role="img">
      {data.map((d, i) => (
        <g key={d.label} transform={`translate(0 ${i * row})`}>
          <text x={lw - 6} y={15} textAnchor="end" fontSize="12" fill="#334">{fit(d.label, lw - 10)}<title>{d.label}</title></text>
          <rect x={lw} y={4} height={14} width={((w - lw - 60) * d.value) / max} fill={color} rx={2} />
          <text x={lw + ((w - lw - 60) * d.value) / max + 4} y={15} fontSize="11" fill="#556">{format(d.value)}</text>
        </g>
      ))}
    </svg>
  );
}

export interface Series { name: string; color: string; points: { x: string; y: number | null }[] }

/** Colours for series drawn side by side (cohorts, vendors), in order. */
export const SERIES_COLORS = ['#4c8bd6', '#76b041', '#f2a541', '#c0504d', '#8064a2', '#2aa5a5', '#d16ba5', '#7f8c8d'];

/**
 * Lines over shared x labels (days, or "30 / 60 / 90 days"), with a legend; a null point breaks its line
 * (a cohort too young to have a figure). `percent` draws shares (0–1) on a 0–100 % axis.
 */
export function LineChart({ series, percent = false, height = 180, width = 640, testId }: {
  series: Series[]; percent?: boolean; height?: number; width?: number; testId?: string;
}) {
  const labels = series[0]?.points.map((p) => p.x) ?? [];
  const values = series.flatMap((s) => s.points.map((p) => p.y ?? 0));
  const max = percent ? 1 : Math.max(1, ...values);
  const w = width;
  const pad = 36;
  const right = 36;
  const top = 8;
  const step = labels.length > 1 ? (w - pad - right) / (labels.length - 1) : 0;
  const x = (i: number) => (labels.length > 1 ? pad + i * step : pad + (w - pad - right) / 2);
  const y = (v: number) => height - (v / max) * (height - top);
  const fmt = (v: number) => (percent ? `${Math.round(v * 100)}%` : String(Math.round(v)));
  const legendY = height + 36;
  return (
    <svg viewBox={`0 0 ${w} ${height + 48}`} className="chart" data-testid={testId} role="img">
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={pad} x2={w - right} y1={y(max * f)} y2={y(max * f)} stroke={f === 0 ? '#ccd' : '#eef0f3'} />
          <text x={pad - 4} y={y(max * f) + 4} textAnchor="end" fontSize="10" fill="#667">{fmt(max * f)}</text>
        </g>
      ))}
      {labels.map((l, i) => (labels.length <= 12 || i % Math.ceil(labels.length / 12) === 0) && (
        // The first and last labels keep inside the plot: centred, they ran into the y-axis figures and past the right edge.
        <text key={l} x={x(i)} y={height + 14} fontSize="10" fill="#667"
          textAnchor={labels.length > 1 && i === 0 ? 'start' : labels.length > 1 && i === labels.length - 1 ? 'end' : 'middle'}>{l}</text>
      ))}
      {series.map((s) => {
        // Runs of consecutive known points, each drawn as one line.
        const runs: { i: number; v: number }[][] = [[]];
        s.points.forEach((p, i) => { if (p.y == null) runs.push([]); else runs[runs.length - 1]!.push({ i, v: p.y }); });
        return (
          <g key={s.name}>
            {runs.filter((r) => r.length > 1).map((r) => (
              <polyline key={r[0]!.i} fill="none" stroke={s.color} strokeWidth={2} points={r.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')} />
            ))}
            {runs.flat().length <= 40 && runs.flat().map((p) => (
              <circle key={p.i} cx={x(p.i)} cy={y(p.v)} r={3} fill={s.color}><title>{`${s.name} · ${labels[p.i]}: ${fmt(p.v)}`}</title></circle>
            ))}
          </g>
        );
      })}
      {series.map((s, i) => (
        <g key={s.name} transform={`translate(${pad + (i % 6) * 100} ${legendY + Math.floor(i / 6) * 14 - 8})`}>
          <rect width={10} height={10} y={-9} fill={s.color} rx={2} />
          <text x={14} fontSize="11" fill="#334">{s.name}</text>
        </g>
      ))}
    </svg>
  );
}
