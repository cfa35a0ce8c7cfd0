import { useQuery } from '@tanstack/react-query';
import { api, type Project, type ProjectCounts, type TaskState } from '../api';
import { errorText, keys } from '../api/queries';
import { useT } from '../i18n';
import { can, rolesIn } from '../roles';
import { useSession } from '../session';

const STATES = ['accepted', 'annotated', 'in_review', 'rejected', 'in_progress', 'new'] as const satisfies readonly TaskState[];
export const STATE_COLORS: Record<TaskState, string> = {
  accepted: '#2f9e44', annotated: '#4c8bd6', in_review: '#9c6ade', rejected: '#e8590c', in_progress: '#f2c14e', new: '#d9dde3',
};

export function ProgressBar({ counts }: { counts: ProjectCounts }) {
  const t = useT();
  const total = counts.total || 1;
  return (
    <div className="progress" role="img" aria-label={STATES.map((s) => `${t(`state.${s}`)} ${counts[s]}`).join(', ')}>
      {STATES.map((s) => counts[s] > 0 && (
        <span key={s} title={`${t(`state.${s}`)}: ${counts[s]}`} style={{ width: `${(counts[s] / total) * 100}%`, background: STATE_COLORS[s] }} />
      ))}
    </div>
  );
}

/** What the progress bars' colours mean, in the order the bars show them; with `counts`, how many tasks each colour stands for. */
export function ProgressLegend({ counts, testId = 'progress-legend' }: { counts?: ProjectCounts; testId?: string }) {
  const t = useT();
  return (
    <ul className="progress-legend" data-testid={testId}>
      {STATES.map((s) => (
        <li key={s} data-testid={`${testId}-${s}`}>
          <span className="swatch" style={{ background: STATE_COLORS[s] }} />{t(`state.${s}`)}
          {counts && <b className="count">{counts[s].toLocaleString()}</b>}
        </li>
      ))}
    </ul>
  );
}

export function ProjectsPage() {
  const t = useT();
  const { org } = useSession();
  const query = useQuery({ queryKey: keys.projects(org?.id), queryFn: () => api.projects(org?.id) });
  const projects = query.data;
  const error = query.error ? errorText(query.error, t) : null;
  const canManage = !org || can(org.roles, 'manage');
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('projects.title')}</h1>
        <span className="grow" />
        {canManage && <a className="button primary" href="#/projects/new" data-testid="new-project">{t('projects.new')}</a>}
      </div>
      {error && <div className="banner error">{error}</div>}
      {!projects ? <p className="muted">{t('common.loading')}</p> : projects.length === 0 ? <p className="empty-state">{t('projects.empty')}</p> : <>
        <ProgressLegend />
        <ProjectList projects={projects.filter((p) => !p.archivedAt)} />
        {projects.some((p) => p.archivedAt) && (
          <details className="archived-projects" data-testid="archived-projects">
            <summary>{t('projects.archivedCount', { count: projects.filter((p) => p.archivedAt).length })}</summary>
            <ProjectList projects={projects.filter((p) => p.archivedAt)} />
          </details>
        )}
      </>}
    </div>
  );
}

/** Projects as cards; archived ones (no more tasks handed out) offer no annotating. */
function ProjectList({ projects }: { projects: Project[] }) {
  const t = useT();
  const { me } = useSession();
  return (
    <ul className="project-list">
      {projects.map((p) => {
        const done = p.counts.accepted + p.counts.annotated + p.counts.in_review;
        const roles = rolesIn(me, p.organizationId);
        return (
          <li key={p.id} className={`card${p.archivedAt ? ' archived' : ''}`} data-testid={`project-${p.id}`}>
            <div className="project-row">
              <a href={`#/projects/${p.id}`} className="project-name" data-testid="project-open">{p.name}</a>
              {p.archivedAt && <span className="badge">{t('projects.archived')}</span>}
              <span className="muted small">{t('projects.progress', { done, total: p.counts.total })}</span>
              <span className="grow" />
              {!p.archivedAt && can(roles, 'annotate') && <a className="button primary" href={`#/projects/${p.id}/annotate`} data-testid="project-annotate">{t('projects.annotate')}</a>}
              {can(roles, 'review') && <a className="button" href={`#/projects/${p.id}/review`} data-testid="project-review">{t('projects.review')}</a>}
            </div>
            <ProgressBar counts={p.counts} />
          </li>
        );
      })}
    </ul>
  );
}
