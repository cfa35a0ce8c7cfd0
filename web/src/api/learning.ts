// Active learning (issue 16): the project's uncertainty measure, the loop and its model server.
import { client, unwrap } from './client';
import type { components } from './schema';

type S = components['schemas'];

export type Learning = S['LearningView'];
export type UncertaintyMeasure = S['UncertaintyMeasure'];
export const MEASURES = ['least_confidence', 'margin', 'entropy'] as const satisfies readonly UncertaintyMeasure[];

export const learningKeys = { learning: (projectId: number) => ['project', projectId, 'learning'] as const };

export const learningApi = {
  get: (projectId: number) => unwrap(client.GET('/api/projects/{projectId}/learning', { params: { path: { projectId } } })),
  save: (projectId: number, body: { measure?: UncertaintyMeasure; loopEvery?: number; backendUrl?: string }) =>
    unwrap(client.PUT('/api/projects/{projectId}/learning', { params: { path: { projectId } }, body })),
  run: (projectId: number) => unwrap(client.POST('/api/projects/{projectId}/learning/run', { params: { path: { projectId } } })),
  health: (projectId: number, url: string) =>
    unwrap(client.POST('/api/projects/{projectId}/learning/backend/health', { params: { path: { projectId } }, body: { url } })),
  predict: (projectId: number) =>
    unwrap(client.POST('/api/projects/{projectId}/learning/backend/predict', { params: { path: { projectId } }, body: { limit: 100 } })),
};
