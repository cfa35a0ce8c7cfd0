import { jsx as _jsx, jsxs as _jsxs } from "react/jsx-runtime";
import { useEffect, useMemo, useRef, useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, TASK_SORTS, TASK_STATES, } from '../api';
import { errorText, keys, useMembers } from '../api/queries';
import { useI18n } from '../i18n';
import { allColumns, cellText, defaultHidden, hiddenColumns, previewOf, saveHiddenColumns } from '../lib/datamgr';
import { mediaUrlFor } from '../lib/util';
import { usePath } from '../router';
import { TaskDrawer } from './TaskDrawer';
const PAGE = 50;
/** The import a link asked for (`#/projects/1/tasks?import=7`), if any. */
function importFromPath(path) {
    const m = /[?&]import=(\d+)/.exec(path);
    return m ? Number(m[1]) : undefined;
}
/** The filters as a bulk action's selection ("every matching task"). */
function selectionOf(f) {
    return {
        state: f.state ? [f.state] : null, annotator: f.annotator ?? null, label: f.label ?? null,
        from: f.from ?? null, to: f.to ?? null, q: f.q ?? null, importId: f.importId ?? null,
    };
}
/**
 * The project's tasks as a data manager: data columns and a preview, search over the data, sort,
 * every state filter, a remembered column choice, bulk actions on the checked tasks or on every
 * matching one (only for those who manage the project), and a drawer with a task's whole story.
 */
export function TasksTab({ project, canManage }) {
    const { t, lang } = useI18n();
    const importId = importFromPath(usePath());
    const [filter, setFilter] = useState({});
    const [applied, setApplied] = useState({});
    const [sort, setSort] = useState({ sort: 'id', desc: false });
    const [checked, setChecked] = useState(new Set());
    const [allMatching, setAllMatching] = useState(false);
    const [priority, setPriority] = useState(10);
    const [message, setMessage] = useState(null);
    const [open, setOpen] = useState(null);
    const [hidden, setHidden] = useState(() => hiddenColumns(project.id, localStorage, defaultHidden(project.schema)));
    const queryClient = useQueryClient();
    // The column menu closes on a click anywhere else, as menus do.
    const columnMenu = useRef(null);
    useEffect(() => {
        const close = (e) => { if (columnMenu.current && !columnMenu.current.contains(e.target))
            columnMenu.current.open = false; };
        document.addEventListener('click', close);
        return () => document.removeEventListener('click', close);
    }, []);
    // The server filters by the annotator's user id: managers pick a person from the organisation's
    // members; anyone who may not list members falls back to typing the id.
    const members = useMembers(project.organizationId, canManage).data;
    const query = { ...applied, importId, ...(sort.sort !== 'id' ? { sort: sort.sort } : {}), ...(sort.desc ? { desc: true } : {}) };
    const countFilter = { ...applied, importId };
    const pages = useInfiniteQuery({
        queryKey: keys.tasks(project.id, query),
        queryFn: ({ pageParam }) => api.tasks(project.id, { ...query, cursor: pageParam ?? undefined, limit: PAGE }),
        initialPageParam: null,
        getNextPageParam: (last) => last.cursor ?? null,
    });
    const count = useQuery({ queryKey: keys.taskCount(project.id, countFilter), queryFn: () => api.taskCount(project.id, countFilter) });
    const rows = pages.data?.pages.flatMap((p) => p.items);
    const clearSelection = () => { setChecked(new Set()); setAllMatching(false); };
    const bulk = useMutation({
        mutationFn: ({ action }) => api.bulkTasks(project.id, allMatching ? null : [...checked], action, action === 'priority' ? priority : undefined, allMatching ? selectionOf(countFilter) : undefined),
        onSuccess: (r) => {
            setMessage(t('tasks.bulk.done', { affected: r.affected }));
            clearSelection();
            // The table, the project's counts and its statistics all change.
            void queryClient.invalidateQueries({ queryKey: keys.project(project.id) });
            void queryClient.invalidateQueries({ queryKey: ['projects'] });
        },
    });
    const selectedCount = allMatching ? count.data ?? 0 : checked.size;
    const runBulk = (action) => {
        if (!selectedCount)
            return;
        if (action === 'delete' && !window.confirm(t('tasks.bulk.confirmDelete', { count: selectedCount })))
            return;
        bulk.mutate({ action });
    };
    const failure = bulk.error ?? pages.error ?? count.error;
    const error = failure ? errorText(failure, t) : null;
    const fmt = useMemo(() => new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }), [lang]);
    const set = (k) => (e) => setFilter((f) => ({ ...f, [k]: e.target.value || undefined }));
    const setState = (e) => setFilter((f) => ({ ...f, state: (e.target.value || undefined) }));
    const setAnnotator = (e) => setFilter((f) => ({ ...f, annotator: /^\d+$/.test(e.target.value) ? Number(e.target.value) : undefined }));
    const pageChecked = !!rows?.length && rows.every((r) => checked.has(r.id));
    const toggleColumn = (c) => setHidden((h) => {
        const n = new Set(h);
        if (n.has(c))
            n.delete(c);
        else
            n.add(c);
        saveHiddenColumns(project.id, n);
        return n;
    });
    const columns = allColumns(project.schema).filter((c) => !hidden.has(c));
    const sortBy = (s) => setSort((o) => ({ sort: s, desc: o.sort === s ? !o.desc : false }));
    const columnTitle = (c) => c.startsWith('data:') ? c.slice(5) : t(c === 'preview' ? 'dm.col.preview' : `tasks.col.${c}`);
    const sortable = { state: 'state', annotations: 'annotations', updated: 'updated' };
    return (_jsxs("div", { "data-testid": "tasks-tab", children: [_jsxs("form", { className: "filters row wrap", onSubmit: (e) => { e.preventDefault(); clearSelection(); setApplied(filter); }, children: [_jsxs("label", { children: [t('dm.search'), _jsx("input", { type: "search", className: "dm-search", "data-testid": "dm-search", placeholder: t('dm.searchHint'), value: filter.q ?? '', onChange: set('q') })] }), _jsxs("label", { children: [t('tasks.filter.state'), _jsxs("select", { "data-testid": "filter-state", value: filter.state ?? '', onChange: setState, children: [_jsx("option", { value: "", children: t('common.all') }), TASK_STATES.map((s) => _jsx("option", { value: s, children: t(`state.${s}`) }, s))] })] }), _jsxs("label", { children: [t('tasks.filter.annotator'), members ? (_jsxs("select", { "data-testid": "filter-annotator", value: filter.annotator ?? '', onChange: setAnnotator, children: [_jsx("option", { value: "", children: t('common.all') }), members.map((m) => _jsx("option", { value: String(m.userId), children: m.name ? `${m.name} <${m.email}>` : m.email }, m.userId))] })) : _jsx("input", { "data-testid": "filter-annotator", inputMode: "numeric", value: filter.annotator ?? '', onChange: setAnnotator })] }), _jsxs("label", { children: [t('tasks.filter.label'), _jsx("input", { "data-testid": "filter-label", value: filter.label ?? '', onChange: set('label') })] }), _jsxs("label", { children: [t('tasks.filter.from'), _jsx("input", { type: "date", "data-testid": "filter-from", value: filter.from ?? '', onChange: set('from') })] }), _jsxs("label", { children: [t('tasks.filter.to'), _jsx("input", { type: "date", "data-testid": "filter-to", value: filter.to ?? '', onChange: set('to') })] }), _jsx("button", { type: "submit", "data-testid": "filter-apply", children: t('common.apply') }), _jsx("button", { type: "button", onClick: () => { setFilter({}); clearSelection(); setApplied({}); }, children: t('common.reset') })] }), _jsxs("div", { className: "row wrap dm-tools", children: [_jsxs("label", { children: [t('dm.sort'), ' ', _jsx("select", { "data-testid": "dm-sort", value: sort.sort, onChange: (e) => setSort((o) => ({ ...o, sort: e.target.value })), children: TASK_SORTS.map((s) => _jsx("option", { value: s, children: t(`dm.sort.${s}`) }, s)) })] }), _jsxs("label", { children: [_jsx("input", { type: "checkbox", "data-testid": "dm-desc", checked: sort.desc, onChange: (e) => setSort((o) => ({ ...o, desc: e.target.checked })) }), " ", t('dm.desc')] }), _jsxs("details", { ref: columnMenu, className: "dm-columns", "data-testid": "dm-columns", children: [_jsx("summary", { children: t('dm.columns') }), _jsx("div", { className: "menu", children: allColumns(project.schema).map((c) => (_jsxs("label", { children: [_jsx("input", { type: "checkbox", "data-testid": `col-${c}`, checked: !hidden.has(c), onChange: () => toggleColumn(c) }), " ", columnTitle(c)] }, c))) })] }), _jsx("span", { className: "grow" }), importId !== undefined && (_jsxs("span", { className: "chip", "data-testid": "dm-import-filter", children: [t('dm.importFilter', { id: importId }), ' ', _jsx("a", { href: `#/projects/${project.id}/tasks`, children: t('dm.showAll') })] })), _jsx("span", { className: "muted", "data-testid": "dm-count", children: count.data !== undefined ? t('dm.matching', { count: count.data }) : '' })] }), canManage && selectedCount > 0 && (_jsxs("div", { className: "bulk row wrap", "data-testid": "bulk-bar", children: [_jsx("b", { "data-testid": "bulk-count", children: allMatching ? t('dm.allSelected', { count: selectedCount }) : t('tasks.selected', { count: selectedCount }) }), !allMatching && pageChecked && (count.data ?? 0) > checked.size && (_jsx("button", { type: "button", className: "link", "data-testid": "select-all-matching", onClick: () => setAllMatching(true), children: t('dm.selectAll', { count: count.data ?? 0 }) })), _jsx("button", { type: "button", className: "link", "data-testid": "clear-selection", onClick: clearSelection, children: t('dm.clearSelection') }), _jsx("span", { className: "grow" }), _jsx("input", { type: "number", "aria-label": t('tasks.col.priority'), value: priority, onChange: (e) => setPriority(Number(e.target.value)), style: { width: '5em' } }), _jsx("button", { type: "button", "data-testid": "bulk-priority", disabled: bulk.isPending, onClick: () => runBulk('priority'), children: t('tasks.bulk.priority') }), _jsx("button", { type: "button", "data-testid": "bulk-release", disabled: bulk.isPending, onClick: () => runBulk('release'), children: t('tasks.bulk.release') }), _jsx("button", { type: "button", "data-testid": "bulk-delete", className: "danger", disabled: bulk.isPending, onClick: () => runBulk('delete'), children: t('tasks.bulk.delete') })] })), message && _jsx("div", { className: "banner ok", role: "status", children: message }), error && _jsx("div", { className: "banner error", role: "alert", children: error }), !rows ? _jsx("p", { className: "muted", children: t('common.loading') }) : rows.length === 0 ? _jsx("p", { className: "empty-state", children: t('tasks.empty') }) : (_jsx("div", { className: "table-scroll", children: _jsxs("table", { className: "grid dm", "data-testid": "task-table", children: [_jsx("thead", { children: _jsxs("tr", { children: [canManage && _jsx("th", { children: _jsx("input", { type: "checkbox", "data-testid": "check-all", "aria-label": t('dm.selectPage', { count: rows.length }), title: t('dm.selectPage', { count: rows.length }), checked: pageChecked || allMatching, onChange: () => { setAllMatching(false); setChecked(pageChecked ? new Set() : new Set(rows.map((r) => r.id))); } }) }), _jsx("th", { children: _jsxs("button", { type: "button", className: "link sort", "data-testid": "sort-id", onClick: () => sortBy('id'), children: [t('dm.col.id'), sort.sort === 'id' ? (sort.desc ? ' ▼' : ' ▲') : ''] }) }), columns.map((c) => {
                                        const s = sortable[c];
                                        return (_jsx("th", { "data-testid": `th-${c}`, children: s ? _jsxs("button", { type: "button", className: "link sort", "data-testid": `sort-${s}`, onClick: () => sortBy(s), children: [columnTitle(c), sort.sort === s ? (sort.desc ? ' ▼' : ' ▲') : ''] }) : columnTitle(c) }, c));
                                    })] }) }), _jsx("tbody", { children: rows.map((r) => (_jsxs("tr", { "data-testid": `task-row-${r.id}`, className: open === r.id ? 'sel' : '', children: [canManage && _jsx("td", { children: _jsx("input", { type: "checkbox", "data-testid": `check-${r.id}`, checked: allMatching || checked.has(r.id), onChange: () => { setAllMatching(false); setChecked((s) => { const n = new Set(s); if (n.has(r.id))
                                                n.delete(r.id);
                                            else
                                                n.add(r.id); return n; }); } }) }), _jsx("td", { children: _jsx("button", { type: "button", className: "link", "data-testid": `open-${r.id}`, onClick: () => setOpen(r.id), children: r.id }) }), columns.map((c) => _jsx("td", { "data-testid": `cell-${c}`, className: c.startsWith('data:') || c === 'preview' ? 'dm-cell' : c === 'updated' ? 'muted' : '', children: cell(c, r) }, c))] }, r.id))) })] }) })), pages.hasNextPage && _jsx("button", { type: "button", "data-testid": "load-more", disabled: pages.isFetchingNextPage, onClick: () => void pages.fetchNextPage(), children: t('common.more') }), open && _jsx(TaskDrawer, { project: project, taskId: open, onClose: () => setOpen(null) })] }));
    function cell(c, r) {
        const data = r.data;
        switch (c) {
            case 'preview': return _jsx(PreviewCell, { project: project, data: data });
            case 'key': return r.key ?? '';
            case 'state': return _jsx("span", { className: `state-pill ${r.state}`, "data-testid": "task-state", children: t(`state.${r.state}`) });
            case 'priority': return r.priority;
            case 'annotations': return r.annotationCount;
            case 'updated': return r.updatedAt ? fmt.format(new Date(r.updatedAt)) : '';
            default: {
                const field = project.schema.fields.find((f) => f.name === c.slice(5));
                const text = cellText(data[c.slice(5)], field?.type === 'image' || field?.type === 'audio' || field?.type === 'video');
                return _jsx("span", { title: text, children: text });
            }
        }
    }
}
/** A row's first picture, sound or words. */
function PreviewCell({ project, data }) {
    const p = previewOf(project.schema, data);
    if (!p)
        return null;
    if (p.kind === 'text')
        return _jsx("span", { className: "snippet", "data-testid": "preview-text", children: p.text });
    if (p.kind === 'image')
        return _jsx("img", { className: "thumb", "data-testid": "preview-image", src: mediaUrlFor(project.id, p.src), alt: "", loading: "lazy" });
    if (p.kind === 'audio')
        return _jsx("audio", { className: "mini", "data-testid": "preview-audio", controls: true, preload: "none", src: mediaUrlFor(project.id, p.src) });
    return _jsxs("span", { "data-testid": "preview-video", children: ["\uD83C\uDF9E ", cellText(p.src, true)] });
}
