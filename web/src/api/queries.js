// Server state through TanStack Query: one key per thing the server holds, so a change invalidates
// exactly the views that show it. Keys nest: everything of one project starts with ['project', id],
// and invalidating that prefix refreshes its counts, tasks, statistics and quality figures at once.
import { QueryClient, useQuery } from '@tanstack/react-query';
import { api, ApiError } from './index';
import { problemMessage } from './problems';
export const keys = {
    me: ['me'],
    tokens: ['tokens'],
    members: (organizationId) => ['members', organizationId],
    projects: (organization) => ['projects', organization ?? null],
    project: (projectId) => ['project', projectId],
    tasks: (projectId, filter) => ['project', projectId, 'tasks', filter],
    taskCount: (projectId, filter) => ['project', projectId, 'taskCount', filter],
    imports: (projectId) => ['project', projectId, 'imports'],
    task: (taskId) => ['task', taskId],
    stats: (projectId) => ['project', projectId, 'stats'],
    qualityAnnotators: (projectId) => ['project', projectId, 'quality', 'annotators'],
    agreement: (projectId) => ['project', projectId, 'quality', 'agreement'],
    exportJob: (exportId) => ['export', exportId],
    exports: (projectId) => ['project', projectId, 'exports'],
};
export function makeQueryClient() {
    return new QueryClient({
        defaultOptions: {
            queries: {
                // A refusal (4xx) will not change by asking again; a network failure may.
                retry: (count, e) => count < 2 && e instanceof ApiError && (e.isNetwork || e.status >= 500),
                // Pages refetch when they mount again; focusing the window does not reload a form being filled.
                refetchOnWindowFocus: false,
            },
        },
    });
}
export const useProject = (projectId) => useQuery({ queryKey: keys.project(projectId), queryFn: () => api.project(projectId) });
export const useMembers = (organizationId, enabled = true) => useQuery({ queryKey: keys.members(organizationId), queryFn: () => api.members(organizationId), enabled });
/** The message a failed query or mutation shows, network failures in the reader's language. */
/** Any failure in the user's language: a network failure, or the server's problem by its code. */
export function errorText(e, t) {
    if (e instanceof ApiError)
        return e.isNetwork ? t('common.networkError') : problemMessage(e.problem, t);
    return e instanceof Error ? e.message : String(e);
}
