import { useMemo, useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, TASK_STATES, type BulkAction, type Project, type TaskFilter, type TaskState } from '../api';
import { errorText, keys, useMembers } from '../api/queries';
import { useI18n } from '../i18n';
import { mediaUrlFor } from '../lib/util';
import { initState } from '../workbench/state';
import { TaskView } from '../workbench/TaskView';

const PAGE = 50;

/** The project's tasks; the bulk actions (priority, release, delete) only for those who manage the project. */
export function TasksTab({ project, canManage }: { project: Project; canManage: boolean }) {
  const { t, lang } = useI18n();
  const [filter, setFilter] = useState<TaskFilter>({});
  const [applied, setApplied] = useState<TaskFilter>({});
  const [checked, setChecked] = useState<Set<number>>(new Set());
  const [priority, setPriority] = useState(10);
  const [message, setMessage] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const queryClient = useQueryClient();
  // The server filters by the annotator's user id: managers pick a person from the organisation's
  // members; anyone who may not list members falls back to typing the id.
  const members = useMembers(project.organizationId, canManage).data;

  const pages = useInfiniteQuery({
    queryKey: keys.tasks(project.id, applied),
    queryFn: ({ pageParam }) => api.tasks(project.id, { ...applied, after: pageParam ?? undefined, limit: PAGE }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.next,
  });
  const rows = pages.data?.pages.flatMap((p) => p.items);

  const bulk = useMutation({
    mutationFn: ({ ids, action }: { ids: number[]; action: BulkAction }) =>
      api.bulkTasks(project.id, ids, action, action === 'priority' ? priority : undefined),
    onSuccess: (r) => {
      setMessage(t('tasks.bulk.done', { affected: r.affected }));
      setChecked(new Set());
      // The table, the project's counts and its statistics all change.
      void queryClient.invalidateQueries({ queryKey: keys.project(project.id) });
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
    },
  });
  const runBulk = (action: BulkAction) => {
    const ids = [...checked];
    if (!ids.length) return;
    if (action === 'delete' && !window.confirm(t('tasks.bulk.confirmDelete', { count: ids.length }))) return;
    bulk.mutate({ ids, action });
  };
  const failure = bulk.error ?? pages.error;
  const error = failure ? errorText(failure, t) : null;

  const fmt = useMemo(() => new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }), [lang]);
  const set = (k: 'label' | 'from' | 'to') => (e: React.ChangeEvent<HTMLInputElement>) => setFilter((f) => ({ ...f, [k]: e.target.value || undefined }));
  const setState = (e: React.ChangeEvent<HTMLSelectElement>) => setFilter((f) => ({ ...f, state: (e.target.value || undefined) as TaskState | undefined }));
  const setAnnotator = (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setFilter((f) => ({ ...f, annotator: /^\d+$/.test(e.target.value) ? Number(e.target.value) : undefined }));
  const allChecked = !!rows?.length && rows.every((r) => checked.has(r.id));

  return (
    <div data-testid="tasks-tab">
      <form className="filters row wrap" onSubmit={(e) => { e.preventDefault(); setChecked(new Set()); setApplied(filter); }}>
        <label>{t('tasks.filter.state')}
          <select data-testid="filter-state" value={filter.state ?? ''} onChange={setState}>
            <option value="">{t('common.all')}</option>
            {TASK_STATES.map((s) => <option key={s} value={s}>{t(`state.${s}`)}</option>)}
          </select>
        </label>
        <label>{t('tasks.filter.annotator')}
          {members ? (
            <select data-testid="filter-annotator" value={filter.annotator ?? ''} onChange={setAnnotator}>
              <option value="">{t('common.all')}</option>
              {members.map((m) => <option key={m.userId} value={String(m.userId)}>{m.name ? `${m.name} <${m.email}>` : m.email}</option>)}
            </select>
          ) : <input data-testid="filter-annotator" inputMode="numeric" value={filter.annotator ?? ''} onChange={setAnnotator} />}
        </label>
        <label>{t('tasks.filter.label')}<input data-testid="filter-label" value={filter.label ?? ''} onChange={set('label')} /></label>
        <label>{t('tasks.filter.from')}<input type="date" data-testid="filter-from" value={filter.from ?? ''} onChange={set('from')} /></label>
        <label>{t('tasks.filter.to')}<input type="date" data-testid="filter-to" value={filter.to ?? ''} onChange={set('to')} /></label>
        <button type="submit" data-testid="filter-apply">{t('common.apply')}</button>
        <button type="button" onClick={() => { setFilter({}); setChecked(new Set()); setApplied({}); }}>{t('common.reset')}</button>
      </form>
      {canManage && checked.size > 0 && (
        <div className="bulk row" data-testid="bulk-bar">
          <b>{t('tasks.selected', { count: checked.size })}</b>
          <input type="number" aria-label={t('tasks.col.priority')} value={priority} onChange={(e) => setPriority(Number(e.target.value))} style={{ width: '5em' }} />
          <button type="button" data-testid="bulk-priority" onClick={() => runBulk('priority')}>{t('tasks.bulk.priority')}</button>
          <button type="button" data-testid="bulk-release" onClick={() => runBulk('release')}>{t('tasks.bulk.release')}</button>
          <button type="button" data-testid="bulk-delete" className="danger" onClick={() => runBulk('delete')}>{t('tasks.bulk.delete')}</button>
        </div>
      )}
      {message && <div className="banner ok" role="status">{message}</div>}
      {error && <div className="banner error" role="alert">{error}</div>}
      {!rows ? <p className="muted">{t('common.loading')}</p> : rows.length === 0 ? <p className="empty-state">{t('tasks.empty')}</p> : (
        <table className="grid" data-testid="task-table">
          <thead><tr>
            {canManage && <th><input type="checkbox" data-testid="check-all" checked={allChecked} onChange={() => setChecked(allChecked ? new Set() : new Set(rows.map((r) => r.id)))} /></th>}
            <th>{t('tasks.col.key')}</th><th>{t('tasks.col.state')}</th><th>{t('tasks.col.priority')}</th><th>{t('tasks.col.annotations')}</th><th>{t('tasks.col.updated')}</th>
          </tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid={`task-row-${r.id}`} className={open === r.id ? 'sel' : ''}>
                {canManage && <td><input type="checkbox" data-testid={`check-${r.id}`} checked={checked.has(r.id)} onChange={() => setChecked((s) => { const n = new Set(s); if (n.has(r.id)) n.delete(r.id); else n.add(r.id); return n; })} /></td>}
                <td><button type="button" className="link" data-testid={`open-${r.id}`} onClick={() => setOpen(r.id)}>{r.key ?? r.id}</button></td>
                <td><span className={`state-pill ${r.state}`} data-testid="task-state">{t(`state.${r.state}`)}</span></td>
                <td>{r.priority}</td>
                <td>{r.annotationCount}</td>
                <td className="muted">{r.updatedAt ? fmt.format(new Date(r.updatedAt)) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages.hasNextPage && <button type="button" data-testid="load-more" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>{t('common.more')}</button>}
      {open && <TaskDrawer project={project} taskId={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function TaskDrawer({ project, taskId, onClose }: { project: Project; taskId: number; onClose: () => void }) {
  const { t } = useI18n();
  const query = useQuery({ queryKey: keys.task(taskId), queryFn: () => api.task(taskId) });
  const task = query.data;
  const [which, setWhich] = useState(0);
  const error = query.error ? errorText(query.error, t) : null;
  const results = task ? [...task.annotations.map((a) => ({ title: `${t('tasks.annotations')}: ${a.annotator || a.userId}`, result: a.result })),
    ...task.predictions.map((p) => ({ title: `${t('tasks.predictions')}: ${p.model ?? ''}`, result: p.result }))] : [];
  const shown = results[which];
  return (
    <div className="drawer" data-testid="task-drawer" role="dialog">
      <div className="row"><h2>{t('tasks.detail', { key: task?.key ?? taskId })}</h2><span className="grow" /><button type="button" onClick={onClose} data-testid="drawer-close">{t('common.close')}</button></div>
      {error && <div className="banner error">{error}</div>}
      {task && <>
        {results.length > 0 && (
          <div className="tabs">{results.map((r, i) => <button type="button" key={i} className={i === which ? 'on' : ''} onClick={() => setWhich(i)}>{r.title}</button>)}</div>
        )}
        <TaskView key={`${taskId}-${which}`} schema={project.schema} data={task.data} readOnly keyboard={false}
          state={initState(project.schema, { draft: shown?.result ?? null })} onChange={() => {}} mediaUrl={(v) => mediaUrlFor(project.id, v)} />
        {task.reviews.length > 0 && <>
          <h3>{t('tasks.reviews')}</h3>
          <ul>{task.reviews.map((r, i) => <li key={i}><b>{r.action}</b> {r.comment}</li>)}</ul>
        </>}
        <details><summary>{t('tasks.data')}</summary><pre className="json">{JSON.stringify({ data: task.data, result: shown?.result }, null, 2)}</pre></details>
      </>}
    </div>
  );
}

