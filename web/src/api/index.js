// The server's HTTP API for the UI: readable names for the generated types (schema.d.ts, made from
// openapi.json by `npm run gen:api`) and one function per call, all through the generated client.
// Only the uploads with progress (XMLHttpRequest) are written by hand, in client.ts.
import { client, unwrap, upload } from './client';
export { ApiError, unauthorized } from './client';
/** Task states as the server writes them (snake_case, like every enum on the wire). */
export const TASK_STATES = ['new', 'in_progress', 'annotated', 'in_review', 'accepted', 'rejected'];
// Fails to compile when the server adds a state this list lacks.
const everyState = true;
void everyState;
/** The task list's orders (`sort`); each pages by its own cursor. */
export const TASK_SORTS = ['id', 'state', 'annotations', 'updated'];
/** Truth-inference methods the server knows, default `bds` (docs/quality.md). */
export const AGGREGATE_METHODS = ['auto', 'ds', 'bds', 'mv', 'wawa', 'zbs', 'onecoin', 'glad', 'mace', 'llc', 'hds', 'qsds'];
/**
 * Per-state counts keyed by the states' wire names. The decided shape is `{ in_progress, in_review, … }`;
 * a server from before that change still names them `inProgress`/`inReview`, read here until the
 * regenerated document has the new names (then this is the identity).
 */
const asProject = (p) => ({ ...p, schema: p.schema });
const sans = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));
// ---- endpoints ---------------------------------------------------------------------------
const enc = encodeURIComponent;
export const api = {
    login: (email, password) => unwrap(client.POST('/api/auth/login', { body: { email, password } })),
    logout: () => unwrap(client.POST('/api/auth/logout')),
    me: () => unwrap(client.GET('/api/me')),
    tokens: () => unwrap(client.GET('/api/tokens')),
    createToken: (name) => unwrap(client.POST('/api/tokens', { body: { name } })),
    deleteToken: (id) => unwrap(client.DELETE('/api/tokens/{id}', { params: { path: { id } } })),
    members: (organizationId) => unwrap(client.GET('/api/organizations/{organizationId}/members', { params: { path: { organizationId } } })),
    /** Adds a person (a new email needs a password of 8+) or, for someone already a member, replaces their roles. */
    addMember: (organizationId, m) => unwrap(client.POST('/api/organizations/{organizationId}/members', { params: { path: { organizationId } }, body: m })),
    removeMember: (organizationId, userId) => unwrap(client.DELETE('/api/organizations/{organizationId}/members/{userId}', { params: { path: { organizationId, userId } } })),
    projects: async (organization) => (await unwrap(client.GET('/api/projects', { params: { query: sans({ organization }) } }))).map(asProject),
    createProject: async (p) => asProject(await unwrap(client.POST('/api/projects', { body: p }))),
    project: async (projectId) => asProject(await unwrap(client.GET('/api/projects/{projectId}', { params: { path: { projectId } } }))),
    updateProject: async (projectId, patch) => asProject(await unwrap(client.PATCH('/api/projects/{projectId}', { params: { path: { projectId } }, body: patch }))),
    deleteProject: (projectId) => unwrap(client.DELETE('/api/projects/{projectId}', { params: { path: { projectId } } })),
    checkSchema: async (input) => (await unwrap(client.POST('/api/schemas/check', { body: input }))),
    /** `map` renames the file's columns to schema fields ("" leaves one out); `again` imports a file the project had before. */
    importTasks: (projectId, file, onProgress, format, map, again) => upload('POST', `/api/projects/${projectId}/imports?${new URLSearchParams(sans({
        format, filename: file.name, map: map && Object.keys(map).length ? JSON.stringify(map) : undefined, again: again ? 'true' : undefined,
    }))}`, file, onProgress, 'application/octet-stream'),
    /** One task per uploaded media file, in the schema's field of its kind. */
    importMediaTasks: (projectId, names, source, again) => unwrap(client.POST('/api/projects/{projectId}/imports/media', { params: { path: { projectId } }, body: { names, source: source ?? null, again: again ?? false, field: null } })),
    imports: (projectId) => unwrap(client.GET('/api/projects/{projectId}/imports', { params: { path: { projectId } } })),
    uploadMedia: (projectId, files, onProgress) => {
        const form = new FormData();
        for (const f of files)
            form.append('files', f, f.name);
        return upload('POST', `/api/projects/${projectId}/media`, form, onProgress);
    },
    mediaUrl: (projectId, name) => `/api/projects/${projectId}/media/${enc(name)}`,
    tasks: async (projectId, f = {}) => (await unwrap(client.GET('/api/projects/{projectId}/tasks', { params: { path: { projectId }, query: sans(f) } }))),
    task: async (taskId) => (await unwrap(client.GET('/api/tasks/{taskId}', { params: { path: { taskId } } }))),
    taskCount: async (projectId, f = {}) => (await unwrap(client.GET('/api/projects/{projectId}/tasks/count', { params: { path: { projectId }, query: sans(f) } }))).count,
    /** The tasks `ids`, or when `ids` is null every task `filter` selects. */
    bulkTasks: (projectId, ids, action, priority, filter) => unwrap(client.POST('/api/projects/{projectId}/tasks/bulk', {
        params: { path: { projectId } }, body: { ids, action, priority: priority ?? null, filter: (filter ?? null) },
    })),
    /** The next task for the caller, or null when nothing is left (204). Leases in `exclude` (the task
     *  on screen, submissions still in the outbox) are not handed back: that is how the next task is fetched ahead. */
    nextTask: async (projectId, exclude = []) => ((await unwrap(client.POST('/api/projects/{projectId}/queue/next', {
        params: { path: { projectId }, query: exclude.length ? { exclude: exclude.join(',') } : {} },
    }))) ?? null),
    submit: (assignmentId, result, leadTimeSeconds, idempotencyKey) => unwrap(client.POST('/api/assignments/{assignmentId}/submit', {
        params: { path: { assignmentId } }, body: { result, leadTimeSeconds }, headers: { 'Idempotency-Key': idempotencyKey },
    })),
    skip: (assignmentId) => unwrap(client.POST('/api/assignments/{assignmentId}/skip', { params: { path: { assignmentId } } })),
    // keepalive: sent while the page is being left, the request must outlive it.
    release: (assignmentId) => unwrap(client.POST('/api/assignments/{assignmentId}/release', { params: { path: { assignmentId } }, keepalive: true })),
    saveDraft: (assignmentId, result) => unwrap(client.PUT('/api/assignments/{assignmentId}/draft', { params: { path: { assignmentId } }, body: { result } })),
    nextReview: async (projectId) => ((await unwrap(client.POST('/api/projects/{projectId}/review/next', { params: { path: { projectId } } }))) ?? null),
    review: (annotationId, action, comment, result) => unwrap(client.POST('/api/annotations/{annotationId}/review', {
        params: { path: { annotationId } }, body: { action, comment: comment ?? null, result: result ?? null },
    })),
    startExport: (projectId, req) => unwrap(client.POST('/api/projects/{projectId}/exports', { params: { path: { projectId } }, body: req })),
    exports: (projectId) => unwrap(client.GET('/api/projects/{projectId}/exports', { params: { path: { projectId } } })),
    exportJob: (exportId) => unwrap(client.GET('/api/exports/{exportId}', { params: { path: { exportId } } })),
    exportDownloadUrl: (exportId) => `/api/exports/${exportId}/download`,
    stats: (projectId) => unwrap(client.GET('/api/projects/{projectId}/stats', { params: { path: { projectId } } })),
    qualityAnnotators: (projectId) => unwrap(client.GET('/api/projects/{projectId}/quality/annotators', { params: { path: { projectId } } })),
    agreement: (projectId) => unwrap(client.GET('/api/projects/{projectId}/quality/agreement', { params: { path: { projectId } } })),
    agreementCsvUrl: (projectId) => `/api/projects/${projectId}/quality/agreement?format=csv`,
    aggregate: (projectId, method, control) => unwrap(client.POST('/api/projects/{projectId}/quality/aggregate', { params: { path: { projectId } }, body: { method, control: control ?? null } })),
    /** The caller's own recent answers in a project, newest first. */
    history: async (projectId, limit) => ((await unwrap(client.GET('/api/projects/{projectId}/history', { params: { path: { projectId }, query: limit ? { limit } : {} } }))).items),
};
