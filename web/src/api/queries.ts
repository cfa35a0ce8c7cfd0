// Server state through TanStack Query: one key per thing the server holds, so a change invalidates
// exactly the views that show it. Keys nest: everything of one project starts with ['project', id],
// and invalidating that prefix refreshes its counts, tasks, statistics and quality figures at once.
import { QueryClient, useQuery } from '@tanstack/react-query';
import { api, ApiError, type TaskFilter } from './index';
import { problemMessage } from './problems';
import type { T } from '../i18n';

export const keys = {
  me: ['me'] as const,
  tokens: ['tokens'] as const,
  members: (organizationId: number) => ['members', organizationId] as const,
  contracts: (organizationId: number) => ['park', organizationId, 'contracts'] as const,
  sites: (organizationId: number) => ['park', organizationId, 'sites'] as const,
  teams: (organizationId: number) => ['park', organizationId, 'teams'] as const,
  projects: (organization?: number) => ['projects', organization ?? null] as const,
  project: (projectId: number) => ['project', projectId] as const,
  tasks: (projectId: number, filter: TaskFilter) => ['project', projectId, 'tasks', filter] as const,
  taskCount: (projectId: number, filter: TaskFilter) => ['project', projectId, 'taskCount', filter] as const,
  imports: (projectId: number) => ['project', projectId, 'imports'] as const,
  task: (taskId: number) => ['task', taskId] as const,
  stats: (projectId: number) => ['project', projectId, 'stats'] as const,
  qualityAnnotators: (projectId: number) => ['project', projectId, 'quality', 'annotators'] as const,
  agreement: (projectId: number) => ['project', projectId, 'quality', 'agreement'] as const,
  exportJob: (exportId: number) => ['export', exportId] as const,
  exports: (projectId: number) => ['project', projectId, 'exports'] as const,
};

export function makeQueryClient(): QueryClient {
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

export const useProject = (projectId: number) =>
  useQuery({ queryKey: keys.project(projectId), queryFn: () => api.project(projectId) });

export const useMembers = (organizationId: number, enabled = true) =>
  useQuery({ queryKey: keys.members(organizationId), queryFn: () => api.members(organizationId), enabled });

/** The message a failed query or mutation shows, network failures in the reader's language. */
/** Any failure in the user's language: a network failure, or the server's problem by its code. */
export function errorText(e: unknown, t: T): string {
  if (e instanceof ApiError) return e.isNetwork ? t('common.networkError') : problemMessage(e.problem, t);
  return e instanceof Error ? e.message : String(e);
}
