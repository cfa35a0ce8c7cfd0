import { jsx as _jsx, jsxs as _jsxs } from "react/jsx-runtime";
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { errorText, keys } from '../api/queries';
import { useI18n, useT } from '../i18n';
const FORMATS = ['jsonl', 'labelstudio', 'csv', 'conll', 'coco'];
const STATES = ['', 'annotated', 'in_review', 'accepted', 'rejected'];
const finished = (j) => j?.status === 'done' || j?.status === 'failed';
export function ExportTab({ project }) {
    const t = useT();
    const [format, setFormat] = useState('jsonl');
    const [state, setState] = useState('');
    const [from, setFrom] = useState('');
    const [to, setTo] = useState('');
    const [history, setHistory] = useState(false);
    const queryClient = useQueryClient();
    const starting = useMutation({
        mutationFn: () => api.startExport(project.id, { format, state: state || undefined, from: from || undefined, to: to || undefined, history }),
        onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.exports(project.id) }),
    });
    const started = starting.data;
    // The job is polled until it is done or failed, less often the longer it runs.
    const polled = useQuery({
        queryKey: keys.exportJob(started?.id ?? 0),
        queryFn: () => api.exportJob(started.id),
        enabled: !!started && !finished(started),
        refetchInterval: (q) => (finished(q.state.data) ? false : Math.min(500 * 1.5 ** q.state.dataUpdateCount, 3000)),
        initialData: started,
        initialDataUpdatedAt: 0,
        staleTime: 0,
    });
    const job = started ? polled.data ?? started : null;
    // The history shows the finished job once polling has seen it finish.
    const jobDone = finished(job ?? undefined);
    useEffect(() => { if (jobDone)
        void queryClient.invalidateQueries({ queryKey: keys.exports(project.id) }); }, [jobDone, queryClient, project.id]);
    const failure = starting.error ?? polled.error;
    const error = failure ? errorText(failure, t) : null;
    const start = (e) => {
        e.preventDefault();
        starting.mutate();
    };
    const running = starting.isPending || (!!job && !finished(job));
    return (_jsxs("div", { className: "export-page", children: [_jsxs("form", { className: "card form-grid narrow", onSubmit: start, "data-testid": "export-tab", children: [_jsx("h3", { children: t('export.title') }), _jsxs("label", { children: [t('export.format'), _jsx("select", { "data-testid": "export-format", value: format, onChange: (e) => setFormat(e.target.value), children: FORMATS.map((f) => _jsx("option", { value: f, children: t(`export.format.${f}`) }, f)) })] }), _jsxs("label", { children: [t('export.state'), _jsx("select", { "data-testid": "export-state", value: state, onChange: (e) => setState(e.target.value), children: STATES.map((s) => _jsx("option", { value: s, children: s ? t(`state.${s}`) : t('common.all') }, s)) })] }), _jsxs("div", { className: "row", children: [_jsxs("label", { children: [t('tasks.filter.from'), _jsx("input", { type: "date", "data-testid": "export-from", value: from, onChange: (e) => setFrom(e.target.value) })] }), _jsxs("label", { children: [t('tasks.filter.to'), _jsx("input", { type: "date", "data-testid": "export-to", value: to, onChange: (e) => setTo(e.target.value) })] })] }), _jsxs("label", { className: "check", children: [_jsx("input", { type: "checkbox", "data-testid": "export-history", checked: history, onChange: (e) => setHistory(e.target.checked) }), " ", t('export.history')] }), _jsx("button", { type: "submit", className: "primary", disabled: !!running, "data-testid": "export-start", children: t('export.start') }), job && (_jsxs("div", { "data-testid": "export-job", "data-status": job.status, children: [_jsxs("p", { children: [t('export.status', { status: ['queued', 'running', 'done', 'failed'].includes(job.status) ? t(`export.st.${job.status}`) : job.status }), job.rows != null ? ` · ${t('export.rows', { rows: job.rows })}` : ''] }), running && _jsx("progress", { "data-testid": "export-progress" }), job.status === 'done' && _jsx("a", { className: "button primary", "data-testid": "export-download", href: job.downloadUrl ?? api.exportDownloadUrl(job.id), download: job.fileName || true, children: t('export.download') }), job.status === 'failed' && _jsx("div", { className: "banner error", children: t('export.failed', { error: job.error ?? '' }) })] })), error && _jsx("div", { className: "banner error", role: "alert", children: error })] }), _jsx(ExportHistory, { projectId: project.id })] }));
}
/** Bytes as people read them: 812 B, 4.2 KB, 13 MB. */
export function formatSize(bytes) {
    if (bytes < 1024)
        return `${bytes} B`;
    const units = ['KB', 'MB', 'GB', 'TB'];
    let v = bytes / 1024;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
    }
    return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
/** The project's export jobs, newest first: when, what, how far, how big, who asked, and the file. */
function ExportHistory({ projectId }) {
    const { t, lang } = useI18n();
    const query = useQuery({
        queryKey: keys.exports(projectId),
        queryFn: () => api.exports(projectId),
        // Jobs still running are followed until they finish.
        refetchInterval: (q) => (q.state.data?.some((j) => !finished(j)) ? 2000 : false),
    });
    const jobs = query.data;
    return (_jsxs("div", { className: "card", "data-testid": "export-jobs", children: [_jsx("h3", { children: t('export.jobs') }), query.error && _jsx("div", { className: "banner error", children: errorText(query.error, t) }), !jobs ? _jsx("p", { className: "muted", children: t('common.loading') }) : jobs.length === 0 ? _jsx("p", { className: "muted", "data-testid": "export-jobs-empty", children: t('export.jobsEmpty') }) : (_jsxs("table", { className: "grid", children: [_jsx("thead", { children: _jsxs("tr", { children: [_jsx("th", { children: t('export.col.when') }), _jsx("th", { children: t('export.col.format') }), _jsx("th", { children: t('export.col.state') }), _jsx("th", { className: "num", children: t('export.col.rows') }), _jsx("th", { className: "num", children: t('export.col.size') }), _jsx("th", { children: t('export.col.by') }), _jsx("th", { children: t('export.col.file') })] }) }), _jsx("tbody", { children: jobs.map((j) => (_jsxs("tr", { "data-testid": `export-job-${j.id}`, "data-status": j.status, children: [_jsx("td", { children: new Date(j.createdAt).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' }) }), _jsx("td", { children: t(`export.format.${j.format}`) }), _jsx("td", { children: _jsx("span", { className: `pill st-${j.status}`, title: j.error ?? undefined, children: t(`export.st.${j.status}`) }) }), _jsx("td", { className: "num", children: j.status === 'done' ? j.rows : `${j.rows} / ${j.totalRows}` }), _jsx("td", { className: "num", "data-testid": "export-job-size", children: j.sizeBytes != null ? formatSize(j.sizeBytes) : '—' }), _jsx("td", { children: j.requestedBy }), _jsx("td", { children: j.status === 'done' && j.downloadUrl
                                        ? _jsx("a", { href: j.downloadUrl, download: j.fileName, "data-testid": "export-job-download", children: j.fileName })
                                        : _jsx("span", { className: "muted", children: j.fileName }) })] }, j.id))) })] }))] }));
}
