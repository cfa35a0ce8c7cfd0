import { errorText, useProject } from '../api/queries';
import { useT, type MessageKey } from '../i18n';
import { DashboardTab } from './DashboardTab';
import { ExportTab } from './ExportTab';
import { ImportTab } from './ImportTab';
import { ProgressBar, ProgressLegend } from './ProjectsPage';
import { Markdown } from '../lib/Markdown';
import { SettingsTab } from './SettingsTab';
import { TasksTab } from './TasksTab';
import { QualityTab } from './QualityTab';
import { ReleasesTab } from './ReleasesTab';
import { can, rolesIn, type Ability } from '../roles';
import { useSession } from '../session';
import { NotAllowed } from './NotAllowed';

// Each tab with what the caller's roles in the project's organisation must allow (see roles.ts):
// an annotator sees the schema only, never the others' work.
const TABS = [
  ['tasks', 'seeWork'], ['import', 'manage'], ['dashboard', 'seeWork'], ['quality', 'seeWork'], ['export', 'export'], ['releases', 'export'], ['settings', null],
] as const satisfies readonly (readonly [string, Ability | null])[];

export function ProjectPage({ projectId, tab }: { projectId: number; tab?: string }) {
  const t = useT();
  const { me } = useSession();
  const query = useProject(projectId);
  const project = query.data;
  const error = query.error ? errorText(query.error, t) : null;
  if (error) return <div className="page"><div className="banner error">{error}</div></div>;
  if (!project) return <div className="page muted">{t('common.loading')}</div>;
  const roles = rolesIn(me, project.organizationId);
  const tabs: string[] = TABS.filter(([, need]) => need === null || can(roles, need)).map(([x]) => x);
  // A tab the caller's roles do not include, asked for by URL, says so; no tab named opens the first allowed.
  const denied = tab !== undefined && !tabs.includes(tab) && TABS.some(([x]) => x === tab);
  const current = tab !== undefined && tabs.includes(tab) ? tab : tabs[0]!;
  return (
    <div className="page wide">
      <div className="page-head">
        <h1 data-testid="project-title">{project.name}</h1>
        {project.archivedAt && <span className="badge" data-testid="project-archived">{t('projects.archived')}</span>}
        <span className="grow" />
        {!project.archivedAt && can(roles, 'annotate') && <a className="button primary" href={`#/projects/${project.id}/annotate`} data-testid="project-annotate">{t('projects.annotate')}</a>}
        {can(roles, 'review') && <a className="button" href={`#/projects/${project.id}/review`} data-testid="project-review">{t('projects.review')}</a>}
      </div>
      {project.counts && <><ProgressBar counts={project.counts} /><ProgressLegend counts={project.counts} testId="project-legend" /></>}
      {project.instructions.trim() && current !== 'settings' && (
        <details className="card instructions-card" data-testid="project-instructions-card">
          <summary>{t('project.instructions')}</summary>
          <Markdown source={project.instructions} testId="project-instructions-view" />
        </details>
      )}
      <nav className="tabs" role="tablist">
        {tabs.map((x) => (
          <a key={x} role="tab" aria-selected={!denied && current === x} className={!denied && current === x ? 'on' : ''} href={`#/projects/${project.id}/${x}`} data-testid={`tab-${x}`}>
            {t(`project.tab.${x}` as MessageKey)}
          </a>
        ))}
      </nav>
      {denied ? <NotAllowed inline /> : <>
        {current === 'tasks' && <TasksTab project={project} canManage={can(roles, 'manage')} />}
        {current === 'import' && <ImportTab project={project} />}
        {current === 'dashboard' && <DashboardTab project={project} />}
        {current === 'quality' && <QualityTab project={project} />}
        {current === 'export' && <ExportTab project={project} />}
        {current === 'releases' && <ReleasesTab project={project} />}
        {current === 'settings' && <SettingsTab project={project} canManage={can(roles, 'manage')} />}
      </>}
    </div>
  );
}
