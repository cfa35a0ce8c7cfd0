import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { errorText, keys, useProject } from '../api/queries';
import { useT } from '../i18n';
import { mediaUrlFor } from '../lib/util';
import { initState, toResult } from './state';
import { ShortcutSheet, TaskView } from './TaskView';
import { ReviewCompare } from './ReviewCompare';
import { isTyping } from './context';
import { NotAllowed } from '../pages/NotAllowed';
import { can, rolesIn } from '../roles';
import { useSession } from '../session';
/** The reviewer's page: an annotation read-only, then accept, reject with a comment, or fix it. The
 *  project comes through the query cache; the review queue is not a query (each call leases an annotation). */
export function ReviewPage({ projectId }) {
    const t = useT();
    const { me } = useSession();
    const queryClient = useQueryClient();
    const projectQuery = useProject(projectId);
    // An annotator following a link is told the page is not theirs rather than refused by the review queue.
    const denied = !!projectQuery.data && !can(rolesIn(me, projectQuery.data.organizationId), 'review');
    const project = denied ? null : projectQuery.data ?? null;
    const [item, setItem] = useState(undefined);
    const [state, setState] = useState(null);
    const [editing, setEditing] = useState(false);
    const [comment, setComment] = useState('');
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const [help, setHelp] = useState(false);
    const mediaUrl = useCallback((v) => mediaUrlFor(projectId, v), [projectId]);
    const next = useCallback(async (p) => {
        try {
            const n = await api.nextReview(projectId);
            setItem(n);
            setState(n ? initState(p.schema, { draft: n.annotation.result }) : null);
            setEditing(false);
            setComment('');
            setError(null);
        }
        catch (e) {
            setError(errorText(e, t));
        }
    }, [projectId, t]);
    // The first annotation is leased once the project is known; later ones after each decision.
    const started = useRef(false);
    useEffect(() => {
        if (!project || started.current)
            return;
        started.current = true;
        void next(project);
    }, [project, next]);
    const act = useCallback(async (action) => {
        if (!project || !item || !state || busy)
            return;
        if (action === 'reject' && !comment.trim()) {
            setError(t('wb.rejectNeedsComment'));
            return;
        }
        setBusy(true);
        try {
            await api.review(item.annotationId, action, comment || undefined, action === 'fix' ? toResult(state, project.schema) : undefined);
            // The task's state changed: the project's counts, task table and quality figures are stale.
            void queryClient.invalidateQueries({ queryKey: keys.project(project.id) });
            await next(project);
        }
        catch (e) {
            // A review is small and the reviewer is looking at it: show the error and keep everything in place.
            setError(errorText(e, t));
        }
        finally {
            setBusy(false);
        }
    }, [project, item, state, comment, busy, next, t, queryClient]);
    useEffect(() => {
        const onKey = (e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
                e.preventDefault();
                void act(editing ? 'fix' : 'accept');
            }
            else if (e.key === '?' && !isTyping(e))
                setHelp((h) => !h);
        };
        window.addEventListener('keydown', onKey);
        return () => window.removeEventListener('keydown', onKey);
    }, [act, editing]);
    if (denied)
        return _jsx(NotAllowed, {});
    const shownError = error ?? (projectQuery.error ? errorText(projectQuery.error, t) : null);
    if (!project || item === undefined)
        return _jsx("div", { className: "page", children: shownError ? _jsx("div", { className: "banner error", children: shownError }) : _jsx("span", { className: "muted", children: t('common.loading') }) });
    return (_jsxs("div", { className: "workbench", "data-testid": "review", children: [_jsxs("div", { className: "wb-bar", children: [_jsx("b", { children: project.name }), item && _jsxs("span", { className: "muted small", "data-testid": "task-id", children: ["#", item.task.id, " \u00B7 ", item.annotation.annotator || item.annotation.userId] }), _jsx("span", { className: "grow" }), item && _jsxs(_Fragment, { children: [_jsx("input", { "data-testid": "review-comment", className: "comment", placeholder: t('wb.comment'), value: comment, onChange: (e) => setComment(e.target.value) }), _jsx("button", { type: "button", "data-testid": "review-reject", className: "danger", disabled: busy, onClick: () => void act('reject'), children: t('wb.reject') }), editing
                                ? _jsxs("button", { type: "button", "data-testid": "review-fix", className: "primary", disabled: busy, onClick: () => void act('fix'), children: [t('wb.fix'), " ", _jsx("kbd", { children: "Ctrl+\u21B5" })] })
                                : _jsxs(_Fragment, { children: [_jsx("button", { type: "button", "data-testid": "review-edit", onClick: () => setEditing(true), children: t('wb.edit') }), _jsxs("button", { type: "button", "data-testid": "review-accept", className: "primary", disabled: busy, onClick: () => void act('accept'), children: [t('wb.accept'), " ", _jsx("kbd", { children: "Ctrl+\u21B5" })] })] })] }), _jsx("button", { type: "button", className: "link", onClick: () => setHelp(true), children: "?" })] }), error && _jsx("div", { className: "banner error", role: "alert", "data-testid": "review-error", children: error }), item && _jsx(ReviewCompare, { project: project, item: item }, `compare-${item.annotationId}`), item && state
                ? _jsx(TaskView, { schema: project.schema, data: item.task.data, state: state, onChange: (f) => setState((s) => (s ? f(s) : s)), readOnly: !editing, mediaUrl: mediaUrl }, item.annotationId)
                : _jsxs("div", { className: "empty-state", "data-testid": "review-empty", children: [_jsx("p", { children: t('wb.reviewDone') }), _jsx("p", { className: "muted", children: t('wbx.reviewNext') }), _jsxs("div", { className: "row-actions", children: [_jsx("a", { className: "button", href: `#/projects/${project.id}`, "data-testid": "review-empty-project", children: t('wbx.backToProject') }), can(rolesIn(me, project.organizationId), 'annotate') && (_jsx("a", { className: "button primary", href: `#/projects/${project.id}/annotate`, "data-testid": "review-empty-annotate", children: t('wbx.goAnnotate') }))] })] }), help && _jsx(ShortcutSheet, { onClose: () => setHelp(false) })] }));
}
