// The server's HTTP API for the UI: readable names for the generated types (schema.d.ts, made from
// openapi.json by `npm run gen:api`) and one function per call, all through the generated client.
// Only the uploads with progress (XMLHttpRequest) are written by hand, in client.ts.

import type { Result, Schema } from '../lib/schema';
import { client, unwrap, upload } from './client';
import type { components } from './schema';

export { ApiError, unauthorized, type ProblemDetails } from './client';

type S = components['schemas'];

// ---- types -------------------------------------------------------------------------------
// The document types a label schema, a result and task data as opaque JSON (`JsonElement`); the
// UI reads them with its own types from lib/schema.ts.
type WithSchema<T> = Omit<T, 'schema'> & { schema: Schema };
/** Request records list nullable properties as required; the server reads a missing one as null. */
type Loose<T> = { [K in keyof T as null extends T[K] ? never : K]: T[K] } & { [K in keyof T as null extends T[K] ? K : never]?: T[K] };

export type Role = S['Role'];
export type OrgMembership = S['OrganizationMembership'];
export type Me = S['MeResponse'];
export type ApiToken = S['TokenView'];
export type CreatedToken = S['CreatedToken'];
export type Member = S['MemberView'];
export type AddMember = Loose<S['AddMemberRequest']>;
export type Contract = S['ContractView'];
export type ContractOffer = Loose<S['ContractOffer']>;
export type ContractEvent = S['ContractEvent'];
export type Site = S['SiteView'];
export type ModelView = S['ModelView'];
export type ComputeRuntime = S['RuntimeView'];
export type PoolProfile = S['PoolProfileView'];
export type PredictJob = S['PredictJobView'];
export type PredictJobRequest = Loose<S['PredictJobRequest']>;
export type SiteRequest = Loose<S['SiteRequest']>;
export type Team = S['TeamView'];
export type TeamRequest = S['TeamRequest'];
export type County = S['County'];
export type ParkDashboard = S['ParkDashboard'];
export type Statement = S['StatementView'];
export type TeamWork = S['TeamWork'];
export type VendorListing = S['VendorListing'];
export type Productivity = S['ProductivityView'];
export type ProductivityFigures = S['ProductivityFigures'];
export type Retention = S['RetentionView'];
export type Employment = S['EmploymentView'];
export type VendorProgress = S['VendorProgressView'];
/** What park figures are about: the whole park, or one vendor, site, county or team. */
export interface ParkScope { vendor?: number; site?: number; county?: string; team?: number }
export type PayRate = S['PayRateItem'];
export type PayRates = S['PayRatesRequest'];
export type LedTeam = S['LedTeam'];

/** Task states as the server writes them (snake_case, like every enum on the wire). */
export const TASK_STATES = ['new', 'in_progress', 'annotated', 'in_review', 'accepted', 'rejected'] as const satisfies readonly S['TaskState'][];
// Fails to compile when the server adds a state this list lacks.
const everyState: Exclude<S['TaskState'], typeof TASK_STATES[number]> extends never ? true : never = true;
void everyState;
export type TaskState = S['TaskState'];
/** Tasks per state and in all, keyed by the state's wire name. */
export type ProjectCounts = S['StateCounts'];

export type ProjectOrder = S['TaskOrder'];
export type ReviewPolicy = S['ReviewPolicy'];
export type ReviewSettings = S['ReviewSettings'];
export type Project = WithSchema<S['ProjectView']>;
export type ProjectSummary = Project;
export type CreateProject = Omit<Loose<S['ProjectRequest']>, 'schema'> & { schema?: Schema | null };
export type ProjectPatch = Omit<Loose<S['ProjectPatch']>, 'schema'> & { schema?: Schema | null };
export type UnmappedTag = S['UnmappedTagView'];
export type SchemaCheck = Omit<S['SchemaCheckResponse'], 'schema'> & { schema: Schema | null };

export type ImportResult = S['ImportResponse'];
export type MediaInfo = S['MediaView'];
export type TaskRow = S['TaskSummary'];
export type TaskPage = Omit<S['TaskPage'], 'items'> & { items: TaskRow[] };
/** The task list's orders (`sort`) besides a data field's (`sort=field&field=name`); each pages by its own cursor. */
export const TASK_SORTS = ['id', 'state', 'annotations', 'updated'] as const;
export type TaskSort = typeof TASK_SORTS[number] | 'field';
export interface TaskFilter {
  state?: TaskState; annotator?: number; label?: string; from?: string; to?: string; q?: string; importId?: number;
  sort?: TaskSort; field?: string; desc?: boolean; cursor?: string; after?: number; limit?: number;
}
/** What a bulk action applies to when it names no ids: every task the filter selects. */
export type TaskSelection = Loose<S['TaskSelection']>;
export type ImportRecord = S['ImportView'];
/** The earlier import a 409 names when the same file is sent again. */
export interface PreviousImport { id: number; fileName: string; createdAt: string; imported: number; duplicates: number }
export type Annotation = Omit<S['AnnotationView'], 'result'> & { result: Result };
export type Prediction = Omit<S['PredictionView'], 'result'> & { result: Result };
export type ReviewRecord = S['ReviewView'];
export type TaskDetail = Omit<S['TaskDetail'], 'data' | 'state' | 'annotations' | 'predictions'> & {
  data: Record<string, unknown>; state: TaskState; annotations: Annotation[]; predictions: Prediction[];
};
export type BulkAction = NonNullable<S['BulkRequest']['action']>;

export type QueueTask = Omit<S['LeasedTask'], 'data' | 'predictions'> & { data: Record<string, unknown>; predictions: Prediction[] };
export type QueueItem = Omit<S['NextResponse'], 'task' | 'draft'> & { task: QueueTask; draft: Result | null };
export type ReviewItem = Omit<S['ReviewItem'], 'task' | 'annotation'> & {
  task: Omit<S['ReviewTask'], 'data'> & { data: Record<string, unknown> }; annotation: Annotation;
};
export type ReviewAction = S['ReviewAction'];
export type ReviewResponse = S['ReviewResponse'];

export type ExportFormat = S['ExportFileFormat'];
export type ExportRequest = Omit<Loose<S['ExportRequest']>, 'consensus' | 'history'> & { format: ExportFormat; consensus?: boolean; history?: boolean };
export type ExportJob = S['ExportView'];
/** One annotator's record in a project (`GET /api/projects/{id}/quality/annotators`). */
export type AnnotatorQuality = S['AnnotatorQuality'];
export type AnnotatorsView = S['AnnotatorsView'];
export type ControlAgreement = S['ControlAgreement'];
export type AgreementView = S['AgreementView'];
/** Truth-inference methods the server knows, default `bds` (docs/quality.md). */
export const AGGREGATE_METHODS = ['auto', 'ds', 'bds', 'mv', 'wawa', 'zbs', 'onecoin', 'glad', 'mace', 'llc', 'hds', 'qsds'] as const;
export type AggregateMethod = typeof AGGREGATE_METHODS[number];
export type AggregateView = S['AggregateView'];
/** One of the caller's own answers (`GET /api/projects/{id}/history`), newest first. */
export type HistoryItem = Omit<S['HistoryItem'], 'result'> & { result: Result };
export type Stats = S['ProjectStats'];

/**
 * Per-state counts keyed by the states' wire names. The decided shape is `{ in_progress, in_review, … }`;
 * a server from before that change still names them `inProgress`/`inReview`, read here until the
 * regenerated document has the new names (then this is the identity).
 */
const asProject = (p: S['ProjectView']): Project => ({ ...p, schema: p.schema as Schema });
const sans = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as T;

// ---- endpoints ---------------------------------------------------------------------------
const enc = encodeURIComponent;

export const api = {
  login: (email: string, password: string) => unwrap(client.POST('/api/auth/login', { body: { email, password } })) as Promise<Me>,
  logout: () => unwrap(client.POST('/api/auth/logout')),
  me: () => unwrap(client.GET('/api/me')) as Promise<Me>,

  tokens: () => unwrap(client.GET('/api/tokens')),
  createToken: (name: string) => unwrap(client.POST('/api/tokens', { body: { name } })),
  deleteToken: (id: number) => unwrap(client.DELETE('/api/tokens/{id}', { params: { path: { id } } })),

  members: (organizationId: number) =>
    unwrap(client.GET('/api/organizations/{organizationId}/members', { params: { path: { organizationId } } })) as Promise<Member[]>,
  /** Adds a person (a new email needs a password of 8+) or, for someone already a member, replaces their roles. */
  addMember: (organizationId: number, m: AddMember) =>
    unwrap(client.POST('/api/organizations/{organizationId}/members', { params: { path: { organizationId } }, body: m })) as Promise<Member>,
  // Compute: models, pools with power profiles, pre-annotation jobs.
  models: () => unwrap(client.GET('/api/models')) as Promise<ModelView[]>,
  /** Which ONNX Runtime provider runs the models (cuda or cpu), and why not CUDA when it fell back. */
  computeRuntime: () => unwrap(client.GET('/api/compute/runtime')) as Promise<ComputeRuntime>,
  pools: (organizationId: number) =>
    unwrap(client.GET('/api/organizations/{organizationId}/pools', { params: { path: { organizationId } } })),
  pool: (poolId: number) => unwrap(client.GET('/api/pools/{poolId}', { params: { path: { poolId } } })) as Promise<PoolProfile>,
  predictJobs: (projectId: number) =>
    unwrap(client.GET('/api/projects/{projectId}/predict-jobs', { params: { path: { projectId } } })) as Promise<PredictJob[]>,
  startPredictJob: (projectId: number, body: PredictJobRequest) =>
    unwrap(client.POST('/api/projects/{projectId}/predict-jobs', { params: { path: { projectId } }, body })) as Promise<PredictJob>,
  cancelPredictJob: (jobId: number) => unwrap(client.POST('/api/predict-jobs/{jobId}/cancel', { params: { path: { jobId } } })) as Promise<PredictJob>,
  // The park: contracts, sites, teams.
  contracts: (organization: number) =>
    unwrap(client.GET('/api/contracts', { params: { query: { organization } } })) as Promise<Contract[]>,
  offerContract: (offer: ContractOffer) => unwrap(client.POST('/api/contracts', { body: offer })) as Promise<Contract>,
  actOnContract: (contractId: number, event: ContractEvent) =>
    unwrap(client.POST('/api/contracts/{contractId}/transition', { params: { path: { contractId } }, body: { event } })) as Promise<Contract>,
  staffContract: (contractId: number, userIds: number[], teamIds: number[]) =>
    unwrap(client.PUT('/api/contracts/{contractId}/staff', { params: { path: { contractId } }, body: { userIds, teamIds } })) as Promise<Contract>,
  sites: (organizationId: number) =>
    unwrap(client.GET('/api/organizations/{organizationId}/sites', { params: { path: { organizationId } } })) as Promise<Site[]>,
  createSite: (organizationId: number, site: SiteRequest) =>
    unwrap(client.POST('/api/organizations/{organizationId}/sites', { params: { path: { organizationId } }, body: site })) as Promise<Site>,
  updateSite: (siteId: number, site: SiteRequest) =>
    unwrap(client.PUT('/api/sites/{siteId}', { params: { path: { siteId } }, body: site })) as Promise<Site>,
  teams: (organizationId: number) =>
    unwrap(client.GET('/api/organizations/{organizationId}/teams', { params: { path: { organizationId } } })) as Promise<Team[]>,
  createTeam: (organizationId: number, team: TeamRequest) =>
    unwrap(client.POST('/api/organizations/{organizationId}/teams', { params: { path: { organizationId } }, body: team })) as Promise<Team>,
  counties: () => unwrap(client.GET('/api/park/counties')) as Promise<County[]>,
  /** The park's figures (the whole park for the operator; one vendor with `vendor`) over [from, to], default the last 90 days. */
  parkDashboard: (vendor?: number, from?: string, to?: string) =>
    unwrap(client.GET('/api/park/dashboard', { params: { query: sans({ vendor, from, to }) } })) as Promise<ParkDashboard>,
  /** An organisation's statement for a month (YYYY-MM): a vendor's bill and pay, a client's bill. */
  statement: (organizationId: number, month: string) =>
    unwrap(client.GET('/api/organizations/{organizationId}/statements/{month}', { params: { path: { organizationId, month } } })) as Promise<Statement>,
  statementUrl: (organizationId: number, month: string, format: 'csv' | 'json') =>
    `/api/organizations/${organizationId}/statements/${enc(month)}${format === 'csv' ? '?format=csv' : ''}`,
  closeStatement: (organizationId: number, month: string) =>
    unwrap(client.POST('/api/organizations/{organizationId}/statements/{month}/close', { params: { path: { organizationId, month } } })) as Promise<Statement>,
  payRates: (contractId: number) =>
    unwrap(client.GET('/api/contracts/{contractId}/pay-rates', { params: { path: { contractId } } })) as Promise<PayRates>,
  setPayRates: (contractId: number, rates: PayRate[]) =>
    unwrap(client.PUT('/api/contracts/{contractId}/pay-rates', { params: { path: { contractId } }, body: { rates } })) as Promise<PayRates>,
  /** Productivity over [from, to] (default the last 30 days) of a scope, broken down `by` vendor, site, county or team. */
  productivity: (scope: ParkScope, from?: string, by?: 'vendor' | 'site' | 'county' | 'team') =>
    unwrap(client.GET('/api/park/productivity', { params: { query: sans({ ...scope, from, by }) } })) as Promise<Productivity>,
  /** Retention cohorts of a scope: of those who started in a month, the share still working 30, 60, 90 days on. */
  retention: (scope: ParkScope) => unwrap(client.GET('/api/park/retention', { params: { query: sans({ ...scope }) } })) as Promise<Retention>,
  /** People employed per county (of one vendor with `vendor`). */
  employment: (vendor?: number) => unwrap(client.GET('/api/park/employment', { params: { query: sans({ vendor }) } })) as Promise<Employment>,
  /** Each vendor's progress and quality on a client's project, with their work per day. */
  vendorProgress: (projectId: number) =>
    unwrap(client.GET('/api/projects/{projectId}/vendor-progress', { params: { path: { projectId } } })) as Promise<VendorProgress>,
  /** The park's vendors, to offer a contract to. */
  vendors: () => unwrap(client.GET('/api/park/vendors')) as Promise<VendorListing[]>,
  /** The teams the caller leads. */
  myTeams: () => unwrap(client.GET('/api/me/teams')) as Promise<LedTeam[]>,
  teamWork: (teamId: number) => unwrap(client.GET('/api/teams/{teamId}/work', { params: { path: { teamId } } })) as Promise<TeamWork>,
  removeMember: (organizationId: number, userId: number) =>
    unwrap(client.DELETE('/api/organizations/{organizationId}/members/{userId}', { params: { path: { organizationId, userId } } })),

  projects: async (organization?: number) =>
    (await unwrap(client.GET('/api/projects', { params: { query: sans({ organization }) } }))).map(asProject),
  createProject: async (p: CreateProject) => asProject(await unwrap(client.POST('/api/projects', { body: p }))),
  project: async (projectId: number) => asProject(await unwrap(client.GET('/api/projects/{projectId}', { params: { path: { projectId } } }))),
  updateProject: async (projectId: number, patch: ProjectPatch) =>
    asProject(await unwrap(client.PATCH('/api/projects/{projectId}', { params: { path: { projectId } }, body: patch }))),
  deleteProject: (projectId: number) => unwrap(client.DELETE('/api/projects/{projectId}', { params: { path: { projectId } } })),
  checkSchema: async (input: { schema: unknown } | { labelStudioXml: string }) =>
    (await unwrap(client.POST('/api/schemas/check', { body: input }))) as SchemaCheck,

  /** `map` renames the file's columns to schema fields ("" leaves one out); `again` imports a file the project had before. */
  importTasks: (projectId: number, file: File, onProgress?: (f: number) => void, format?: string, map?: Record<string, string>, again?: boolean) =>
    upload<ImportResult>('POST', `/api/projects/${projectId}/imports?${new URLSearchParams(sans({
      format, filename: file.name, map: map && Object.keys(map).length ? JSON.stringify(map) : undefined, again: again ? 'true' : undefined,
    }) as Record<string, string>)}`, file, onProgress, 'application/octet-stream'),
  /** One task per uploaded media file, in the schema's field of its kind. */
  importMediaTasks: (projectId: number, names: string[], source?: string, again?: boolean) =>
    unwrap(client.POST('/api/projects/{projectId}/imports/media', { params: { path: { projectId } }, body: { names, source: source ?? null, again: again ?? false, field: null } })),
  imports: (projectId: number) => unwrap(client.GET('/api/projects/{projectId}/imports', { params: { path: { projectId } } })),
  /** Where a video's scrub proxy stands, and where its chunks are once ready. */
  scrubProxy: (projectId: number, name: string) =>
    unwrap(client.GET('/api/projects/{projectId}/scrub', { params: { path: { projectId }, query: { name } } })),
  uploadMedia: (projectId: number, files: File[], onProgress?: (f: number) => void) => {
    const form = new FormData();
    for (const f of files) form.append('files', f, f.name);
    return upload<MediaInfo[]>('POST', `/api/projects/${projectId}/media`, form, onProgress);
  },
  mediaUrl: (projectId: number, name: string) => `/api/projects/${projectId}/media/${enc(name)}`,

  tasks: async (projectId: number, f: TaskFilter = {}) =>
    (await unwrap(client.GET('/api/projects/{projectId}/tasks', { params: { path: { projectId }, query: sans(f) } }))) as TaskPage,
  task: async (taskId: number) => (await unwrap(client.GET('/api/tasks/{taskId}', { params: { path: { taskId } } }))) as TaskDetail,
  taskCount: async (projectId: number, f: TaskFilter = {}) =>
    (await unwrap(client.GET('/api/projects/{projectId}/tasks/count', { params: { path: { projectId }, query: sans(f) } }))).count,
  /** The tasks `ids`, or when `ids` is null every task `filter` selects. */
  bulkTasks: (projectId: number, ids: number[] | null, action: BulkAction, priority?: number, filter?: TaskSelection) =>
    unwrap(client.POST('/api/projects/{projectId}/tasks/bulk', {
      params: { path: { projectId } }, body: { ids, action, priority: priority ?? null, filter: (filter ?? null) },
    })),

  /** The next task for the caller, or null when nothing is left (204). Leases in `exclude` (the task
   *  on screen, submissions still in the outbox) are not handed back: that is how the next task is fetched ahead. */
  nextTask: async (projectId: number, exclude: number[] = []) =>
    ((await unwrap(client.POST('/api/projects/{projectId}/queue/next', {
      params: { path: { projectId }, query: exclude.length ? { exclude: exclude.join(',') } : {} },
    }))) ?? null) as QueueItem | null,
  submit: (assignmentId: number, result: Result, leadTimeSeconds: number, idempotencyKey: string) =>
    unwrap(client.POST('/api/assignments/{assignmentId}/submit', {
      params: { path: { assignmentId } }, body: { result, leadTimeSeconds }, headers: { 'Idempotency-Key': idempotencyKey },
    })),
  skip: (assignmentId: number) => unwrap(client.POST('/api/assignments/{assignmentId}/skip', { params: { path: { assignmentId } } })),
  // keepalive: sent while the page is being left, the request must outlive it.
  release: (assignmentId: number) =>
    unwrap(client.POST('/api/assignments/{assignmentId}/release', { params: { path: { assignmentId } }, keepalive: true })),
  saveDraft: (assignmentId: number, result: Result) =>
    unwrap(client.PUT('/api/assignments/{assignmentId}/draft', { params: { path: { assignmentId } }, body: { result } })),

  nextReview: async (projectId: number) =>
    ((await unwrap(client.POST('/api/projects/{projectId}/review/next', { params: { path: { projectId } } }))) ?? null) as ReviewItem | null,
  review: (annotationId: number, action: ReviewAction, comment?: string, result?: Result) =>
    unwrap(client.POST('/api/annotations/{annotationId}/review', {
      params: { path: { annotationId } }, body: { action, comment: comment ?? null, result: result ?? null },
    })),

  startExport: (projectId: number, req: ExportRequest) =>
    unwrap(client.POST('/api/projects/{projectId}/exports', { params: { path: { projectId } }, body: req as S['ExportRequest'] })),
  exports: (projectId: number) => unwrap(client.GET('/api/projects/{projectId}/exports', { params: { path: { projectId } } })),
  exportJob: (exportId: number) => unwrap(client.GET('/api/exports/{exportId}', { params: { path: { exportId } } })),
  exportDownloadUrl: (exportId: number) => `/api/exports/${exportId}/download`,
  stats: (projectId: number): Promise<Stats> => unwrap(client.GET('/api/projects/{projectId}/stats', { params: { path: { projectId } } })),

  qualityAnnotators: (projectId: number) => unwrap(client.GET('/api/projects/{projectId}/quality/annotators', { params: { path: { projectId } } })),
  agreement: (projectId: number) => unwrap(client.GET('/api/projects/{projectId}/quality/agreement', { params: { path: { projectId } } })),
  agreementCsvUrl: (projectId: number) => `/api/projects/${projectId}/quality/agreement?format=csv`,
  aggregate: (projectId: number, method: AggregateMethod, control?: string) =>
    unwrap(client.POST('/api/projects/{projectId}/quality/aggregate', { params: { path: { projectId } }, body: { method, control: control ?? null } })),
  /** Replaces the caller's own unreviewed answer by a corrected one (a new version); 409 once reviewed. */
  amend: (annotationId: number, result: Result, leadTimeSeconds: number) =>
    unwrap(client.PUT('/api/annotations/{annotationId}', { params: { path: { annotationId } }, body: { result, leadTimeSeconds } })),
  /** The caller's own recent answers in a project, newest first. */
  history: async (projectId: number, limit?: number) =>
    ((await unwrap(client.GET('/api/projects/{projectId}/history', { params: { path: { projectId }, query: limit ? { limit } : {} } }))).items) as HistoryItem[],
};
