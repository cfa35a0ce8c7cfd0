import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ExportFormat, type ExportJob, type Project, type TaskState } from '../api';
import { errorText, keys } from '../api/queries';
import { useI18n, useT, type MessageKey } from '../i18n';

const FORMATS: ExportFormat[] = ['jsonl', 'labelstudio', 'csv', 'conll', 'coco', 'yolo', 'voc', 'parquet'];
const STATES = ['', 'annotated', 'in_review', 'accepted', 'rejected'] as const satisfies readonly (TaskState | '')[];
const finished = (j: ExportJob | undefined) => j?.status === 'done' || j?.status === 'incomplete' || j?.status === 'failed';
// An incomplete file is written and downloadable; some items could not be expressed in its format.
const downloadable = (j: ExportJob) => j.status === 'done' || j.status === 'incomplete';

export function ExportTab({ project }: { project: Project }) {
  const t = useT();
  const [format, setFormat] = useState<ExportFormat>('jsonl');
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
    queryFn: () => api.exportJob(started!.id),
    enabled: !!started && !finished(started),
    refetchInterval: (q) => (finished(q.state.data) ? false : Math.min(500 * 1.5 ** q.state.dataUpdateCount, 3000)),
    initialData: started,
    initialDataUpdatedAt: 0,
    staleTime: 0,
  });
  const job = started ? polled.data ?? started : null;
  // The history shows the finished job once polling has seen it finish.
  const jobDone = finished(job ?? undefined);
  useEffect(() => { if (jobDone) void queryClient.invalidateQueries({ queryKey: keys.exports(project.id) }); }, [jobDone, queryClient, project.id]);
  const failure = starting.error ?? polled.error;
  const error = failure ? errorText(failure, t) : null;

  const start = (e: React.FormEvent) => {
    e.preventDefault();
    starting.mutate();
  };

  const running = starting.isPending || (!!job && !finished(job));
  return (
    <div className="export-page">
    <form className="card form-grid narrow" onSubmit={start} data-testid="export-tab">
      <h3>{t('export.title')}</h3>
      <label>{t('export.format')}
        <select data-testid="export-format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>{FORMATS.map((f) => <option key={f} value={f}>{t(`export.format.${f}`)}</option>)}</select>
      </label>
      <label>{t('export.state')}
        <select data-testid="export-state" value={state} onChange={(e) => setState(e.target.value)}>
          {STATES.map((s) => <option key={s} value={s}>{s ? t(`state.${s}` as MessageKey) : t('common.all')}</option>)}
        </select>
      </label>
      <div className="row">
        <label>{t('tasks.filter.from')}<input type="date" data-testid="export-from" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>{t('tasks.filter.to')}<input type="date" data-testid="export-to" value={to} onChange={(e) => setTo(e.target.value)} /></label>
      </div>
      <label className="check"><input type="checkbox" data-testid="export-history" checked={history} onChange={(e) => setHistory(e.target.checked)} /> {t('export.history')}</label>
      <button type="submit" className="primary" disabled={!!running} data-testid="export-start">{t('export.start')}</button>
      {job && (
        <div data-testid="export-job" data-status={job.status}>
          <p>{t('export.status', { status: ['queued', 'running', 'done', 'incomplete', 'failed'].includes(job.status) ? t(`export.st.${job.status}` as MessageKey) : job.status })}{job.rows != null ? ` · ${t('export.rows', { rows: job.rows })}` : ''}</p>
          {running && <progress data-testid="export-progress" />}
          {job.status === 'incomplete' && <div className="banner warn" data-testid="export-incomplete">{t('export.incomplete', { note: job.error ?? '' })}</div>}
          {downloadable(job) && <a className="button primary" data-testid="export-download" href={job.downloadUrl ?? api.exportDownloadUrl(job.id)} download={job.fileName || true}>{t('export.download')}</a>}
          {job.status === 'failed' && <div className="banner error">{t('export.failed', { error: job.error ?? '' })}</div>}
        </div>
      )}
      {error && <div className="banner error" role="alert">{error}</div>}
    </form>
    <ExportHistory projectId={project.id} />
    </div>
  );
}

/** Bytes as people read them: 812 B, 4.2 KB, 13 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024; let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** The project's export jobs, newest first: when, what, how far, how big, who asked, and the file. */
function ExportHistory({ projectId }: { projectId: number }) {
  const { t, lang } = useI18n();
  const query = useQuery({
    queryKey: keys.exports(projectId),
    queryFn: () => api.exports(projectId),
    // Jobs still running are followed until they finish.
    refetchInterval: (q) => (q.state.data?.some((j) => !finished(j)) ? 2000 : false),
  });
  const jobs = query.data;
  return (
    <div className="card" data-testid="export-jobs">
      <h3>{t('export.jobs')}</h3>
      {query.error && <div className="banner error">{errorText(query.error, t)}</div>}
      {!jobs ? <p className="muted">{t('common.loading')}</p> : jobs.length === 0 ? <p className="muted" data-testid="export-jobs-empty">{t('export.jobsEmpty')}</p> : (
        <table className="grid">
          <thead><tr>
            <th>{t('export.col.when')}</th><th>{t('export.col.format')}</th><th>{t('export.col.state')}</th>
            <th className="num">{t('export.col.rows')}</th><th className="num">{t('export.col.size')}</th><th>{t('export.col.by')}</th><th>{t('export.col.file')}</th>
          </tr></thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} data-testid={`export-job-${j.id}`} data-status={j.status}>
                <td>{new Date(j.createdAt).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' })}</td>
                <td>{t(`export.format.${j.format}`)}</td>
                <td><span className={`pill st-${j.status}`} title={j.error ?? undefined}>{t(`export.st.${j.status}`)}</span></td>
                <td className="num">{downloadable(j) ? j.rows : `${j.rows} / ${j.totalRows}`}</td>
                <td className="num" data-testid="export-job-size">{j.sizeBytes != null ? formatSize(j.sizeBytes) : '—'}</td>
                <td>{j.requestedBy}</td>
                <td>{downloadable(j) && j.downloadUrl
                  ? <a href={j.downloadUrl} download={j.fileName} data-testid="export-job-download">{j.fileName}</a>
                  : <span className="muted">{j.fileName}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
