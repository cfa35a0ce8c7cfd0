import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, type Project, type ReviewAction, type ReviewItem } from '../api';
import { errorText, keys, useProject } from '../api/queries';
import { useT } from '../i18n';
import { mediaUrlFor } from '../lib/util';
import { initState, toResult, type WbState } from './state';
import { ShortcutSheet, TaskView } from './TaskView';
import { ReviewCompare } from './ReviewCompare';
import { isTyping } from './context';
import { NotAllowed } from '../pages/NotAllowed';
import { can, rolesIn } from '../roles';
import { useSession } from '../session';

/** The reviewer's page: an annotation read-only, then accept, reject with a comment, or fix it. The
 *  project comes through the query cache; the review queue is not a query (each call leases an annotation). */
export function ReviewPage({ projectId }: { projectId: number }) {
  const t = useT();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const projectQuery = useProject(projectId);
  // An annotator following a link is told the page is not theirs rather than refused by the review queue.
  const denied = !!projectQuery.data && !can(rolesIn(me, projectQuery.data.organizationId), 'review');
  const project = denied ? null : projectQuery.data ?? null;
  const [item, setItem] = useState<ReviewItem | null | undefined>(undefined);
  const [state, setState] = useState<WbState | null>(null);
  const [editing, setEditing] = useState(false);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [help, setHelp] = useState(false);
  const mediaUrl = useCallback((v: string) => mediaUrlFor(projectId, v), [projectId]);

  const next = useCallback(async (p: Project) => {
    try {
      const n = await api.nextReview(projectId);
      setItem(n);
      setState(n ? initState(p.schema, { draft: n.annotation.result }) : null);
      setEditing(false); setComment(''); setError(null);
    } catch (e) { setError(errorText(e, t)); }
  }, [projectId, t]);

  // The first annotation is leased once the project is known; later ones after each decision.
  const started = useRef(false);
  useEffect(() => {
    if (!project || started.current) return;
    started.current = true;
    void next(project);
  }, [project, next]);

  const act = useCallback(async (action: ReviewAction) => {
    if (!project || !item || !state || busy) return;
    if (action === 'reject' && !comment.trim()) { setError(t('wb.rejectNeedsComment')); return; }
    setBusy(true);
    try {
      await api.review(item.annotationId, action, comment || undefined, action === 'fix' ? toResult(state, project.schema) : undefined);
      // The task's state changed: the project's counts, task table and quality figures are stale.
      void queryClient.invalidateQueries({ queryKey: keys.project(project.id) });
      await next(project);
    } catch (e) {
      // A review is small and the reviewer is looking at it: show the error and keep everything in place.
      setError(errorText(e, t));
    } finally { setBusy(false); }
  }, [project, item, state, comment, busy, next, t, queryClient]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); void act(editing ? 'fix' : 'accept'); }
      else if (e.key === '?' && !isTyping(e)) setHelp((h) => !h);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [act, editing]);

  if (denied) return <NotAllowed />;
  const shownError = error ?? (projectQuery.error ? errorText(projectQuery.error, t) : null);
  if (!project || item === undefined) return <div className="page">{shownError ? <div className="banner error">{shownError}</div> : <span className="muted">{t('common.loading')}</span>}</div>;
  return (
    <div className="workbench" data-testid="review">
      <div className="wb-bar">
        <b>{project.name}</b>
        {item && <span className="muted small" data-testid="task-id">#{item.task.id} · {item.annotation.annotator || item.annotation.userId}</span>}
        <span className="grow" />
        {item && <>
          <input data-testid="review-comment" className="comment" placeholder={t('wb.comment')} value={comment} onChange={(e) => setComment(e.target.value)} />
          <button type="button" data-testid="review-reject" className="danger" disabled={busy} onClick={() => void act('reject')}>{t('wb.reject')}</button>
          {editing
            ? <button type="button" data-testid="review-fix" className="primary" disabled={busy} onClick={() => void act('fix')}>{t('wb.fix')} <kbd>Ctrl+↵</kbd></button>
            : <>
              <button type="button" data-testid="review-edit" onClick={() => setEditing(true)}>{t('wb.edit')}</button>
              <button type="button" data-testid="review-accept" className="primary" disabled={busy} onClick={() => void act('accept')}>{t('wb.accept')} <kbd>Ctrl+↵</kbd></button>
            </>}
        </>}
        <button type="button" className="link" onClick={() => setHelp(true)}>?</button>
      </div>
      {error && <div className="banner error" role="alert" data-testid="review-error">{error}</div>}
      {item && <ReviewCompare key={`compare-${item.annotationId}`} project={project} item={item} />}
      {item && state
        ? <TaskView key={item.annotationId} schema={project.schema} data={item.task.data} state={state} onChange={(f) => setState((s) => (s ? f(s) : s))} readOnly={!editing} mediaUrl={mediaUrl} />
        : <div className="empty-state" data-testid="review-empty">
          <p>{t('wb.reviewDone')}</p>
          <p className="muted">{t('wbx.reviewNext')}</p>
          <div className="row-actions">
            <a className="button" href={`#/projects/${project.id}`} data-testid="review-empty-project">{t('wbx.backToProject')}</a>
            {can(rolesIn(me, project.organizationId), 'annotate') && (
              <a className="button primary" href={`#/projects/${project.id}/annotate`} data-testid="review-empty-annotate">{t('wbx.goAnnotate')}</a>
            )}
          </div>
        </div>}
      {help && <ShortcutSheet onClose={() => setHelp(false)} />}
    </div>
  );
}
