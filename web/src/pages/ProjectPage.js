import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { errorText, useProject } from '../api/queries';
import { useT } from '../i18n';
import { DashboardTab } from './DashboardTab';
import { ExportTab } from './ExportTab';
import { ImportTab } from './ImportTab';
import { ProgressBar } from './ProjectsPage';
import { Markdown } from '../lib/Markdown';
import { SettingsTab } from './SettingsTab';
import { TasksTab } from './TasksTab';
import { QualityTab } from './QualityTab';
import { can, rolesIn } from '../roles';
import { useSession } from '../session';
import { NotAllowed } from './NotAllowed';
// Each tab with what the caller's roles in the project's organisation must allow (see roles.ts):
// an annotator sees the schema only, never the others' work.
const TABS = [
    ['tasks', 'seeWork'], ['import', 'manage'], ['dashboard', 'seeWork'], ['quality', 'seeWork'], ['export', 'export'], ['settings', null],
];
export function ProjectPage({ projectId, tab }) {
    const t = useT();
    const { me } = useSession();
    const query = useProject(projectId);
    const project = query.data;
    const error = query.error ? errorText(query.error, t) : null;
    if (error)
        return _jsx("div", { className: "page", children: _jsx("div", { className: "banner error", children: error }) });
    if (!project)
        return _jsx("div", { className: "page muted", children: t('common.loading') });
    const roles = rolesIn(me, project.organizationId);
    const tabs = TABS.filter(([, need]) => need === null || can(roles, need)).map(([x]) => x);
    // A tab the caller's roles do not include, asked for by URL, says so; no tab named opens the first allowed.
    const denied = tab !== undefined && !tabs.includes(tab) && TABS.some(([x]) => x === tab);
    const current = tab !== undefined && tabs.includes(tab) ? tab : tabs[0];
    return (_jsxs("div", { className: "page wide", children: [_jsxs("div", { className: "page-head", children: [_jsx("h1", { "data-testid": "project-title", children: project.name }), project.archivedAt && _jsx("span", { className: "badge", "data-testid": "project-archived", children: t('projects.archived') }), _jsx("span", { className: "grow" }), !project.archivedAt && can(roles, 'annotate') && _jsx("a", { className: "button primary", href: `#/projects/${project.id}/annotate`, "data-testid": "project-annotate", children: t('projects.annotate') }), can(roles, 'review') && _jsx("a", { className: "button", href: `#/projects/${project.id}/review`, "data-testid": "project-review", children: t('projects.review') })] }), project.counts && _jsx(ProgressBar, { counts: project.counts }), project.instructions.trim() && current !== 'settings' && (_jsxs("details", { className: "card instructions-card", "data-testid": "project-instructions-card", children: [_jsx("summary", { children: t('project.instructions') }), _jsx(Markdown, { source: project.instructions, testId: "project-instructions-view" })] })), _jsx("nav", { className: "tabs", role: "tablist", children: tabs.map((x) => (_jsx("a", { role: "tab", "aria-selected": !denied && current === x, className: !denied && current === x ? 'on' : '', href: `#/projects/${project.id}/${x}`, "data-testid": `tab-${x}`, children: t(`project.tab.${x}`) }, x))) }), denied ? _jsx(NotAllowed, { inline: true }) : _jsxs(_Fragment, { children: [current === 'tasks' && _jsx(TasksTab, { project: project, canManage: can(roles, 'manage') }), current === 'import' && _jsx(ImportTab, { project: project }), current === 'dashboard' && _jsx(DashboardTab, { project: project }), current === 'quality' && _jsx(QualityTab, { project: project }), current === 'export' && _jsx(ExportTab, { project: project }), current === 'settings' && _jsx(SettingsTab, { project: project, canManage: can(roles, 'manage') })] })] }));
}
