import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { errorText, keys } from '../api/queries';
import { useI18n } from '../i18n';
import { cellText } from '../lib/datamgr';
import { mediaUrlFor } from '../lib/util';
import { initState } from '../workbench/state';
import { TaskView } from '../workbench/TaskView';
/** One task's whole story: its data, every annotation (who, when, what) with its reviews, and the predictions. */
export function TaskDrawer({ project, taskId, onClose }) {
    const { t, lang } = useI18n();
    const query = useQuery({ queryKey: keys.task(taskId), queryFn: () => api.task(taskId) });
    const task = query.data;
    const [which, setWhich] = useState(0);
    const fmt = useMemo(() => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }), [lang]);
    const error = query.error ? errorText(query.error, t) : null;
    const results = task ? [
        ...task.annotations.map((a) => ({ title: t('dm.annotation', { name: a.annotator || String(a.userId), time: fmt.format(new Date(a.createdAt)) }), result: a.result })),
        ...task.predictions.map((p) => ({ title: t('dm.prediction', { model: p.model ?? '' }), result: p.result })),
    ] : [];
    const shown = results[which];
    return (_jsxs("div", { className: "drawer", "data-testid": "task-drawer", role: "dialog", "aria-label": t('tasks.detail', { key: task?.key ?? taskId }), children: [_jsxs("div", { className: "row", children: [_jsx("h2", { children: t('tasks.detail', { key: task?.key ?? taskId }) }), task && _jsx("span", { className: `state-pill ${task.state}`, children: t(`state.${task.state}`) }), _jsx("span", { className: "grow" }), _jsx("button", { type: "button", onClick: onClose, "data-testid": "drawer-close", children: t('common.close') })] }), error && _jsx("div", { className: "banner error", children: error }), task && _jsxs(_Fragment, { children: [_jsx("h3", { children: t('tasks.data') }), _jsx("table", { className: "grid kv", "data-testid": "drawer-data", children: _jsx("tbody", { children: Object.entries(task.data).map(([k, v]) => {
                                const media = project.schema.fields.some((f) => f.name === k && f.type !== 'text' && f.type !== 'list' && f.type !== 'json');
                                return _jsxs("tr", { children: [_jsx("th", { children: k }), _jsx("td", { className: "pre", children: cellText(v, media) })] }, k);
                            }) }) }), _jsxs("h3", { children: [t('tasks.annotations'), " \u00B7 ", t('tasks.predictions')] }), results.length === 0 ? _jsx("p", { className: "muted", children: t('dm.noResults') }) : (_jsx("div", { className: "tabs", "data-testid": "drawer-results", children: results.map((r, i) => (_jsx("button", { type: "button", className: i === which ? 'on' : '', onClick: () => setWhich(i), children: r.title }, i))) })), _jsx(TaskView, { schema: project.schema, data: task.data, readOnly: true, keyboard: false, state: initState(project.schema, { draft: shown?.result ?? null }), onChange: () => { }, mediaUrl: (v) => mediaUrlFor(project.id, v) }, `${taskId}-${which}`), _jsx("h3", { children: t('tasks.reviews') }), _jsxs("ol", { className: "history", "data-testid": "drawer-history", children: [task.annotations.map((a, i) => (_jsxs("li", { "data-testid": `history-${a.id}`, children: [_jsx("button", { type: "button", className: "link", onClick: () => setWhich(i), children: _jsx("b", { children: a.annotator || a.userId }) }), ' ', _jsxs("span", { className: "muted", children: [fmt.format(new Date(a.createdAt)), " \u00B7 v", a.version, " \u00B7 ", t(`dm.status.${a.status}`)] }), _jsx("ul", { children: task.reviews.filter((r) => r.annotationId === a.id).map((r) => (_jsxs("li", { "data-testid": "review-line", children: [t('dm.reviewLine', { action: t(`dm.action.${r.action}`), name: r.reviewer, time: fmt.format(new Date(r.createdAt)) }), r.comment && _jsx("q", { children: r.comment })] }, r.id))) })] }, a.id))), task.predictions.map((p, i) => (_jsxs("li", { children: [_jsx("button", { type: "button", className: "link", onClick: () => setWhich(task.annotations.length + i), children: t('dm.prediction', { model: p.model ?? '' }) }), p.score !== null && p.score !== undefined ? _jsxs("span", { className: "muted", children: [" \u00B7 ", p.score] }) : null] }, `p${i}`)))] }), task.reviews.length === 0 && _jsx("p", { className: "muted", children: t('dm.noReviews') }), _jsxs("details", { children: [_jsx("summary", { children: "JSON" }), _jsx("pre", { className: "json", children: JSON.stringify({ data: task.data, result: shown?.result }, null, 2) })] })] })] }));
}
