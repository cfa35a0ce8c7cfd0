import { jsx as _jsx, jsxs as _jsxs } from "react/jsx-runtime";
import { useQuery } from '@tanstack/react-query';
import { api, TASK_STATES } from '../api';
import { errorText, keys } from '../api/queries';
import { useT } from '../i18n';
import { BarChart, HBarChart } from './Charts';
import { STATE_COLORS } from './ProjectsPage';
export function DashboardTab({ project }) {
    const t = useT();
    const query = useQuery({ queryKey: keys.stats(project.id), queryFn: () => api.stats(project.id) });
    const stats = query.data;
    if (query.error)
        return _jsx("div", { className: "banner error", children: errorText(query.error, t) });
    if (!stats)
        return _jsx("p", { className: "muted", children: t('common.loading') });
    const states = TASK_STATES.map((k) => [k, stats.states[k]]).filter(([, v]) => v > 0);
    return (_jsxs("div", { className: "dashboard", "data-testid": "dashboard-tab", children: [_jsxs("section", { className: "card", children: [_jsx("h3", { children: t('dash.states') }), _jsx("div", { className: "legend", children: states.map(([k, v]) => _jsxs("span", { children: [_jsx("i", { style: { background: STATE_COLORS[k] } }), t(`state.${k}`), " ", _jsx("b", { children: v })] }, k)) })] }), _jsxs("section", { className: "card", children: [_jsx("h3", { children: t('dash.perDay') }), stats.perDay.length ? _jsx(BarChart, { testId: "chart-per-day", data: stats.perDay.map((d) => ({ label: d.day.slice(5, 10), value: d.annotations })) }) : _jsx("p", { className: "muted", children: t('dash.noData') })] }), _jsxs("div", { className: "two-col", children: [_jsxs("section", { className: "card", children: [_jsx("h3", { children: t('dash.perAnnotator') }), _jsx(HBarChart, { testId: "chart-per-annotator", data: stats.perAnnotator.map((a) => ({ label: a.annotator, value: a.annotations })) })] }), _jsxs("section", { className: "card", children: [_jsx("h3", { children: t('dash.leadTime') }), _jsx(HBarChart, { testId: "chart-lead-time", color: "#f2a541", format: (v) => v.toFixed(1), data: stats.perAnnotator.map((a) => ({ label: a.annotator, value: a.avgLeadTimeSeconds ?? 0 })) })] })] })] }));
}
