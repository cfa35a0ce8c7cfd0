import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, type ExportFormat, type ExportJob, type Project, type TaskState } from '../api';
import { errorText, keys } from '../api/queries';
import { useT, type MessageKey } from '../i18n';

const FORMATS: ExportFormat[] = ['jsonl', 'labelstudio', 'csv', 'conll', 'coco'];
const STATES = ['', 'annotated', 'in_review', 'accepted', 'rejected'] as const satisfies readonly (TaskState | '')[];
const finished = (j: ExportJob | undefined) => j?.status === 'done' || j?.status === 'failed';

export function ExportTab({ project }: { project: Project }) {
  const t = useT();
  const [format, setFormat] = useState<ExportFormat>('jsonl');
  const [state, setState] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [history, setHistory] = useState(false);
  const starting = useMutation({
    mutationFn: () => api.startExport(project.id, { format, state: state || undefined, from: from || undefined, to: to || undefined, history }),
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
  const failure = starting.error ?? polled.error;
  const error = failure ? errorText(failure, t) : null;

  const start = (e: React.FormEvent) => {
    e.preventDefault();
    starting.mutate();
  };

  const running = starting.isPending || (!!job && !finished(job));
  return (
    <form className="card form-grid narrow" onSubmit={start} data-testid="export-tab">
      <h3>{t('export.title')}</h3>
      <label>{t('export.format')}
        <select data-testid="export-format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>{FORMATS.map((f) => <option key={f}>{f}</option>)}</select>
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
      <label><input type="checkbox" data-testid="export-history" checked={history} onChange={(e) => setHistory(e.target.checked)} /> {t('export.history')}</label>
      <button type="submit" className="primary" disabled={!!running} data-testid="export-start">{t('export.start')}</button>
      {job && (
        <div data-testid="export-job" data-status={job.status}>
          <p>{t('export.status', { status: ['queued', 'running', 'done', 'failed'].includes(job.status) ? t(`export.st.${job.status}` as MessageKey) : job.status })}{job.rows != null ? ` · ${t('export.rows', { rows: job.rows })}` : ''}</p>
          {running && <progress data-testid="export-progress" />}
          {job.status === 'done' && <a className="button primary" data-testid="export-download" href={job.downloadUrl ?? api.exportDownloadUrl(job.id)} download>{t('export.download')}</a>}
          {job.status === 'failed' && <div className="banner error">{t('export.failed', { error: job.error ?? '' })}</div>}
        </div>
      )}
      {error && <div className="banner error" role="alert">{error}</div>}
    </form>
  );
}
