import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import { fieldMessages, fieldWhere } from '../api/problems';
import { errorText, keys } from '../api/queries';
import { useI18n } from '../i18n';
import { defaultMapping, mapParameter, previewFile, unfilledFields } from '../lib/datamgr';
const DATA_EXT = /\.(jsonl|ndjson|json|csv|tsv)$/i;
/** How much of a data file is read for its preview. */
const HEAD_BYTES = 64 * 1024;
/** Sorts "row 2" before "row 10" so the table reads in file order. */
function rowNumber(key) {
    const m = /row\s+(\d+)/i.exec(key);
    return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}
/**
 * Import as people expect: media dropped alone become one task per file (in the schema's field of their
 * kind), media dropped with a data file are the files it refers to; a data file shows its first rows
 * and which schema field each column fills (changeable) and waits when a field is left unfilled; a file
 * imported before is named with its date; afterwards a link shows the new tasks.
 */
export function ImportTab({ project }) {
    const { t, lang } = useI18n();
    const [format, setFormat] = useState('');
    const [progress, setProgress] = useState(null);
    const [messages, setMessages] = useState([]);
    const [rowErrors, setRowErrors] = useState([]);
    const [error, setError] = useState(null);
    const [pending, setPending] = useState(null);
    const [again, setAgain] = useState(null);
    const [over, setOver] = useState(false);
    const input = useRef(null);
    const queryClient = useQueryClient();
    const history = useQuery({ queryKey: keys.imports(project.id), queryFn: () => api.imports(project.id) });
    const fmt = useMemo(() => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }), [lang]);
    const refresh = () => {
        // Even a refused file may follow accepted ones: the project's counts, tasks and imports are refreshed.
        void queryClient.invalidateQueries({ queryKey: keys.project(project.id) });
        void queryClient.invalidateQueries({ queryKey: ['projects'] });
    };
    const fail = (e) => {
        const a = e;
        // docs/api.md promises 422 for bad rows; a request the server cannot read is 400. Either way
        // a refusal that names rows (or files) is shown as the table.
        if ((a.status === 422 || a.status === 400) && Object.keys(a.errors ?? {}).length) {
            setError(t('import.failed'));
            // In words: "row 3, text" and the row's message in the user's language (the English under errors when the code is unknown).
            const words = fieldMessages(a.problem, t);
            setRowErrors(Object.keys(a.errors).sort((x, y) => rowNumber(x) - rowNumber(y))
                .map((k) => ({ where: fieldWhere(a.problem.fields[k]?.[0]?.params ?? {}, t) || k, problem: words[k] ?? '' })));
        }
        else
            setError(errorText(e, t));
    };
    /** Runs one import; a 409 (imported before) asks the person instead of failing. */
    const guarded = async (name, media, send, done) => {
        try {
            const r = await send(false);
            setMessages((m) => [...m, done(r)]);
        }
        catch (e) {
            const previous = e instanceof ApiError && e.status === 409 ? e.body.previous : undefined;
            if (!previous)
                throw e;
            setAgain({ previous, name, media, retry: async () => { const r = await send(true); setMessages((m) => [...m, done(r)]); } });
        }
    };
    const importData = async (f, map) => {
        setProgress({ name: f.name, fraction: 0 });
        await guarded(f.name, false, (a) => api.importTasks(project.id, f, (fraction) => setProgress({ name: f.name, fraction }), format || undefined, map, a), (r) => ({ text: `${f.name}: ${t('import.done', { imported: r.imported, duplicates: r.duplicates })}`, importId: r.imported > 0 ? r.importId : null }));
    };
    const run = async (files) => {
        setMessages([]);
        setRowErrors([]);
        setError(null);
        setPending(null);
        setAgain(null);
        const data = files.filter((f) => DATA_EXT.test(f.name));
        const media = files.filter((f) => !DATA_EXT.test(f.name));
        try {
            if (media.length) {
                setProgress({ name: media.map((f) => f.name).join(', '), fraction: 0 });
                const up = await api.uploadMedia(project.id, media, (fraction) => setProgress((p) => p && { ...p, fraction }));
                if (data.length)
                    setMessages((m) => [...m, { text: t('import.mediaDone', { count: up.length }) }]);
                else {
                    // Media alone: one task per file.
                    const source = media.length === 1 ? media[0].name : media.map((f) => f.name).join(', ').slice(0, 200);
                    const names = up.map((u) => u.name);
                    await guarded(source, true, (a) => api.importMediaTasks(project.id, names, source, a), (r) => ({ text: t('imp.mediaDone', { count: up.length, imported: r.imported, duplicates: r.duplicates }), importId: r.imported > 0 ? r.importId : null }));
                }
            }
            for (const f of data) {
                const preview = format && format !== 'csv' && format !== 'tsv' && format !== 'jsonl' && format !== 'json' ? null
                    : previewFile(f.name, await f.slice(0, HEAD_BYTES).text(), f.size <= HEAD_BYTES);
                if (preview) {
                    const mapping = defaultMapping(preview.columns);
                    // A file whose columns already fill every field goes in at once; otherwise it waits for its mapping.
                    if (unfilledFields(project.schema, mapping).length) {
                        setPending({ file: f, preview, mapping });
                        break;
                    }
                }
                await importData(f);
            }
        }
        catch (e) {
            fail(e);
        }
        finally {
            setProgress(null);
            refresh();
        }
    };
    const confirmPending = async () => {
        if (!pending)
            return;
        const { file, mapping } = pending;
        setPending(null);
        setError(null);
        setRowErrors([]);
        try {
            await importData(file, mapParameter(mapping));
        }
        catch (e) {
            fail(e);
        }
        finally {
            setProgress(null);
            refresh();
        }
    };
    const confirmAgain = async () => {
        if (!again)
            return;
        const retry = again.retry;
        setAgain(null);
        try {
            await retry();
        }
        catch (e) {
            fail(e);
        }
        finally {
            refresh();
        }
    };
    return (_jsxs("div", { "data-testid": "import-tab", children: [_jsx("div", { className: "row", children: _jsxs("label", { children: [t('import.format'), ' ', _jsxs("select", { "data-testid": "import-format", value: format, onChange: (e) => setFormat(e.target.value), children: [_jsx("option", { value: "", children: t('import.auto') }), ['jsonl', 'json', 'csv', 'tsv', 'labelstudio'].map((f) => _jsx("option", { children: f }, f))] })] }) }), _jsxs("div", { className: `dropzone${over ? ' over' : ''}`, "data-testid": "import-drop", onDragOver: (e) => { e.preventDefault(); setOver(true); }, onDragLeave: () => setOver(false), onDrop: (e) => { e.preventDefault(); setOver(false); void run([...e.dataTransfer.files]); }, onClick: () => input.current?.click(), children: [_jsx("p", { children: t('import.drop') }), _jsx("button", { type: "button", "data-testid": "import-choose", children: t('import.choose') }), _jsx("input", { ref: input, type: "file", multiple: true, hidden: true, "data-testid": "import-input", onChange: (e) => { void run([...(e.target.files ?? [])]); e.target.value = ''; } })] }), progress && (_jsxs("div", { className: "upload", "data-testid": "import-progress", children: [t('import.uploading', { name: progress.name }), _jsx("progress", { max: 1, value: progress.fraction }), " ", Math.round(progress.fraction * 100), "%"] })), pending && _jsx(MappingPanel, { project: project, pending: pending, onChange: setPending, onImport: () => void confirmPending(), onCancel: () => setPending(null) }), again && (_jsxs("div", { className: "banner warn", role: "alert", "data-testid": "import-again", children: [again.media
                        ? t('imp.mediaAgain', { date: fmt.format(new Date(again.previous.createdAt)), count: again.previous.imported })
                        : t('imp.again', { name: again.name, file: again.previous.fileName, date: fmt.format(new Date(again.previous.createdAt)), count: again.previous.imported }), _jsxs("div", { className: "row", children: [_jsx("button", { type: "button", className: "primary", "data-testid": "import-again-yes", onClick: () => void confirmAgain(), children: t('imp.againButton') }), _jsx("button", { type: "button", onClick: () => setAgain(null), children: t('common.cancel') })] })] })), messages.map((m, i) => (_jsxs("div", { className: "banner ok row", "data-testid": "import-result", children: [_jsx("span", { className: "grow", children: m.text }), m.importId ? _jsx("a", { "data-testid": "import-view-tasks", href: `#/projects/${project.id}/tasks?import=${m.importId}`, children: t('imp.viewTasks') }) : null] }, i))), error && _jsx("div", { className: "banner error", role: "alert", "data-testid": "import-error", children: error }), rowErrors.length > 0 && (_jsxs("table", { className: "grid", "data-testid": "import-row-errors", children: [_jsx("thead", { children: _jsxs("tr", { children: [_jsx("th", { children: t('import.where') }), _jsx("th", { children: t('import.problem') })] }) }), _jsx("tbody", { children: rowErrors.map((r, i) => _jsxs("tr", { children: [_jsx("td", { children: _jsx("code", { children: r.where }) }), _jsx("td", { children: r.problem })] }, i)) })] })), !!history.data?.length && _jsxs(_Fragment, { children: [_jsx("h3", { children: t('imp.history') }), _jsxs("table", { className: "grid", "data-testid": "import-history", children: [_jsx("thead", { children: _jsxs("tr", { children: [_jsx("th", { children: "#" }), _jsx("th", { children: t('imp.col.file') }), _jsx("th", { children: t('imp.col.when') }), _jsx("th", { children: t('imp.col.by') }), _jsx("th", { className: "num", children: t('imp.col.imported') }), _jsx("th", { className: "num", children: t('imp.col.duplicates') })] }) }), _jsx("tbody", { children: history.data.map((h) => (_jsxs("tr", { children: [_jsx("td", { children: h.id }), _jsx("td", { children: h.fileName }), _jsx("td", { className: "muted", children: fmt.format(new Date(h.createdAt)) }), _jsx("td", { children: h.createdBy }), _jsx("td", { className: "num", children: h.imported > 0 ? _jsx("a", { href: `#/projects/${project.id}/tasks?import=${h.id}`, children: h.imported }) : 0 }), _jsx("td", { className: "num", children: h.duplicates })] }, h.id))) })] })] })] }));
}
/** The first rows of a data file with a choice of schema field per column. */
function MappingPanel({ project, pending, onChange, onImport, onCancel }) {
    const { t } = useI18n();
    const { preview, mapping, file } = pending;
    const columns = preview.columns.filter((c) => c in mapping);
    const missing = unfilledFields(project.schema, mapping);
    const set = (column, target) => onChange({ ...pending, mapping: { ...mapping, [column]: target } });
    return (_jsxs("div", { className: "card", "data-testid": "import-preview", children: [_jsx("h3", { children: t('imp.preview', { name: file.name, count: preview.rows.length }) }), _jsx("p", { className: "muted", children: t('imp.mapping') }), _jsx("div", { className: "table-scroll", children: _jsxs("table", { className: "grid", children: [_jsxs("thead", { children: [_jsx("tr", { children: columns.map((c) => _jsx("th", { children: c }, c)) }), _jsx("tr", { children: columns.map((c) => (_jsx("th", { children: _jsxs("select", { "data-testid": `map-${c}`, "aria-label": `${t('imp.field')}: ${c}`, value: mapping[c], onChange: (e) => set(c, e.target.value), children: [project.schema.fields.map((f) => _jsx("option", { value: f.name, children: f.name }, f.name)), !project.schema.fields.some((f) => f.name === c) && _jsx("option", { value: c, children: t('imp.keep', { name: c }) }), _jsx("option", { value: "", children: t('imp.leaveOut') })] }) }, c))) })] }), _jsx("tbody", { children: preview.rows.map((r, i) => (_jsx("tr", { children: columns.map((c) => _jsx("td", { className: "dm-cell", children: typeof r[c] === 'string' ? r[c] : JSON.stringify(r[c] ?? '') }, c)) }, i))) })] }) }), missing.map((f) => _jsx("div", { className: "banner warn", "data-testid": "import-unfilled", children: t('imp.missing', { field: f }) }, f)), _jsxs("div", { className: "row", children: [_jsx("button", { type: "button", className: "primary", "data-testid": "import-start", disabled: missing.length > 0, onClick: onImport, children: t('imp.start', { name: file.name }) }), _jsx("button", { type: "button", onClick: onCancel, children: t('common.cancel') })] })] }));
}
