// Releases, grants, the catalogue and the audit trail (issue 15), through the generated client.
import { client, unwrap } from './client';
import type { components } from './schema';

type S = components['schemas'];

export type Release = S['ReleaseView'];
export type ReleaseSource = S['ReleaseSource'];
export type ReleaseDiff = S['ReleaseDiff'];
export type ReleaseJob = S['ReleaseJobView'];
export type ReleaseLink = S['LinkView'];
export type Grant = S['GrantView'];
export type GrantStatus = S['GrantStatus'];
export type DatasetCard = S['CardView'];
export type Modality = S['DatasetModality'];
export type Visibility = S['CardVisibility'];
export type AuditEntry = S['AuditEntryView'];
export type CardInput = {
  titleEn: string; titleZh: string; descriptionEn: string; descriptionZh: string; modality: Modality; licence: string; visibility: Visibility;
};

export const MODALITIES = ['text', 'image', 'audio', 'video', 'multimodal'] as const satisfies readonly Modality[];
export const VISIBILITIES = ['private', 'park', 'public'] as const satisfies readonly Visibility[];

export const releaseKeys = {
  releases: (projectId: number) => ['project', projectId, 'releases'] as const,
  release: (releaseId: number) => ['release', releaseId] as const,
  jobs: (projectId: number) => ['project', projectId, 'release-jobs'] as const,
  diff: (releaseId: number, from: number) => ['release', releaseId, 'diff', from] as const,
  catalogue: (q: string, modality: string) => ['catalogue', q, modality] as const,
  card: (projectId: number) => ['catalogue', 'card', projectId] as const,
  grants: (organizationId: number) => ['grants', organizationId] as const,
  audit: (organizationId: number | 'park') => ['audit', organizationId] as const,
};

export const releasesApi = {
  create: (projectId: number, body: { source: ReleaseSource; formats: S['ExportFileFormat'][]; licence: string }) =>
    unwrap(client.POST('/api/projects/{projectId}/releases', { params: { path: { projectId } }, body })),
  list: (projectId: number) => unwrap(client.GET('/api/projects/{projectId}/releases', { params: { path: { projectId } } })),
  jobs: (projectId: number) => unwrap(client.GET('/api/projects/{projectId}/release-jobs', { params: { path: { projectId } } })),
  get: (releaseId: number) => unwrap(client.GET('/api/releases/{releaseId}', { params: { path: { releaseId } } })),
  diff: (releaseId: number, from: number) =>
    unwrap(client.GET('/api/releases/{releaseId}/diff', { params: { path: { releaseId }, query: { from } } })),
  link: (releaseId: number) => unwrap(client.POST('/api/releases/{releaseId}/links', { params: { path: { releaseId } } })),
  putCard: (projectId: number, body: CardInput) => unwrap(client.PUT('/api/projects/{projectId}/card', { params: { path: { projectId } }, body })),
  search: (q: string, modality: string) =>
    unwrap(client.GET('/api/catalogue', { params: { query: { ...(q ? { q } : {}), ...(modality ? { modality } : {}) } } })),
  card: (projectId: number) => unwrap(client.GET('/api/catalogue/{projectId}', { params: { path: { projectId } } })),
  requestGrant: (releaseId: number, body: { organizationId: number; purpose: string; days: number; formats: S['ExportFileFormat'][] }) =>
    unwrap(client.POST('/api/releases/{releaseId}/grants', { params: { path: { releaseId } }, body })),
  grants: (organizationId: number) => unwrap(client.GET('/api/organizations/{organizationId}/grants', { params: { path: { organizationId } } })),
  decide: (grantId: number, grant: boolean, reason: string) =>
    unwrap(client.POST('/api/grants/{grantId}/decision', { params: { path: { grantId } }, body: { grant, reason: reason || null } })),
  revoke: (grantId: number, reason: string) =>
    unwrap(client.POST('/api/grants/{grantId}/revoke', { params: { path: { grantId } }, body: { reason: reason || null } })),
  orgAudit: (organizationId: number) =>
    unwrap(client.GET('/api/organizations/{organizationId}/audit', { params: { path: { organizationId }, query: { limit: 500 } } })),
  parkAudit: () => unwrap(client.GET('/api/audit', { params: { query: { limit: 500 } } })),
};
