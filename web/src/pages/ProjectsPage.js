import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { errorText, keys } from '../api/queries';
import { useT } from '../i18n';
import { can, rolesIn } from '../roles';
import { useSession } from '../session';
const STATES = ['accepted', 'annotated', 'in_review', 'rejected', 'in_progress', 'new'];
export const STATE_COLORS = {
    accepted: '#2f9e44', annotated: '#4c8bd6', in_review: '#9c6ade', rejected: '#e8590c', in_progress: '#f2c14e', new: '#d9dde3',
};
export function ProgressBar({ counts }) {
    const t = useT();
    const total = counts.total || 1;
    return (_jsx("div", { className: "progress", role: "img", "aria-label": STATES.map((s) => `${t(`state.${s}`)} ${counts[s]}`).join(', '), children: STATES.map((s) => counts[s] > 0 && (_jsx("span", { title: `${t(`state.${s}`)}: ${counts[s]}`, style: { width: `${(counts[s] / total) * 100}%`, background: STATE_COLORS[s] } }, s))) }));
}
/** What the progress bars' colours mean, in the order the bars show them. */
export function ProgressLegend() {
    const t = useT();
    return (_jsx("ul", { className: "progress-legend", "data-testid": "progress-legend", children: STATES.map((s) => _jsxs("li", { children: [_jsx("span", { className: "swatch", style: { background: STATE_COLORS[s] } }), t(`state.${s}`)] }, s)) }));
}
export function ProjectsPage() {
    const t = useT();
    const { org } = useSession();
    const query = useQuery({ queryKey: keys.projects(org?.id), queryFn: () => api.projects(org?.id) });
    const projects = query.data;
    const error = query.error ? errorText(query.error, t) : null;
    const canManage = !org || can(org.roles, 'manage');
    return (_jsxs("div", { className: "page", children: [_jsxs("div", { className: "page-head", children: [_jsx("h1", { children: t('projects.title') }), _jsx("span", { className: "grow" }), canManage && _jsx("a", { className: "button primary", href: "#/projects/new", "data-testid": "new-project", children: t('projects.new') })] }), error && _jsx("div", { className: "banner error", children: error }), !projects ? _jsx("p", { className: "muted", children: t('common.loading') }) : projects.length === 0 ? _jsx("p", { className: "empty-state", children: t('projects.empty') }) : _jsxs(_Fragment, { children: [_jsx(ProgressLegend, {}), _jsx(ProjectList, { projects: projects.filter((p) => !p.archivedAt) }), projects.some((p) => p.archivedAt) && (_jsxs("details", { className: "archived-projects", "data-testid": "archived-projects", children: [_jsx("summary", { children: t('projects.archivedCount', { count: projects.filter((p) => p.archivedAt).length }) }), _jsx(ProjectList, { projects: projects.filter((p) => p.archivedAt) })] }))] })] }));
}
/** Projects as cards; archived ones (no more tasks handed out) offer no annotating. */
function ProjectList({ projects }) {
    const t = useT();
    const { me } = useSession();
    return (_jsx("ul", { className: "project-list", children: projects.map((p) => {
            const done = p.counts.accepted + p.counts.annotated + p.counts.in_review;
            const roles = rolesIn(me, p.organizationId);
            return (_jsxs("li", { className: `card${p.archivedAt ? ' archived' : ''}`, "data-testid": `project-${p.id}`, children: [_jsxs("div", { className: "project-row", children: [_jsx("a", { href: `#/projects/${p.id}`, className: "project-name", "data-testid": "project-open", children: p.name }), p.archivedAt && _jsx("span", { className: "badge", children: t('projects.archived') }), _jsx("span", { className: "muted small", children: t('projects.progress', { done, total: p.counts.total }) }), _jsx("span", { className: "grow" }), !p.archivedAt && can(roles, 'annotate') && _jsx("a", { className: "button primary", href: `#/projects/${p.id}/annotate`, "data-testid": "project-annotate", children: t('projects.annotate') }), can(roles, 'review') && _jsx("a", { className: "button", href: `#/projects/${p.id}/review`, "data-testid": "project-review", children: t('projects.review') })] }), _jsx(ProgressBar, { counts: p.counts })] }, p.id));
        }) }));
}
