import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Project } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { summarise } from './ReviewCompare';
import { lockedText } from './AmendPage';

/**
 * The annotator's own recent answers in this project, newest first, with where each stands
 * (waiting for review, accepted, rejected). One nobody has reviewed yet opens for correcting
 * (AmendPage); a reviewed one opens read only, with the reason it can no longer change.
 */
export function HistoryButton({ project }: { project: Project }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const history = useQuery({ queryKey: ['project', project.id, 'history'], queryFn: () => api.history(project.id), enabled: open, staleTime: 0 });
  return (
    <>
      <button type="button" data-testid="history-toggle" aria-expanded={open} onClick={() => setOpen((v) => !v)}>{t('wbx.history')}</button>
      {open && (
        <div className="history-panel" data-testid="history" role="dialog" aria-label={t('wbx.history')}>
          <div className="history-head">
            <b>{t('wbx.history')}</b>
            <button type="button" className="link" onClick={() => setOpen(false)}>{t('common.close')}</button>
          </div>
          {history.isPending ? <p className="muted">{t('common.loading')}</p>
            : !history.data?.length ? <p className="muted" data-testid="history-empty">{t('wbx.historyEmpty')}</p>
              : (
                <ul className="history-list">
                  {history.data.map((h) => (
                    <li key={h.annotationId} data-testid={`history-${h.taskId}`}>
                      <span className="mono">#{h.taskId}</span>
                      <span className={`badge state-${h.status}`} data-testid={`history-status-${h.taskId}`}>{t(`wbx.historyState.${h.status}` as MessageKey)}</span>
                      <span className="muted small">{new Date(h.createdAt).toLocaleString(lang, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })}</span>
                      <a className={`button small${h.editable ? ' primary' : ''}`} href={`#/projects/${project.id}/history/${h.annotationId}`}
                        data-testid={`history-open-${h.taskId}`} title={lockedText(h, t) ?? undefined}>
                        {h.editable ? t('amend.open') : t('amend.view')}
                      </a>
                      <div className="history-answer">
                        {project.schema.controls.filter((c) => h.result[c.name] != null).map((c) => (
                          <span key={c.name}><b>{c.name}</b>: {summarise(c, h.result[c.name], t)}</span>
                        ))}
                      </div>
                    </li>
                  ))}
                </ul>
              )}
        </div>
      )}
    </>
  );
}
