import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, type Project } from '../api';
import { errorText, keys } from '../api/queries';
import { useI18n } from '../i18n';
import { cellText } from '../lib/datamgr';
import { mediaUrlFor } from '../lib/util';
import { initState } from '../workbench/state';
import { TaskView } from '../workbench/TaskView';

/** One task's whole story: its data, every annotation (who, when, what) with its reviews, and the predictions. */
export function TaskDrawer({ project, taskId, onClose }: { project: Project; taskId: number; onClose: () => void }) {
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
  return (
    <div className="drawer" data-testid="task-drawer" role="dialog" aria-label={t('tasks.detail', { key: task?.key ?? taskId })}>
      <div className="row"><h2>{t('tasks.detail', { key: task?.key ?? taskId })}</h2>
        {task && <span className={`state-pill ${task.state}`}>{t(`state.${task.state}`)}</span>}
        <span className="grow" /><button type="button" onClick={onClose} data-testid="drawer-close">{t('common.close')}</button></div>
      {error && <div className="banner error">{error}</div>}
      {task && <>
        <h3>{t('tasks.data')}</h3>
        <table className="grid kv" data-testid="drawer-data">
          <tbody>{Object.entries(task.data).map(([k, v]) => {
            const media = project.schema.fields.some((f) => f.name === k && f.type !== 'text' && f.type !== 'html' && f.type !== 'list' && f.type !== 'json');
            return <tr key={k}><th>{k}</th><td className="pre">{cellText(v, media)}</td></tr>;
          })}</tbody>
        </table>

        <h3>{t('tasks.annotations')} · {t('tasks.predictions')}</h3>
        {results.length === 0 ? <p className="muted">{t('dm.noResults')}</p> : (
          <div className="tabs" data-testid="drawer-results">{results.map((r, i) => (
            <button type="button" key={i} className={i === which ? 'on' : ''} onClick={() => setWhich(i)}>{r.title}</button>
          ))}</div>
        )}
        <TaskView key={`${taskId}-${which}`} schema={project.schema} data={task.data} readOnly keyboard={false}
          state={initState(project.schema, { draft: shown?.result ?? null })} onChange={() => {}} mediaUrl={(v) => mediaUrlFor(project.id, v)} />

        <h3>{t('tasks.reviews')}</h3>
        <ol className="history" data-testid="drawer-history">
          {task.annotations.map((a, i) => (
            <li key={a.id} data-testid={`history-${a.id}`}>
              <button type="button" className="link" onClick={() => setWhich(i)}>
                <b>{a.annotator || a.userId}</b></button>{' '}
              <span className="muted">{fmt.format(new Date(a.createdAt))} · v{a.version} · {t(`dm.status.${a.status}`)}</span>
              <ul>
                {task.reviews.filter((r) => r.annotationId === a.id).map((r) => (
                  <li key={r.id} data-testid="review-line">
                    {t('dm.reviewLine', { action: t(`dm.action.${r.action}`), name: r.reviewer, time: fmt.format(new Date(r.createdAt)) })}
                    {r.comment && <q>{r.comment}</q>}
                  </li>
                ))}
              </ul>
            </li>
          ))}
          {task.predictions.map((p, i) => (
            <li key={`p${i}`}><button type="button" className="link" onClick={() => setWhich(task.annotations.length + i)}>
              {t('dm.prediction', { model: p.model ?? '' })}</button>{p.score !== null && p.score !== undefined ? <span className="muted"> · {p.score}</span> : null}</li>
          ))}
        </ol>
        {task.reviews.length === 0 && <p className="muted">{t('dm.noReviews')}</p>}
        <details><summary>JSON</summary><pre className="json">{JSON.stringify({ data: task.data, result: shown?.result }, null, 2)}</pre></details>
      </>}
    </div>
  );
}
