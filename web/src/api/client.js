// The transport under every call: openapi-fetch's client, typed by the generated `paths`, with the
// session's rules — the log-in cookie on every request (same origin; the server sets it HttpOnly and
// SameSite=Lax, so a cross-site POST carries none and there is no CSRF token to send), 401 told to the app so it returns to the
// log-in page, and every failure turned into an ApiError carrying the server's ProblemDetails.
import createClient from 'openapi-fetch';
import { readProblem } from './problems';
/** A failed call: the ProblemDetails the server sent, or a network failure (`status` 0). */
export class ApiError extends Error {
    status;
    title;
    detail;
    errors;
    /** The problem with its code, params and coded fields: what `problemMessage` turns into words. */
    problem;
    /** The whole problem body, extensions included (e.g. the `previous` import of a 409). */
    body;
    constructor(status, problem) {
        const title = typeof problem.title === 'string' ? problem.title : undefined;
        const detail = typeof problem.detail === 'string' ? problem.detail : undefined;
        super(detail ?? title ?? `HTTP ${status}`);
        this.status = status;
        this.title = title ?? `HTTP ${status}`;
        this.detail = detail;
        this.body = problem;
        const errors = problem.errors && typeof problem.errors === 'object' ? problem.errors : {};
        this.errors = Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]));
        this.problem = readProblem(status, problem);
    }
    get code() { return this.problem.code; }
    get isNetwork() { return this.status === 0; }
}
/** Listeners told when any call answers 401, so the app can return to the log-in page. */
export const unauthorized = new Set();
export function notifyUnauthorized(path) {
    // A wrong password is a 401 too, and the log-in page shows it itself.
    if (!path.endsWith('/auth/login'))
        unauthorized.forEach((f) => f());
}
const onUnauthorized = {
    onResponse({ request, response }) {
        if (response.status === 401)
            notifyUnauthorized(new URL(request.url).pathname);
        return undefined;
    },
};
// Same origin in the browser; tests in Node (no `location`) need an absolute URL for `Request`.
const baseUrl = typeof location !== 'undefined' ? location.origin : 'http://localhost';
// JSON only: routes that can also answer CSV are read as JSON here (the CSV is a plain download link).
export const client = createClient({
    baseUrl,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    // Looked up per call rather than captured once, so tests can stub `fetch`.
    fetch: (request) => globalThis.fetch(request),
});
client.use(onUnauthorized);
/** Awaits a call of `client`, returning its data or throwing an ApiError. */
export async function unwrap(call) {
    let answer;
    try {
        answer = await call;
    }
    catch (e) {
        throw new ApiError(0, { title: 'network', detail: e instanceof Error ? e.message : String(e) });
    }
    if (!answer.response.ok) {
        const body = answer.error;
        throw new ApiError(answer.response.status, body && typeof body === 'object' ? body : {});
    }
    return answer.data;
}
/** Uploads a raw body with XMLHttpRequest, which (unlike fetch) reports upload progress. The one
 *  call written by hand; its answer types still come from the generated schema. */
export function upload(method, path, body, onProgress, contentType) {
    return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open(method, path);
        xhr.withCredentials = true;
        xhr.setRequestHeader('Accept', 'application/json');
        if (contentType)
            xhr.setRequestHeader('Content-Type', contentType);
        xhr.upload.onprogress = (e) => { if (e.lengthComputable)
            onProgress?.(e.loaded / e.total); };
        xhr.onerror = () => reject(new ApiError(0, { title: 'network' }));
        xhr.onload = () => {
            let parsed;
            try {
                parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
            }
            catch {
                parsed = undefined;
            }
            if (xhr.status >= 200 && xhr.status < 300)
                resolve(parsed);
            else {
                if (xhr.status === 401)
                    notifyUnauthorized(path);
                reject(new ApiError(xhr.status, parsed && typeof parsed === 'object' ? parsed : {}));
            }
        };
        xhr.send(body);
    });
}
