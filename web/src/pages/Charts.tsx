// Small SVG charts: the dashboard needs bars and a line, not a charting library.

export function BarChart({ data, color = '#4c8bd6', height = 180, testId }: { data: { label: string; value: number }[]; color?: string; height?: number; testId?: string }) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const w = 640;
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

export function HBarChart({ data, color = '#76b041', testId, format = (v: number) => String(v) }: { data: { label: string; value: number }[]; color?: string; testId?: string; format?: (v: number) => string }) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const row = 22;
  const w = 640;
  const lw = 160;
  return (
    <svg viewBox={`0 0 ${w} ${Math.max(1, data.length) * row + 4}`} className="chart" data-testid={testId} role="img">
      {data.map((d, i) => (
        <g key={d.label} transform={`translate(0 ${i * row})`}>
          <text x={lw - 6} y={15} textAnchor="end" fontSize="12" fill="#334">{d.label}</text>
          <rect x={lw} y={4} height={14} width={((w - lw - 60) * d.value) / max} fill={color} rx={2} />
          <text x={lw + ((w - lw - 60) * d.value) / max + 4} y={15} fontSize="11" fill="#556">{format(d.value)}</text>
        </g>
      ))}
    </svg>
  );
}
