import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Markdown } from '../lib/Markdown';
import { api, ApiError } from '../api';
import { errorText, useProject } from '../api/queries';
import { useI18n } from '../i18n';
import { mediaUrlFor, preloadMedia, uuid } from '../lib/util';
import { DraftStore, Outbox, SendError } from './outbox';
import { problemMessage } from '../api/problems';
import { useOnline } from './online';
import { copyRegions, initState, missingRequired, toResult } from './state';
import { ShortcutSheet, TaskView } from './TaskView';
import { isTyping } from './context';
import { releaseLeases, takeReleased } from './release';
import { HistoryButton } from './History';
import { NotAllowed } from '../pages/NotAllowed';
import { can, rolesIn } from '../roles';
import { useSession } from '../session';
const DRAFT_DEBOUNCE_MS = 1500;
const RETRY_MS = 10_000;
const drafts = new DraftStore(localStorage);
export const outbox = new Outbox(localStorage, async (p) => {
    try {
        await api.submit(p.assignmentId, p.result, p.leadTimeSeconds, p.key);
    }
    catch (e) {
        const err = e instanceof ApiError ? e : new ApiError(0, { detail: String(e) });
        const details = Object.entries(err.errors).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ');
        throw new SendError(err.status, details || err.message, err.isNetwork ? undefined : err.problem);
    }
});
/** The annotator's page: one task at a time from the queue, the next one already fetched. The
 *  project comes through the query cache; the queue is not a query: each call leases a task, so it
 *  is called when a task is needed, and the next one is leased ahead while this one is worked on. */
export function AnnotatePage({ projectId }) {
    const { t, lang } = useI18n();
    const { me } = useSession();
    const projectQuery = useProject(projectId);
    // Someone whose roles do not include annotating (a reviewer following a link) is told so rather than refused by the queue.
    const denied = !!projectQuery.data && !can(rolesIn(me, projectQuery.data.organizationId), 'annotate');
    const project = denied ? null : projectQuery.data ?? null;
    const [item, setItem] = useState(undefined);
    const [state, setState] = useState(null);
    const [error, setError] = useState(null);
    const [draftStatus, setDraftStatus] = useState('idle');
    const [pending, setPending] = useState(outbox.failing());
    const [queued, setQueued] = useState(outbox.pending());
    const [rejected, setRejected] = useState(outbox.refused());
    const online = useOnline();
    // Offline with no task fetched ahead: the submitted task leaves the screen (no edits after submitting
    // by mistake) and the next one is fetched once the connection is back.
    const [waiting, setWaiting] = useState(false);
    const [help, setHelp] = useState(false);
    const [showInstr, setShowInstr] = useState(false);
    const [missing, setMissing] = useState([]);
    const prefetch = useRef(null);
    // The lease fetched ahead, once its answer is in (read while the page is being left).
    const ahead = useRef(null);
    const startedAt = useRef(0);
    const [prevResult, setPrevResult] = useState(null);
    const dirty = useRef(false);
    const lastSaved = useRef(null);
    const mediaUrl = useCallback((v) => mediaUrlFor(projectId, v), [projectId]);
    // Leases this page must not be handed again: the one on screen and submissions still being sent.
    // Skips still on their way count too: a fetch-ahead that reaches the server before the skip would
    // be handed the skipped lease again, and the task would come up twice (once under that lease, once
    // under the fresh lease the server makes when the skipped task comes back).
    const skipping = useRef(new Map());
    // Leases this tab's previous page gave back as it went (a reload): their release may still be travelling.
    const [releasedAtStart] = useState(takeReleased);
    const releasedBefore = useRef(releasedAtStart);
    const inFlight = (showing) => [
        ...(showing ? [showing] : []),
        ...releasedBefore.current,
        ...outbox.list().filter((x) => !x.rejected).map((x) => x.assignmentId),
        ...skipping.current.keys(),
    ];
    const refreshOutbox = () => { setPending(outbox.failing()); setQueued(outbox.pending()); setRejected(outbox.refused()); };
    const flush = useCallback(() => { void outbox.flush().finally(refreshOutbox); }, []);
    const startPrefetch = useCallback((schemaFields, showing) => {
        const p = api.nextTask(projectId, inFlight(showing));
        ahead.current = null;
        p.then((n) => { if (prefetch.current === p)
            ahead.current = n?.assignmentId ?? null; if (n)
            preloadMedia(n.task.data, schemaFields, mediaUrl); }).catch(() => { });
        prefetch.current = p;
    }, [projectId, mediaUrl]);
    const show = useCallback((p, next) => {
        setItem(next);
        setMissing([]);
        dirty.current = false;
        lastSaved.current = null;
        setDraftStatus('idle');
        if (!next) {
            setState(null);
            return;
        }
        const local = drafts.get(next.assignmentId);
        setState(initState(p.schema, { draft: local ?? next.draft, predictions: next.task.predictions }));
        startedAt.current = performance.now();
        startPrefetch(p.schema.fields, next.assignmentId);
    }, [startPrefetch]);
    const advance = useCallback(async (p) => {
        const pre = prefetch.current;
        prefetch.current = null;
        ahead.current = null;
        try {
            let next = pre ? await pre.catch(() => null) : null;
            if (!next)
                next = await api.nextTask(projectId, inFlight());
            // Nothing else left while a skip is still travelling: once it lands the skipped task is due again.
            if (!next && skipping.current.size) {
                await Promise.allSettled([...skipping.current.values()]);
                next = await api.nextTask(projectId, inFlight());
            }
            releasedBefore.current = [];
            show(p, next);
            setError(null);
            setWaiting(false);
        }
        catch (e) {
            if (e instanceof ApiError && e.isNetwork) {
                show(p, null);
                setWaiting(true);
                setError(null);
            }
            else
                setError(errorText(e, t));
        }
    }, [projectId, show, t]);
    // The first task is leased once the project is known; later ones by submit and skip.
    const started = useRef(false);
    useEffect(() => {
        if (!project || started.current)
            return;
        started.current = true;
        void advance(project);
    }, [project, advance]);
    // Back online: send what waits and fetch the next task if none is on screen.
    useEffect(() => {
        if (!online)
            return;
        flush();
        if (waiting && project)
            void advance(project);
    }, [online, waiting, project, advance, flush]);
    useEffect(() => {
        flush();
        const timer = setInterval(flush, RETRY_MS);
        return () => clearInterval(timer);
    }, [flush]);
    // Leaving (tab closed or reloaded, or elsewhere in the app): the task fetched ahead goes back, and
    // the one on screen too while it is untouched (no draft here or on the server, not a rejected one
    // sent back to this annotator); one with edits stays leased, its draft waiting for the annotator.
    const leaving = useRef(() => []);
    useEffect(() => {
        leaving.current = () => {
            const untouched = item && !dirty.current && !item.draft && !item.reviewComment && !drafts.get(item.assignmentId);
            return [...(ahead.current ? [ahead.current] : []), ...(untouched ? [item.assignmentId] : [])];
        };
    });
    useEffect(() => {
        const onHide = () => releaseLeases(leaving.current());
        window.addEventListener('pagehide', onHide);
        return () => {
            window.removeEventListener('pagehide', onHide);
            releaseLeases(leaving.current());
            // A fetch-ahead still travelling is given back once it is answered.
            const pre = prefetch.current;
            if (pre && ahead.current === null)
                void pre.then((n) => n && api.release(n.assignmentId)).catch(() => { });
        };
    }, []);
    // Drafts: written locally at once, sent to the server after a pause in editing.
    const result = useMemo(() => (state && project ? toResult(state, project.schema) : null), [state, project]);
    useEffect(() => {
        if (!item || !result || !dirty.current)
            return;
        const json = JSON.stringify(result);
        // Selecting a region changes the state but not the result: nothing to save.
        if (json === lastSaved.current)
            return;
        drafts.put(item.assignmentId, result);
        const id = item.assignmentId;
        let retry;
        let cancelled = false;
        const save = () => {
            setDraftStatus('saving');
            api.saveDraft(id, result).then(() => {
                if (cancelled)
                    return;
                lastSaved.current = json;
                setDraftStatus('saved');
            }).catch(() => {
                // A newer edit or the next task supersedes this save; only the live one retries.
                if (cancelled)
                    return;
                setDraftStatus('failed');
                retry = setTimeout(save, RETRY_MS);
            });
        };
        const timer = setTimeout(save, DRAFT_DEBOUNCE_MS);
        return () => { cancelled = true; clearTimeout(timer); if (retry)
            clearTimeout(retry); };
    }, [item, result]);
    // What the last submit found missing and is still missing: filling a control in clears it at once.
    const stillMissing = useMemo(() => {
        if (!missing.length || !result || !project)
            return missing;
        const now = missingRequired(result, project.schema);
        return missing.filter((name) => now.includes(name));
    }, [result, missing, project]);
    const onChange = useCallback((f) => {
        setState((s) => { if (!s)
            return s; const n = f(s); if (n.result !== s.result)
            dirty.current = true; return n; });
    }, []);
    const submit = useCallback(() => {
        if (!project || !item || !state)
            return;
        const r = toResult(state, project.schema);
        const miss = missingRequired(r, project.schema);
        setMissing(miss);
        if (miss.length)
            return;
        outbox.add({ key: uuid(), assignmentId: item.assignmentId, taskId: item.task.id, projectId, result: r, leadTimeSeconds: Math.round((performance.now() - startedAt.current) / 100) / 10 });
        drafts.remove(item.assignmentId);
        setPrevResult(r);
        refreshOutbox();
        flush();
        void advance(project);
    }, [project, item, state, projectId, flush, advance]);
    const skip = useCallback(() => {
        if (!project || !item)
            return;
        const id = item.assignmentId;
        drafts.remove(id);
        skipping.current.set(id, api.skip(id).catch(() => setError(t('wb.saveFailed'))).finally(() => skipping.current.delete(id)));
        void advance(project);
    }, [project, item, advance, t]);
    // Registered once and reading the latest handlers from a ref: a listener re-registered when
    // `submit` changes would be dropped from a key event already being dispatched (Esc clears the
    // selection in TaskView's listener first, which re-rendered this page and lost the Esc here).
    const keys = useRef({ submit, skip, help });
    useEffect(() => { keys.current = { submit, skip, help }; });
    useEffect(() => {
        const onKey = (e) => {
            const mod = e.ctrlKey || e.metaKey;
            const k = keys.current;
            if (mod && e.key === 'Enter') {
                e.preventDefault();
                k.submit();
            }
            else if (mod && e.shiftKey && e.key.toLowerCase() === 's') {
                e.preventDefault();
                k.skip();
            }
            else if (e.key === '?' && !isTyping(e)) {
                e.preventDefault();
                setHelp((h) => !h);
            }
            else if (e.key === 'Escape' && k.help)
                setHelp(false);
        };
        window.addEventListener('keydown', onKey);
        return () => window.removeEventListener('keydown', onKey);
    }, []);
    if (denied)
        return _jsx(NotAllowed, {});
    if (projectQuery.error)
        return _jsx("div", { className: "page", children: _jsx("div", { className: "banner error", children: errorText(projectQuery.error, t) }) });
    if (!project || item === undefined)
        return _jsx("div", { className: "page muted", children: t('common.loading') });
    const hasImageControls = project.schema.controls.some((c) => ['rectangles', 'polygons', 'keypoints'].includes(c.type));
    return (_jsxs("div", { className: "workbench", "data-testid": "workbench", children: [_jsxs("div", { className: "wb-bar", children: [_jsx("b", { children: project.name }), item && _jsxs("span", { className: "muted small", "data-testid": "task-id", children: ["#", item.task.id] }), item?.expiresAt && _jsx("span", { className: "muted small", "data-testid": "lease-expires", children: t('wb.expires', { time: new Date(item.expiresAt).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' }) }) }), _jsx("span", { className: "grow" }), _jsx("span", { className: `save-state ${draftStatus}`, "data-testid": "draft-status", children: draftStatus === 'saving' ? t('wb.saving') : draftStatus === 'saved' ? t('wb.saved') : '' }), _jsx(HistoryButton, { project: project }), project.instructions && _jsx("button", { type: "button", onClick: () => setShowInstr((v) => !v), "data-testid": "instructions-toggle", children: t('wb.instructions') }), item && state && _jsxs(_Fragment, { children: [hasImageControls && prevResult && (_jsx("button", { type: "button", "data-testid": "copy-previous", onClick: () => onChange((s) => copyRegions(s, project.schema, prevResult)), children: t('wb.copyPrev') })), _jsx("button", { type: "button", "data-testid": "skip", onClick: skip, title: "Ctrl+Shift+S", children: t('wb.skip') }), _jsxs("button", { type: "button", className: "primary", "data-testid": "submit", onClick: submit, title: "Ctrl+Enter", children: [t('wb.submit'), " ", _jsx("kbd", { children: "Ctrl+\u21B5" })] })] }), _jsx("button", { type: "button", className: "link", onClick: () => setHelp(true), "data-testid": "help", children: "?" })] }), !online && (_jsxs("div", { className: "banner warn", "data-testid": "offline-banner", role: "status", children: [t('wb.offline'), " ", queued > 0 && _jsx("b", { "data-testid": "pending-count", children: t('wb.offlinePending', { count: queued }) })] })), online && (draftStatus === 'failed' || pending > 0) && (_jsxs("div", { className: "banner warn", "data-testid": "save-banner", role: "status", children: [t('wb.saveFailed'), " ", pending > 0 && t('wb.pending', { count: pending }), _jsx("button", { type: "button", onClick: flush, "data-testid": "retry-now", children: t('wb.retryNow') })] })), rejected.map((p) => (_jsxs("div", { className: "banner error", "data-testid": p.editedAfterSubmit ? 'edited-after-submit' : 'rejected-banner', role: "alert", children: [p.editedAfterSubmit ? t('wb.editedAfterSubmit', { task: p.taskId ?? p.assignmentId })
                        : t('wb.refused', { task: p.taskId ?? p.assignmentId, message: p.problem ? problemMessage(p.problem, t) : p.rejected ?? '' }), _jsx("button", { type: "button", onClick: () => { outbox.dismiss(p.key); refreshOutbox(); }, children: p.editedAfterSubmit ? t('wb.discardEdits') : t('common.close') })] }, p.key))), error && _jsx("div", { className: "banner error", role: "alert", children: error }), stillMissing.length > 0 && _jsx("div", { className: "banner error", "data-testid": "missing-banner", role: "alert", children: t('wb.missing', { names: stillMissing.join(', ') }) }), item?.reviewComment && _jsx("div", { className: "banner info", "data-testid": "review-comment", children: t('wb.reviewComment', { comment: item.reviewComment }) }), showInstr && _jsx(Markdown, { className: "instructions", testId: "instructions", source: project.instructions }), item && state ? (_jsx(TaskView, { schema: project.schema, data: item.task.data, state: state, onChange: onChange, mediaUrl: mediaUrl }, item.assignmentId)) : waiting ? (_jsx("div", { className: "empty-state", "data-testid": "offline-waiting", children: t('wb.offlineWaiting') })) : (_jsx("div", { className: "empty-state", "data-testid": "queue-empty", children: t('wb.done') })), _jsx("div", { className: "wb-foot muted small", children: t('wb.shortcutsHint') }), help && _jsx(ShortcutSheet, { onClose: () => setHelp(false) })] }));
}
