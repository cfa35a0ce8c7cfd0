// The transport under every call: openapi-fetch's client, typed by the generated `paths`, with the
// session's rules — the log-in cookie on every request (same origin; the server sets it HttpOnly and
// SameSite=Lax, so a cross-site POST carries none and there is no CSRF token to send), 401 told to the app so it returns to the
// log-in page, and every failure turned into an ApiError carrying the server's ProblemDetails.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { readProblem, type Problem } from './problems';

export type ProblemDetails = components['schemas']['HttpValidationProblemDetails'];

/** A failed call: the ProblemDetails the server sent, or a network failure (`status` 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly errors: Record<string, string[]>;
  /** The problem with its code, params and coded fields: what `problemMessage` turns into words. */
  readonly problem: Problem;
  /** The whole problem body, extensions included (e.g. the `previous` import of a 409). */
  readonly body: Record<string, unknown>;
  constructor(status: number, problem: Partial<Record<keyof ProblemDetails, unknown>>) {
    const title = typeof problem.title === 'string' ? problem.title : undefined;
    const detail = typeof problem.detail === 'string' ? problem.detail : undefined;
    super(detail ?? title ?? `HTTP ${status}`);
    this.status = status;
    this.title = title ?? `HTTP ${status}`;
    this.detail = detail;
    this.body = problem;
    const errors = problem.errors && typeof problem.errors === 'object' ? problem.errors as Record<string, unknown> : {};
    this.errors = Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]));
    this.problem = readProblem(status, problem);
  }
  get code(): string | undefined { return this.problem.code; }
  get isNetwork(): boolean { return this.status === 0; }
}

/** Listeners told when any call answers 401, so the app can return to the log-in page. */
export const unauthorized = new Set<() => void>();

export function notifyUnauthorized(path: string): void {
  // A wrong password is a 401 too, and the log-in page shows it itself.
  if (!path.endsWith('/auth/login')) unauthorized.forEach((f) => f());
}

const onUnauthorized: Middleware = {
  onResponse({ request, response }) {
    if (response.status === 401) notifyUnauthorized(new URL(request.url).pathname);
    return undefined;
  },
};

// Same origin in the browser; tests in Node (no `location`) need an absolute URL for `Request`.
const baseUrl = typeof location !== 'undefined' ? location.origin : 'http://localhost';

// JSON only: routes that can also answer CSV are read as JSON here (the CSV is a plain download link).
export const client = createClient<paths, `${string}/json`>({
  baseUrl,
  credentials: 'same-origin',
  headers: { Accept: 'application/json' },
  // Looked up per call rather than captured once, so tests can stub `fetch`.
  fetch: (request: Request) => globalThis.fetch(request),
});
client.use(onUnauthorized);

/** What every openapi-fetch call resolves to, whatever its path. */
interface Answer<T> { data?: T; error?: unknown; response: Response }

/** Awaits a call of `client`, returning its data or throwing an ApiError. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try { answer = await call; } catch (e) {
    throw new ApiError(0, { title: 'network', detail: e instanceof Error ? e.message : String(e) });
  }
  if (!answer.response.ok) {
    const body = answer.error;
    throw new ApiError(answer.response.status, body && typeof body === 'object' ? body : {});
  }
  return answer.data as T;
}

/** Uploads a raw body with XMLHttpRequest, which (unlike fetch) reports upload progress. The one
 *  call written by hand; its answer types still come from the generated schema. */
export function upload<T>(method: string, path: string, body: Blob | FormData, onProgress?: (fraction: number) => void, contentType?: string): Promise<T> {
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
        if (xhr.status === 401) notifyUnauthorized(path);
        reject(new ApiError(xhr.status, parsed && typeof parsed === 'object' ? parsed : {}));
      }
    };
    xhr.send(body);
  });
}
