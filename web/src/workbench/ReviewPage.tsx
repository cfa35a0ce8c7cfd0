import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Project, type ReviewAction, type ReviewItem } from '../api';
import { useT } from '../i18n';
import { mediaUrlFor } from '../lib/util';
import { initState, toResult, type WbState } from './state';
import { ShortcutSheet, TaskView } from './TaskView';
import { isTyping } from './context';
import { NotAllowed } from '../pages/NotAllowed';
import { can, rolesIn } from '../roles';
import { useSession } from '../session';

/** The reviewer's page: an annotation read-only, then accept, reject with a comment, or fix it. */
export function ReviewPage({ projectId }: { projectId: string }) {
  const t = useT();
  const { me } = useSession();
  const [denied, setDenied] = useState(false);
  const [project, setProject] = useState<Project | null>(null);
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
    } catch (e) { setError(e instanceof ApiError && e.isNetwork ? t('common.networkError') : (e as Error).message); }
  }, [projectId, t]);

  useEffect(() => {
    api.project(projectId).then((p) => {
      // An annotator following a link is told the page is not theirs rather than refused by the review queue.
      if (!can(rolesIn(me, p.organizationId), 'review')) { setDenied(true); return; }
      setProject(p);
      void next(p);
    }).catch((e: Error) => setError(e.message));
  }, [projectId, next, me]);

  const act = useCallback(async (action: ReviewAction) => {
    if (!project || !item || !state || busy) return;
    if (action === 'reject' && !comment.trim()) { setError(t('wb.rejectNeedsComment')); return; }
    setBusy(true);
    try {
      await api.review(item.annotationId, action, comment || undefined, action === 'fix' ? toResult(state, project.schema) : undefined);
      await next(project);
    } catch (e) {
      // A review is small and the reviewer is looking at it: show the error and keep everything in place.
      const err = e as ApiError;
      setError(err.isNetwork ? t('common.networkError') : [err.message, ...Object.entries(err.errors ?? {}).map(([k, v]) => `${k}: ${v.join(', ')}`)].join(' — '));
    } finally { setBusy(false); }
  }, [project, item, state, comment, busy, next, t]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); void act(editing ? 'fix' : 'accept'); }
      else if (e.key === '?' && !isTyping(e)) setHelp((h) => !h);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [act, editing]);

  if (denied) return <NotAllowed />;
  if (!project || item === undefined) return <div className="page">{error ? <div className="banner error">{error}</div> : <span className="muted">{t('common.loading')}</span>}</div>;
  return (
    <div className="workbench" data-testid="review">
      <div className="wb-bar">
        <b>{project.name}</b>
        {item && <span className="muted small" data-testid="task-id">#{item.task.id} · {item.annotation.annotator ?? item.annotation.annotatorId ?? ''}</span>}
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
      {item && state
        ? <TaskView key={item.annotationId} schema={project.schema} data={item.task.data} state={state} onChange={(f) => setState((s) => (s ? f(s) : s))} readOnly={!editing} mediaUrl={mediaUrl} />
        : <div className="empty-state" data-testid="review-empty">{t('wb.reviewDone')}</div>}
      {help && <ShortcutSheet onClose={() => setHelp(false)} />}
    </div>
  );
}
