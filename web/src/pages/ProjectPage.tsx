import { useEffect, useState } from 'react';
import { api, type Project } from '../api';
import { useT, type MessageKey } from '../i18n';
import { DashboardTab } from './DashboardTab';
import { ExportTab } from './ExportTab';
import { ImportTab } from './ImportTab';
import { ProgressBar } from './ProjectsPage';
import { SchemaPreview } from './SchemaPreview';
import { sampleData } from '../lib/sample';
import { TasksTab } from './TasksTab';
import { QualityTab } from './QualityTab';
import { useSession } from '../session';

const TABS = ['tasks', 'import', 'dashboard', 'quality', 'export', 'settings'] as const;

export function ProjectPage({ projectId, tab }: { projectId: string; tab: string }) {
  const t = useT();
  const { me } = useSession();
  const [project, setProject] = useState<Project | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { api.project(projectId).then(setProject).catch((e: Error) => setError(e.message)); }, [projectId]);
  if (error) return <div className="page"><div className="banner error">{error}</div></div>;
  if (!project) return <div className="page muted">{t('common.loading')}</div>;
  // Quality figures are for the project organisation's managers and reviewers (the server says 403 to others).
  const roles = me.organizations.find((o) => String(o.id) === String(project.organizationId))?.roles ?? [];
  const tabs = TABS.filter((x) => x !== 'quality' || roles.some((r) => r === 'admin' || r === 'manager' || r === 'reviewer'));
  const current = (tabs as readonly string[]).includes(tab) ? tab : 'tasks';
  return (
    <div className="page wide">
      <div className="page-head">
        <h1 data-testid="project-title">{project.name}</h1>
        <span className="grow" />
        <a className="button primary" href={`#/projects/${project.id}/annotate`} data-testid="project-annotate">{t('projects.annotate')}</a>
        <a className="button" href={`#/projects/${project.id}/review`} data-testid="project-review">{t('projects.review')}</a>
      </div>
      {project.counts && <ProgressBar counts={project.counts} />}
      <nav className="tabs" role="tablist">
        {tabs.map((x) => (
          <a key={x} role="tab" aria-selected={current === x} className={current === x ? 'on' : ''} href={`#/projects/${project.id}/${x}`} data-testid={`tab-${x}`}>
            {t(`project.tab.${x}` as MessageKey)}
          </a>
        ))}
      </nav>
      {current === 'tasks' && <TasksTab project={project} />}
      {current === 'import' && <ImportTab project={project} />}
      {current === 'dashboard' && <DashboardTab project={project} />}
      {current === 'quality' && <QualityTab project={project} />}
      {current === 'export' && <ExportTab project={project} />}
      {current === 'settings' && (
        <div className="two-col">
          <pre className="json card" data-testid="project-schema">{JSON.stringify(project.schema, null, 2)}</pre>
          <div className="card"><SchemaPreview schema={project.schema} data={sampleData(project.schema)} /></div>
        </div>
      )}
    </div>
  );
}
