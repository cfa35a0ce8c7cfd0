import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type HistoryItem } from '../api';
import { errorText, keys, useProject } from '../api/queries';
import { useI18n, type MessageKey } from '../i18n';
import { mediaUrlFor } from '../lib/util';
import { initState, missingRequired, toResult, type WbState } from './state';
import { TaskView } from './TaskView';
import { isTyping } from './context';
import { NotAllowed } from '../pages/NotAllowed';
import { can, rolesIn } from '../roles';
import { useSession } from '../session';
import { navigate } from '../router';

/** How many recent answers the page looks through for the one it opens (the server's most). */
const HISTORY_LIMIT = 100;

/** Why an answer can no longer be changed, in words; null while it can. */
export function lockedText(h: HistoryItem, t: (k: MessageKey) => string): string | null {
  return h.editable ? null : t(`amend.locked.${h.lockedBecause ?? 'reviewed'}` as MessageKey);
}

/**
 * One of the annotator's own submitted answers, opened from "My recent tasks": while nobody has
 * reviewed it, it opens in the workbench with the answer loaded and is saved as a corrected
 * version (PUT /api/annotations/{id}); once reviewed (or held by a reviewer, or archived) it is
 * shown read only with the reason.
 */
export function AmendPage({ projectId, annotationId }: { projectId: number; annotationId: number }) {
  const { t } = useI18n();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const projectQuery = useProject(projectId);
  const denied = !!projectQuery.data && !can(rolesIn(me, projectQuery.data.organizationId), 'annotate');
  const project = denied ? null : projectQuery.data ?? null;
  const history = useQuery({
    queryKey: ['project', projectId, 'history', 'amend', annotationId],
    queryFn: () => api.history(projectId, HISTORY_LIMIT),
    enabled: !!project,
    staleTime: 0,
  });
  const item = history.data?.find((h) => h.annotationId === annotationId) ?? null;
  const task = useQuery({ queryKey: ['task', item?.taskId], queryFn: () => api.task(item!.taskId), enabled: !!item });
  const [state, setState] = useState<WbState | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The corrected version's id once saved: the page shows it read only with a way back to work.
  const [saved, setSaved] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState<string[]>([]);
  const startedAt = useRef(0);
  const mediaUrl = useCallback((v: string) => mediaUrlFor(projectId, v), [projectId]);

  // The submitted answer is loaded once; edits are the annotator's from then on.
  const loaded = useRef<number | null>(null);
  useEffect(() => {
    if (!project || !item || loaded.current === item.annotationId) return;
    loaded.current = item.annotationId;
    startedAt.current = performance.now();
    setState(initState(project.schema, { draft: item.result }));
  }, [project, item]);

  const locked = item ? lockedText(item, t) : null;
  const save = useCallback(async () => {
    if (!project || !item || !state || locked || busy) return;
    const r = toResult(state, project.schema);
    const miss = missingRequired(r, project.schema);
    setMissing(miss);
    if (miss.length) return;
    setBusy(true);
    try {
      const done = await api.amend(item.annotationId, r, Math.round((performance.now() - startedAt.current) / 100) / 10);
      setSaved(done.annotationId);
      setError(null);
      // The corrected version is the answer now: the address follows it (a reload opens it).
      navigate(`/projects/${projectId}/history/${done.annotationId}`);
      void queryClient.invalidateQueries({ queryKey: ['project', projectId, 'history'] });
      void queryClient.invalidateQueries({ queryKey: keys.project(projectId) });
    } catch (e) {
      setError(errorText(e, t));
      // A reviewer may have got there first: show where the answer stands now.
      void history.refetch();
    } finally { setBusy(false); }
  }, [project, item, state, locked, busy, projectId, queryClient, history, t]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); void save(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save]);

  // Keys pressed before the task shows (a label hotkey pressed as the page opens) wait here, counted
  // on screen, and go to the workbench once it shows: they are not lost. TaskView's listener is
  // registered by then (a child's effects run before its parent's).
  const ready = !!(task.data && state);
  const early = useRef<{ key: string; code: string; shiftKey: boolean }[]>([]);
  const [waitingKeys, setWaitingKeys] = useState(0);
  useEffect(() => {
    if (ready) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e)) return;
      if (e.key.length !== 1 && !['Tab', 'Escape', 'Delete', 'Backspace'].includes(e.key)) return;
      e.preventDefault();
      early.current.push({ key: e.key, code: e.code, shiftKey: e.shiftKey });
      setWaitingKeys(early.current.length);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ready]);
  useEffect(() => {
    if (!ready || !early.current.length) return;
    const pressed = early.current;
    early.current = [];
    setWaitingKeys(0);
    for (const k of pressed) window.dispatchEvent(new KeyboardEvent('keydown', { ...k, bubbles: true, cancelable: true }));
  }, [ready]);

  if (denied) return <NotAllowed />;
  const loadError = projectQuery.error ?? history.error ?? task.error;
  if (loadError) return <div className="page"><div className="banner error" role="alert">{errorText(loadError, t)}</div></div>;
  const keysNote = waitingKeys > 0 && <div className="banner info" data-testid="amend-keys-waiting" role="status">{t('amend.keysWaiting', { count: waitingKeys })}</div>;
  if (!project || history.isPending) return <div className="page muted">{t('common.loading')}{keysNote}</div>;
  const back = `#/projects/${projectId}/annotate`;
  if (!item) {
    return (
      <div className="page">
        <div className="banner error" role="alert" data-testid="amend-missing">{t('amend.missing')}</div>
        <a className="button" href={back}>{t('amend.back')}</a>
      </div>
    );
  }
  const stillMissing = missing.filter((name) => state && missingRequired(toResult(state, project.schema), project.schema).includes(name));
  return (
    <div className="workbench" data-testid="amend">
      <div className="wb-bar">
        <b>{project.name}</b>
        <span className="muted small" data-testid="task-id">#{item.taskId}</span>
        <span className={`badge state-${item.status}`} data-testid="amend-status">{t(`wbx.historyState.${item.status}` as MessageKey)}</span>
        <span className="grow" />
        <a className="button" href={back} data-testid="amend-back">{t('amend.back')}</a>
        {!locked && !saved && (
          <button type="button" className="primary" data-testid="amend-save" disabled={busy || !state} onClick={() => void save()}>
            {t('amend.save')} <kbd>Ctrl+↵</kbd>
          </button>
        )}
      </div>
      {locked && <div className="banner info" data-testid="amend-locked" role="status">{t('amend.readOnly')}{locked}</div>}
      {!locked && !saved && <div className="banner info" data-testid="amend-hint">{t('amend.hint')}</div>}
      {saved && (
        <div className="banner ok" data-testid="amend-saved" role="status">
          {t('amend.saved')} <a href={back}>{t('amend.back')}</a>
        </div>
      )}
      {error && <div className="banner error" role="alert" data-testid="amend-error">{error}</div>}
      {stillMissing.length > 0 && <div className="banner error" role="alert">{t('wb.missing', { names: stillMissing.join(', ') })}</div>}
      {task.data && state
        ? <TaskView key={item.annotationId} schema={project.schema} data={task.data.data} state={state}
          onChange={(f) => setState((s) => (s ? f(s) : s))} readOnly={!!locked || !!saved} mediaUrl={mediaUrl} />
        : <div className="muted">{t('common.loading')}{keysNote}</div>}
    </div>
  );
}
