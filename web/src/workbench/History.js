import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import { summarise } from './ReviewCompare';
/**
 * The annotator's own recent answers in this project, newest first, with where each stands
 * (waiting for review, accepted, rejected). Read only: the server takes no second submission of
 * an assignment, so an answer is changed by a reviewer's fix or a rejection sent back.
 */
export function HistoryButton({ project }) {
    const { t, lang } = useI18n();
    const [open, setOpen] = useState(false);
    const history = useQuery({ queryKey: ['project', project.id, 'history'], queryFn: () => api.history(project.id), enabled: open, staleTime: 0 });
    return (_jsxs(_Fragment, { children: [_jsx("button", { type: "button", "data-testid": "history-toggle", "aria-expanded": open, onClick: () => setOpen((v) => !v), children: t('wbx.history') }), open && (_jsxs("div", { className: "history-panel", "data-testid": "history", role: "dialog", "aria-label": t('wbx.history'), children: [_jsxs("div", { className: "history-head", children: [_jsx("b", { children: t('wbx.history') }), _jsx("button", { type: "button", className: "link", onClick: () => setOpen(false), children: t('common.close') })] }), history.isPending ? _jsx("p", { className: "muted", children: t('common.loading') })
                        : !history.data?.length ? _jsx("p", { className: "muted", "data-testid": "history-empty", children: t('wbx.historyEmpty') })
                            : (_jsx("ul", { className: "history-list", children: history.data.map((h) => (_jsxs("li", { "data-testid": `history-${h.taskId}`, children: [_jsxs("span", { className: "mono", children: ["#", h.taskId] }), _jsx("span", { className: `badge state-${h.status}`, "data-testid": `history-status-${h.taskId}`, children: t(`wbx.historyState.${h.status}`) }), _jsx("span", { className: "muted small", children: new Date(h.createdAt).toLocaleString(lang, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) }), _jsx("div", { className: "history-answer", children: project.schema.controls.filter((c) => h.result[c.name] != null).map((c) => (_jsxs("span", { children: [_jsx("b", { children: c.name }), ": ", summarise(c, h.result[c.name], t)] }, c.name))) })] }, h.annotationId))) }))] }))] }));
}
