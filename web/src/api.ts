// The one typed client for the server's HTTP API (docs/api.md). Every path lives in this file so
// it can be matched to the server's OpenAPI document in one place.

import type { Result, Schema } from './lib/schema';

export interface ProblemDetails {
  type?: string; title?: string; status?: number; detail?: string;
  errors?: Record<string, string[] | string>;
}

/** A failed call: the ProblemDetails the server sent, or a network failure (`status` 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly errors: Record<string, string[]>;
  constructor(status: number, problem: ProblemDetails) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.title = problem.title ?? `HTTP ${status}`;
    this.detail = problem.detail;
    this.errors = Object.fromEntries(Object.entries(problem.errors ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v : [String(v)]]));
  }
  get isNetwork(): boolean { return this.status === 0; }
}

// ---- types -------------------------------------------------------------------------------
export type Role = 'admin' | 'manager' | 'annotator' | 'reviewer' | 'trainer';
export interface OrgMembership { id: string; name: string; kind: 'client' | 'vendor' | 'operator'; roles: Role[] }
export interface Me { id: string; email: string; name: string; organizations: OrgMembership[] }
export interface User { id: string; email: string; name: string }
/** A personal API token: `token` (the secret) only in the answer to its creation. */
export interface ApiToken { id: string; name: string; token?: string; createdAt?: string }
export interface Organization { id: string; name: string; kind: string }
/** A member of an organisation as `GET /api/organizations/{id}/members` gives it (the id is `userId`). */
export interface Member { userId: string; email: string; name: string; roles: Role[] }

export type TaskState = 'new' | 'inProgress' | 'annotated' | 'inReview' | 'accepted' | 'rejected';
export interface ProjectCounts { total: number; new: number; inProgress: number; annotated: number; inReview: number; accepted: number; rejected: number }
export interface ProjectSummary { id: string; organizationId: string; name: string; overlap: number; counts: ProjectCounts }
export interface ReviewSettings { policy: 'none' | 'sample' | 'all'; percent?: number }
export interface Project extends ProjectSummary {
  instructions?: string; schema: Schema; leaseSeconds?: number;
  order?: 'priority' | 'random' | 'leastAnnotated'; review?: ReviewSettings;
}
export interface CreateProject {
  organizationId: string; name: string; instructions?: string;
  schema?: Schema; labelStudioXml?: string; overlap: number; leaseSeconds?: number;
  order?: 'priority' | 'random' | 'leastAnnotated'; review?: ReviewSettings;
}
export interface SchemaCheck { schema: Schema | null; unmapped: string[]; errors: { path: string; message: string }[] }

export interface ImportResult { imported: number; duplicates: number }
export interface MediaInfo { name: string; contentType: string; width?: number; height?: number; durationSeconds?: number; url: string }
export interface TaskRow { id: string; key?: string; state: TaskState; priority: number; annotationCount: number; updatedAt: string }
export interface Page<T> { items: T[]; next: string | null }
export interface TaskFilter { state?: string; annotator?: string; label?: string; from?: string; to?: string; after?: string; limit?: number }
export interface Annotation { id: string; annotatorId?: string; annotator?: string; result: Result; leadTimeSeconds?: number; createdAt?: string; state?: string }
export interface Prediction { id?: string; model?: string; score?: number; result: Result }
export interface ReviewRecord { id?: string; action: string; comment?: string; reviewer?: string; createdAt?: string }
export interface TaskDetail {
  id: string; key?: string; data: Record<string, unknown>; state: TaskState; priority: number;
  annotations: Annotation[]; predictions: Prediction[]; reviews: ReviewRecord[];
}
export type BulkAction = 'delete' | 'priority' | 'release';

export interface QueueTask { id: string; data: Record<string, unknown>; predictions: Prediction[] }
export interface QueueItem { assignmentId: string; task: QueueTask; expiresAt: string; draft: Result | null; reviewComment: string | null }
export interface ReviewItem { annotationId: string; task: QueueTask; annotation: Annotation }
export type ReviewAction = 'accept' | 'reject' | 'fix';

export type ExportFormat = 'jsonl' | 'labelstudio' | 'csv' | 'conll' | 'coco';
export interface ExportRequest { format: ExportFormat; state?: string; from?: string; to?: string; history?: boolean }
export interface ExportJob { id: string; status: 'queued' | 'running' | 'done' | 'failed' | string; rows?: number; error?: string | null; downloadUrl?: string | null }
/** One annotator's record in a project (`GET /api/projects/{id}/quality/annotators`). */
export interface AnnotatorQuality {
  userId: string; name: string; annotations: number; goldSeen: number; goldAccuracy: number | null;
  /** Gold accuracy below the threshold after the minimum: the queue gives them no more tasks. */
  flagged: boolean; avgLeadTimeSeconds: number | null; reviewed: number; accepted: number; acceptanceRate: number | null;
}
export interface AnnotatorsView { goldThreshold: number; goldMinimum: number; annotators: AnnotatorQuality[] }
export interface ControlAgreement { name: string; type: string; tasks: number; pairs: number; metrics: Record<string, number | null> }
export interface AgreementView { taskId: string | null; tasks: number; controls: ControlAgreement[] }
/** Truth-inference methods the server knows, default `bds` (docs/quality.md). */
export const AGGREGATE_METHODS = ['auto', 'ds', 'bds', 'mv', 'wawa', 'zbs', 'onecoin', 'glad', 'mace', 'llc', 'hds', 'qsds'] as const;
export type AggregateMethod = typeof AGGREGATE_METHODS[number];
export interface AggregateView {
  method: string; control: string;
  items: { taskId: string; label: string; confidence: number }[];
  workers: { userId: string; name: string; skill: number }[];
}

export interface Stats {
  states: Partial<Record<TaskState, number>>;
  perDay: { day: string; annotations: number }[];
  perAnnotator: { annotator: string; annotations: number; avgLeadTimeSeconds: number }[];
}

// ---- transport ---------------------------------------------------------------------------
type Query = Record<string, string | number | boolean | undefined | null>;

function qs(q?: Query): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function problemOf(res: Response): Promise<ApiError> {
  let body: ProblemDetails = {};
  try { body = (await res.json()) as ProblemDetails; } catch { /* not JSON: keep the status */ }
  return new ApiError(res.status, body);
}

/** Listeners told when any call answers 401, so the app can return to the log-in page. */
export const unauthorized = new Set<() => void>();

async function call<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>, keepalive = false): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      keepalive,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new ApiError(0, { title: 'network', detail: e instanceof Error ? e.message : String(e) });
  }
  if (res.status === 401 && !path.endsWith('/auth/login')) unauthorized.forEach((f) => f());
  if (!res.ok) throw await problemOf(res);
  if (res.status === 204 || res.status === 202 && res.headers.get('content-length') === '0') return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Uploads a raw body with XMLHttpRequest, which (unlike fetch) reports upload progress. */
function upload<T>(method: string, path: string, body: Blob | FormData, onProgress?: (fraction: number) => void, contentType?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    if (contentType) xhr.setRequestHeader('Content-Type', contentType);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress?.(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, { title: 'network' }));
    xhr.onload = () => {
      let parsed: unknown;
      try { parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined; } catch { parsed = undefined; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T);
      else {
        if (xhr.status === 401) unauthorized.forEach((f) => f());
        reject(new ApiError(xhr.status, (parsed as ProblemDetails) ?? {}));
      }
    };
    xhr.send(body);
  });
}

const enc = encodeURIComponent;

// ---- endpoints ---------------------------------------------------------------------------
export const api = {
  login: (email: string, password: string) => call<{ user: User }>('POST', '/api/auth/login', { email, password }),
  logout: () => call<void>('POST', '/api/auth/logout'),
  me: () => call<Me>('GET', '/api/me'),

  tokens: () => call<ApiToken[]>('GET', '/api/tokens'),
  createToken: (name: string) => call<ApiToken>('POST', '/api/tokens', { name }),
  deleteToken: (id: string) => call<void>('DELETE', `/api/tokens/${enc(id)}`),

  organizations: () => call<Organization[]>('GET', '/api/organizations'),
  members: (orgId: string) => call<Member[]>('GET', `/api/organizations/${enc(orgId)}/members`),
  /** Adds a person (a new email needs a password of 8+) or, for someone already a member, replaces their roles. */
  addMember: (orgId: string, m: { email: string; name?: string; password?: string; roles: Role[] }) =>
    call<Member>('POST', `/api/organizations/${enc(orgId)}/members`, m),
  removeMember: (orgId: string, userId: string) =>
    call<void>('DELETE', `/api/organizations/${enc(orgId)}/members/${enc(userId)}`),

  projects: (organization?: string) => call<ProjectSummary[]>('GET', `/api/projects${qs({ organization })}`),
  createProject: (p: CreateProject) => call<Project>('POST', '/api/projects', p),
  project: (id: string) => call<Project>('GET', `/api/projects/${enc(id)}`),
  updateProject: (id: string, patch: Partial<CreateProject>) => call<Project>('PATCH', `/api/projects/${enc(id)}`, patch),
  deleteProject: (id: string) => call<void>('DELETE', `/api/projects/${enc(id)}`),
  checkSchema: (input: { schema: unknown } | { labelStudioXml: string }) => call<SchemaCheck>('POST', '/api/schemas/check', input),

  importTasks: (projectId: string, file: File, onProgress?: (f: number) => void, format?: string) =>
    upload<ImportResult>('POST', `/api/projects/${enc(projectId)}/imports${qs({ format, filename: file.name })}`, file, onProgress, 'application/octet-stream'),
  uploadMedia: (projectId: string, files: File[], onProgress?: (f: number) => void) => {
    const form = new FormData();
    for (const f of files) form.append('files', f, f.name);
    return upload<MediaInfo[]>('POST', `/api/projects/${enc(projectId)}/media`, form, onProgress);
  },
  mediaUrl: (projectId: string, name: string) => `/api/projects/${enc(projectId)}/media/${enc(name)}`,

  tasks: (projectId: string, f: TaskFilter = {}) => call<Page<TaskRow>>('GET', `/api/projects/${enc(projectId)}/tasks${qs({ ...f })}`),
  task: (id: string) => call<TaskDetail>('GET', `/api/tasks/${enc(id)}`),
  bulkTasks: (projectId: string, ids: string[], action: BulkAction, priority?: number) =>
    call<{ affected: number }>('POST', `/api/projects/${enc(projectId)}/tasks/bulk`, { ids, action, priority }),

  /** The next task for the caller, or null when nothing is left (204). Leases in `exclude` (the task
   *  on screen, submissions still in the outbox) are not handed back: that is how the next task is fetched ahead. */
  nextTask: (projectId: string, exclude: string[] = []) =>
    call<QueueItem | undefined>('POST', `/api/projects/${enc(projectId)}/queue/next${exclude.length ? `?exclude=${exclude.map(enc).join(',')}` : ''}`).then((r) => r ?? null),
  submit: (assignmentId: string, result: Result, leadTimeSeconds: number, idempotencyKey: string) =>
    call<{ annotationId: string }>('POST', `/api/assignments/${enc(assignmentId)}/submit`, { result, leadTimeSeconds }, { 'Idempotency-Key': idempotencyKey }),
  skip: (assignmentId: string) => call<void>('POST', `/api/assignments/${enc(assignmentId)}/skip`),
  // keepalive: sent while the page is being left, the request must outlive it.
  release: (assignmentId: string) => call<void>('POST', `/api/assignments/${enc(assignmentId)}/release`, undefined, undefined, true),
  saveDraft: (assignmentId: string, result: Result) => call<void>('PUT', `/api/assignments/${enc(assignmentId)}/draft`, { result }),

  nextReview: (projectId: string) => call<ReviewItem | undefined>('POST', `/api/projects/${enc(projectId)}/review/next`).then((r) => r ?? null),
  review: (annotationId: string, action: ReviewAction, comment?: string, result?: Result) =>
    call<{ state: string }>('POST', `/api/annotations/${enc(annotationId)}/review`, { action, comment, result }),

  startExport: (projectId: string, req: ExportRequest) => call<ExportJob>('POST', `/api/projects/${enc(projectId)}/exports`, req),
  exportJob: (id: string) => call<ExportJob>('GET', `/api/exports/${enc(id)}`),
  exportDownloadUrl: (id: string) => `/api/exports/${enc(id)}/download`,
  stats: (projectId: string) => call<Stats>('GET', `/api/projects/${enc(projectId)}/stats`),

  qualityAnnotators: (projectId: string) => call<AnnotatorsView>('GET', `/api/projects/${enc(projectId)}/quality/annotators`),
  agreement: (projectId: string) => call<AgreementView>('GET', `/api/projects/${enc(projectId)}/quality/agreement`),
  agreementCsvUrl: (projectId: string) => `/api/projects/${enc(projectId)}/quality/agreement?format=csv`,
  aggregate: (projectId: string, method: AggregateMethod, control?: string) =>
    call<AggregateView>('POST', `/api/projects/${enc(projectId)}/quality/aggregate`, { method, control }),
};
