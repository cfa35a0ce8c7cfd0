import { useEffect, useMemo, useRef, useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  api, TASK_SORTS, TASK_STATES, type BulkAction, type Project, type TaskFilter, type TaskRow, type TaskSelection, type TaskSort, type TaskState,
} from '../api';
import { errorText, keys, useMembers } from '../api/queries';
import { useI18n, type MessageKey } from '../i18n';
import { allColumns, cellText, defaultHidden, hiddenColumns, previewOf, saveHiddenColumns, type Column } from '../lib/datamgr';
import { mediaUrlFor } from '../lib/util';
import { usePath } from '../router';
import { TaskDrawer } from './TaskDrawer';

const PAGE = 50;

/** The import a link asked for (`#/projects/1/tasks?import=7`), if any. */
function importFromPath(path: string): number | undefined {
  const m = /[?&]import=(\d+)/.exec(path);
  return m ? Number(m[1]) : undefined;
}

/** The filters as a bulk action's selection ("every matching task"). */
function selectionOf(f: TaskFilter): TaskSelection {
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
export function TasksTab({ project, canManage }: { project: Project; canManage: boolean }) {
  const { t, lang } = useI18n();
  const importId = importFromPath(usePath());
  const [filter, setFilter] = useState<TaskFilter>({});
  const [applied, setApplied] = useState<TaskFilter>({});
  // A data field's order names the field too (sort "field").
  const [sort, setSort] = useState<{ sort: TaskSort; field?: string; desc: boolean }>({ sort: 'id', desc: false });
  const [checked, setChecked] = useState<Set<number>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [priority, setPriority] = useState(10);
  const [message, setMessage] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [hidden, setHidden] = useState<Set<Column>>(() => hiddenColumns(project.id, localStorage, defaultHidden(project.schema)));
  const queryClient = useQueryClient();
  // The column menu closes on a click anywhere else, as menus do.
  const columnMenu = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const close = (e: MouseEvent) => { if (columnMenu.current && !columnMenu.current.contains(e.target as Node)) columnMenu.current.open = false; };
    document.addEventListener('click', close);
    return () => document.removeEventListener('click', close);
  }, []);
  // The server filters by the annotator's user id: managers pick a person from the organisation's
  // members; anyone who may not list members falls back to typing the id.
  const members = useMembers(project.organizationId, canManage).data;

  const query: TaskFilter = { ...applied, importId, ...(sort.sort !== 'id' ? { sort: sort.sort } : {}), ...(sort.field ? { field: sort.field } : {}), ...(sort.desc ? { desc: true } : {}) };
  const countFilter: TaskFilter = { ...applied, importId };
  const pages = useInfiniteQuery({
    queryKey: keys.tasks(project.id, query),
    queryFn: ({ pageParam }) => api.tasks(project.id, { ...query, cursor: pageParam ?? undefined, limit: PAGE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.cursor ?? null,
  });
  const count = useQuery({ queryKey: keys.taskCount(project.id, countFilter), queryFn: () => api.taskCount(project.id, countFilter) });
  const rows = pages.data?.pages.flatMap((p) => p.items);

  const clearSelection = () => { setChecked(new Set()); setAllMatching(false); };
  const bulk = useMutation({
    mutationFn: ({ action }: { action: BulkAction }) => api.bulkTasks(
      project.id, allMatching ? null : [...checked], action, action === 'priority' ? priority : undefined, allMatching ? selectionOf(countFilter) : undefined),
    onSuccess: (r) => {
      setMessage(t('tasks.bulk.done', { affected: r.affected }));
      clearSelection();
      // The table, the project's counts and its statistics all change.
      void queryClient.invalidateQueries({ queryKey: keys.project(project.id) });
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
    },
  });
  const selectedCount = allMatching ? count.data ?? 0 : checked.size;
  const runBulk = (action: BulkAction) => {
    if (!selectedCount) return;
    if (action === 'delete' && !window.confirm(t('tasks.bulk.confirmDelete', { count: selectedCount }))) return;
    bulk.mutate({ action });
  };
  const failure = bulk.error ?? pages.error ?? count.error;
  const error = failure ? errorText(failure, t) : null;

  const fmt = useMemo(() => new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }), [lang]);
  const set = (k: 'label' | 'from' | 'to' | 'q') => (e: React.ChangeEvent<HTMLInputElement>) => setFilter((f) => ({ ...f, [k]: e.target.value || undefined }));
  const setState = (e: React.ChangeEvent<HTMLSelectElement>) => setFilter((f) => ({ ...f, state: (e.target.value || undefined) as TaskState | undefined }));
  const setAnnotator = (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setFilter((f) => ({ ...f, annotator: /^\d+$/.test(e.target.value) ? Number(e.target.value) : undefined }));
  const pageChecked = !!rows?.length && rows.every((r) => checked.has(r.id));
  const toggleColumn = (c: Column) => setHidden((h) => {
    const n = new Set(h);
    if (n.has(c)) n.delete(c); else n.add(c);
    saveHiddenColumns(project.id, n);
    return n;
  });
  const columns = allColumns(project.schema).filter((c) => !hidden.has(c));
  const sortBy = (s: TaskSort, field?: string) => setSort((o) => ({ sort: s, field, desc: o.sort === s && o.field === field ? !o.desc : false }));
  const arrow = (s: TaskSort, field?: string) => (sort.sort === s && sort.field === field ? (sort.desc ? ' ▼' : ' ▲') : '');
  const columnTitle = (c: Column) => c.startsWith('data:') ? c.slice(5) : t(c === 'preview' ? 'dm.col.preview' : `tasks.col.${c}` as MessageKey);
  const sortable: Partial<Record<Column, TaskSort>> = { state: 'state', annotations: 'annotations', updated: 'updated' };

  return (
    <div data-testid="tasks-tab">
      <form className="filters row wrap" onSubmit={(e) => { e.preventDefault(); clearSelection(); setApplied(filter); }}>
        <label>{t('dm.search')}
          <input type="search" className="dm-search" data-testid="dm-search" placeholder={t('dm.searchHint')} value={filter.q ?? ''} onChange={set('q')} />
        </label>
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
        <button type="button" onClick={() => { setFilter({}); clearSelection(); setApplied({}); }}>{t('common.reset')}</button>
      </form>
      <div className="row wrap dm-tools">
        <label>{t('dm.sort')}{' '}
          <select data-testid="dm-sort" value={sort.sort === 'field' ? `field:${sort.field ?? ''}` : sort.sort}
            onChange={(e) => {
              const v = e.target.value;
              setSort((o) => (v.startsWith('field:') ? { ...o, sort: 'field', field: v.slice(6) } : { ...o, sort: v as TaskSort, field: undefined }));
            }}>
            {TASK_SORTS.map((s) => <option key={s} value={s}>{t(`dm.sort.${s}`)}</option>)}
            {project.schema.fields.map((f) => <option key={f.name} value={`field:${f.name}`}>{t('dmsort.field', { name: f.name })}</option>)}
          </select>
        </label>
        <label><input type="checkbox" data-testid="dm-desc" checked={sort.desc} onChange={(e) => setSort((o) => ({ ...o, desc: e.target.checked }))} /> {t('dm.desc')}</label>
        <details ref={columnMenu} className="dm-columns" data-testid="dm-columns">
          <summary>{t('dm.columns')}</summary>
          <div className="menu">
            {allColumns(project.schema).map((c) => (
              <label key={c}><input type="checkbox" data-testid={`col-${c}`} checked={!hidden.has(c)} onChange={() => toggleColumn(c)} /> {columnTitle(c)}</label>
            ))}
          </div>
        </details>
        <span className="grow" />
        {importId !== undefined && (
          <span className="chip" data-testid="dm-import-filter">{t('dm.importFilter', { id: importId })}{' '}
            <a href={`#/projects/${project.id}/tasks`}>{t('dm.showAll')}</a></span>
        )}
        <span className="muted" data-testid="dm-count">{count.data !== undefined ? t('dm.matching', { count: count.data }) : ''}</span>
      </div>
      {canManage && selectedCount > 0 && (
        <div className="bulk row wrap" data-testid="bulk-bar">
          <b data-testid="bulk-count">{allMatching ? t('dm.allSelected', { count: selectedCount }) : t('tasks.selected', { count: selectedCount })}</b>
          {!allMatching && pageChecked && (count.data ?? 0) > checked.size && (
            <button type="button" className="link" data-testid="select-all-matching" onClick={() => setAllMatching(true)}>{t('dm.selectAll', { count: count.data ?? 0 })}</button>
          )}
          <button type="button" className="link" data-testid="clear-selection" onClick={clearSelection}>{t('dm.clearSelection')}</button>
          <span className="grow" />
          <input type="number" aria-label={t('tasks.col.priority')} value={priority} onChange={(e) => setPriority(Number(e.target.value))} style={{ width: '5em' }} />
          <button type="button" data-testid="bulk-priority" disabled={bulk.isPending} onClick={() => runBulk('priority')}>{t('tasks.bulk.priority')}</button>
          <button type="button" data-testid="bulk-release" disabled={bulk.isPending} onClick={() => runBulk('release')}>{t('tasks.bulk.release')}</button>
          <button type="button" data-testid="bulk-delete" className="danger" disabled={bulk.isPending} onClick={() => runBulk('delete')}>{t('tasks.bulk.delete')}</button>
        </div>
      )}
      {message && <div className="banner ok" role="status">{message}</div>}
      {error && <div className="banner error" role="alert">{error}</div>}
      {!rows ? <p className="muted">{t('common.loading')}</p> : rows.length === 0 ? <p className="empty-state">{t('tasks.empty')}</p> : (
        <div className="table-scroll">
          <table className="grid dm" data-testid="task-table">
            <thead><tr>
              {canManage && <th><input type="checkbox" data-testid="check-all" aria-label={t('dm.selectPage', { count: rows.length })} title={t('dm.selectPage', { count: rows.length })}
                checked={pageChecked || allMatching} onChange={() => { setAllMatching(false); setChecked(pageChecked ? new Set() : new Set(rows.map((r) => r.id))); }} /></th>}
              <th><button type="button" className="link sort" data-testid="sort-id" onClick={() => sortBy('id')}>{t('dm.col.id')}{arrow('id')}</button></th>
              {columns.map((c) => {
                const s = sortable[c];
                const field = c.startsWith('data:') ? c.slice(5) : undefined;
                return (
                  <th key={c} data-testid={`th-${c}`}>
                    {s ? <button type="button" className="link sort" data-testid={`sort-${s}`} onClick={() => sortBy(s)}>
                      {columnTitle(c)}{arrow(s)}</button>
                      : field ? <button type="button" className="link sort" data-testid={`sort-data-${field}`} title={t('dmsort.field', { name: field })}
                        onClick={() => sortBy('field', field)}>{columnTitle(c)}{arrow('field', field)}</button>
                        : columnTitle(c)}
                  </th>
                );
              })}
            </tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid={`task-row-${r.id}`} className={open === r.id ? 'sel' : ''}>
                  {canManage && <td><input type="checkbox" data-testid={`check-${r.id}`} checked={allMatching || checked.has(r.id)}
                    onChange={() => { setAllMatching(false); setChecked((s) => { const n = new Set(s); if (n.has(r.id)) n.delete(r.id); else n.add(r.id); return n; }); }} /></td>}
                  <td><button type="button" className="link" data-testid={`open-${r.id}`} onClick={() => setOpen(r.id)}>{r.id}</button></td>
                  {columns.map((c) => <td key={c} data-testid={`cell-${c}`} className={c.startsWith('data:') || c === 'preview' ? 'dm-cell' : c === 'updated' ? 'muted' : ''}>{cell(c, r)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages.hasNextPage && <button type="button" data-testid="load-more" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>{t('common.more')}</button>}
      {open && <TaskDrawer project={project} taskId={open} onClose={() => setOpen(null)} />}
    </div>
  );

  function cell(c: Column, r: TaskRow) {
    const data = r.data as Record<string, unknown>;
    switch (c) {
      case 'preview': return <PreviewCell project={project} data={data} />;
      case 'key': return r.key ?? '';
      case 'state': return <span className={`state-pill ${r.state}`} data-testid="task-state">{t(`state.${r.state}`)}</span>;
      case 'priority': return r.priority;
      case 'annotations': return r.annotationCount;
      case 'updated': return r.updatedAt ? fmt.format(new Date(r.updatedAt)) : '';
      default: {
        const field = project.schema.fields.find((f) => f.name === c.slice(5));
        const text = cellText(data[c.slice(5)], field?.type === 'image' || field?.type === 'audio' || field?.type === 'video');
        return <span title={text}>{text}</span>;
      }
    }
  }
}

/** A row's first picture, sound or words. */
function PreviewCell({ project, data }: { project: Project; data: Record<string, unknown> }) {
  const p = previewOf(project.schema, data);
  if (!p) return null;
  if (p.kind === 'text') return <span className="snippet" data-testid="preview-text">{p.text}</span>;
  if (p.kind === 'image') return <img className="thumb" data-testid="preview-image" src={mediaUrlFor(project.id, p.src)} alt="" loading="lazy" />;
  if (p.kind === 'audio') return <audio className="mini" data-testid="preview-audio" controls preload="none" src={mediaUrlFor(project.id, p.src)} />;
  return <span data-testid="preview-video">🎞 {cellText(p.src, true)}</span>;
}
