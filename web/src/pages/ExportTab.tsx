import { useEffect, useRef, useState } from 'react';
import { api, ApiError, type ExportFormat, type ExportJob, type Project } from '../api';
import { useT, type MessageKey } from '../i18n';

const FORMATS: ExportFormat[] = ['jsonl', 'labelstudio', 'csv', 'conll', 'coco'];
const STATES = ['', 'annotated', 'inReview', 'accepted', 'rejected'] as const;

export function ExportTab({ project }: { project: Project }) {
  const t = useT();
  const [format, setFormat] = useState<ExportFormat>('jsonl');
  const [state, setState] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [history, setHistory] = useState(false);
  const [job, setJob] = useState<ExportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const poll = (id: string, delay = 500) => {
    timer.current = setTimeout(async () => {
      try {
        const j = await api.exportJob(id);
        setJob(j);
        if (j.status !== 'done' && j.status !== 'failed') poll(id, Math.min(delay * 1.5, 3000));
      } catch (e) { setError((e as Error).message); }
    }, delay);
  };

  const start = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null); setJob(null);
    try {
      const j = await api.startExport(project.id, { format, state: state || undefined, from: from || undefined, to: to || undefined, history });
      setJob(j);
      poll(j.id);
    } catch (err) { setError((err as ApiError).isNetwork ? t('common.networkError') : (err as Error).message); }
  };

  const running = job && job.status !== 'done' && job.status !== 'failed';
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
