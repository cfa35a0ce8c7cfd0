// The workforce (issue 14): skills, certificates, routing by skill, demand matching, job board, figures.
import { client, unwrap } from './client';
import type { components } from './schema';

type S = components['schemas'];

export type Skill = S['SkillView'];
export type SkillInput = { code: string; nameEn: string; nameZh: string; description: string | null; maxLevel: number };
export type Certificate = S['CertificateView'];
export type CertificateCount = S['CertificateCount'];
export type SkillNeed = { skillId: number; minLevel: number };
export type SkillRouteInput = { field: string; value: string; skillId: number; minLevel: number };
export type ProjectSkills = S['ProjectSkillsView'];
export type Demand = S['DemandView'];
export type DemandMatches = S['DemandMatches'];
export type VendorMatch = S['VendorMatchView'];
export type JobSkill = S['JobSkill'];
export type WorkforceFigures = S['WorkforceFigures'];

export const workforceKeys = {
  skills: ['skills'] as const,
  mine: ['certificates', 'mine'] as const,
  people: (organizationId: number) => ['certificates', organizationId] as const,
  counts: ['certificates', 'park'] as const,
  projectSkills: (projectId: number) => ['project', projectId, 'skills'] as const,
  demands: (organizationId: number) => ['demands', organizationId] as const,
  matches: (demandId: number) => ['demands', 'matches', demandId] as const,
  jobs: ['jobs'] as const,
  contractSkills: (contractId: number) => ['contract', contractId, 'skills'] as const,
  figures: (vendor: number | null) => ['workforce', vendor] as const,
};

export const workforceApi = {
  skills: () => unwrap(client.GET('/api/skills')) as Promise<Skill[]>,
  createSkill: (body: SkillInput) => unwrap(client.POST('/api/skills', { body })) as Promise<Skill>,
  updateSkill: (skillId: number, body: SkillInput) => unwrap(client.PUT('/api/skills/{skillId}', { params: { path: { skillId } }, body })) as Promise<Skill>,
  deleteSkill: (skillId: number) => unwrap(client.DELETE('/api/skills/{skillId}', { params: { path: { skillId } } })),
  mine: () => unwrap(client.GET('/api/me/certificates')) as Promise<Certificate[]>,
  people: (organizationId: number) =>
    unwrap(client.GET('/api/organizations/{organizationId}/certificates', { params: { path: { organizationId } } })) as Promise<Certificate[]>,
  counts: () => unwrap(client.GET('/api/park/certificates')) as Promise<CertificateCount[]>,
  grant: (body: { userId: number; skillId: number; level: number; expiresAt?: string | null }) =>
    unwrap(client.POST('/api/certificates', { body })) as Promise<Certificate>,
  revoke: (certificateId: number) =>
    unwrap(client.POST('/api/certificates/{certificateId}/revoke', { params: { path: { certificateId } } })) as Promise<Certificate>,
  projectSkills: (projectId: number) =>
    unwrap(client.GET('/api/projects/{projectId}/skills', { params: { path: { projectId } } })) as Promise<ProjectSkills>,
  setProjectSkills: (projectId: number, requirements: SkillNeed[], routes: SkillRouteInput[]) =>
    unwrap(client.PUT('/api/projects/{projectId}/skills', { params: { path: { projectId } }, body: { requirements, routes } })) as Promise<ProjectSkills>,
  contractSkills: (contractId: number) =>
    unwrap(client.GET('/api/contracts/{contractId}/skills', { params: { path: { contractId } } })) as Promise<S['ContractSkillsView']>,
  setContractSkills: (contractId: number, requirements: SkillNeed[]) =>
    unwrap(client.PUT('/api/contracts/{contractId}/skills', { params: { path: { contractId } }, body: { requirements } })) as Promise<S['ContractSkillsView']>,
  demands: (organizationId: number) =>
    unwrap(client.GET('/api/organizations/{organizationId}/demands', { params: { path: { organizationId } } })) as Promise<Demand[]>,
  createDemand: (body: { clientOrganizationId: number; title: string; volume: number; deadline: string; skills: SkillNeed[] }) =>
    unwrap(client.POST('/api/demands', { body })) as Promise<Demand>,
  closeDemand: (demandId: number) => unwrap(client.POST('/api/demands/{demandId}/close', { params: { path: { demandId } } })) as Promise<Demand>,
  matches: (demandId: number) => unwrap(client.GET('/api/demands/{demandId}/matches', { params: { path: { demandId } } })) as Promise<DemandMatches>,
  jobs: () => unwrap(client.GET('/api/jobs')) as Promise<JobSkill[]>,
  figures: (vendor: number | null) =>
    unwrap(client.GET('/api/park/workforce', { params: { query: vendor ? { vendor } : {} } })) as Promise<WorkforceFigures>,
};
