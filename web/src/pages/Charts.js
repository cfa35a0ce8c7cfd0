import { jsx as _jsx, jsxs as _jsxs } from "react/jsx-runtime";
// Small SVG charts: the dashboard needs bars and a line, not a charting library.
export function BarChart({ data, color = '#4c8bd6', height = 180, testId }) {
    const max = Math.max(1, ...data.map((d) => d.value));
    const w = 640;
    const pad = 28;
    const bw = data.length ? (w - pad) / data.length : 0;
    return (_jsxs("svg", { viewBox: `0 0 ${w} ${height + 40}`, className: "chart", "data-testid": testId, role: "img", children: [_jsx("line", { x1: pad, x2: w, y1: height, y2: height, stroke: "#ccd" }), _jsx("text", { x: pad - 4, y: 10, textAnchor: "end", fontSize: "10", fill: "#667", children: max }), data.map((d, i) => {
                const h = (d.value / max) * (height - 14);
                return (_jsxs("g", { children: [_jsx("rect", { x: pad + i * bw + bw * 0.15, y: height - h, width: bw * 0.7, height: h, fill: color, rx: 2, children: _jsx("title", { children: `${d.label}: ${d.value}` }) }), (data.length <= 16 || i % Math.ceil(data.length / 16) === 0) && (_jsx("text", { x: pad + i * bw + bw / 2, y: height + 14, textAnchor: "middle", fontSize: "10", fill: "#667", children: d.label }))] }, d.label));
            })] }));
}
export function HBarChart({ data, color = '#76b041', testId, format = (v) => String(v) }) {
    const max = Math.max(1, ...data.map((d) => d.value));
    const row = 22;
    const w = 640;
    const lw = 160;
    return (_jsx("svg", { viewBox: `0 0 ${w} ${Math.max(1, data.length) * row + 4}`, className: "chart", "data-testid": testId, role: "img", children: data.map((d, i) => (_jsxs("g", { transform: `translate(0 ${i * row})`, children: [_jsx("text", { x: lw - 6, y: 15, textAnchor: "end", fontSize: "12", fill: "#334", children: d.label }), _jsx("rect", { x: lw, y: 4, height: 14, width: ((w - lw - 60) * d.value) / max, fill: color, rx: 2 }), _jsx("text", { x: lw + ((w - lw - 60) * d.value) / max + 4, y: 15, fontSize: "11", fill: "#556", children: format(d.value) })] }, d.label))) }));
}
