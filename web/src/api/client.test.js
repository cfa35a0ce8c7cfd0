import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, unauthorized } from './index';
function stubFetch(status, body, contentType = 'application/json') {
    const seen = [];
    vi.stubGlobal('fetch', async (req) => {
        seen.push({ url: req.url, method: req.method, headers: req.headers, body: await req.text(), credentials: req.credentials });
        const text = body === undefined ? '' : JSON.stringify(body);
        return new Response(status === 204 ? null : text, { status, headers: { 'Content-Type': contentType } });
    });
    return seen;
}
afterEach(() => vi.unstubAllGlobals());
describe('api client', () => {
    it('turns a ProblemDetails answer into an ApiError with its field errors', async () => {
        stubFetch(422, { title: 'One or more validation errors occurred.', status: 422, errors: { '/entities/0/end': ['beyond the text'], name: 'required' } }, 'application/problem+json');
        const err = await api.createProject({ organizationId: 1, name: '', overlap: 1 }).catch((e) => e);
        expect(err).toBeInstanceOf(ApiError);
        const a = err;
        expect(a.status).toBe(422);
        expect(a.title).toBe('One or more validation errors occurred.');
        expect(a.errors).toEqual({ '/entities/0/end': ['beyond the text'], name: ['required'] });
    });
    it('reports a network failure as status 0', async () => {
        vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
        const err = (await api.me().catch((e) => e));
        expect(err.status).toBe(0);
        expect(err.isNetwork).toBe(true);
    });
    it('sends the idempotency key and body of a submission with the cookie', async () => {
        const seen = stubFetch(200, { annotationId: 9 });
        const r = await api.submit(12, { quality: 4 }, 3.5, 'key-1');
        expect(r).toEqual({ annotationId: 9 });
        expect(new URL(seen[0].url).pathname).toBe('/api/assignments/12/submit');
        expect(seen[0].method).toBe('POST');
        expect(seen[0].credentials).toBe('same-origin');
        expect(seen[0].headers.get('Idempotency-Key')).toBe('key-1');
        expect(JSON.parse(seen[0].body)).toEqual({ result: { quality: 4 }, leadTimeSeconds: 3.5 });
    });
    it('answers null when the queue has nothing left (204)', async () => {
        stubFetch(204, undefined);
        expect(await api.nextTask(1)).toBeNull();
    });
    it('leaves empty filters out of the task query and sends states by their wire names', async () => {
        const seen = stubFetch(200, { items: [], next: null });
        await api.tasks(1, { state: 'in_progress', label: '', limit: 50 });
        const url = new URL(seen[0].url);
        expect(url.pathname + url.search).toBe('/api/projects/1/tasks?state=in_progress&limit=50');
    });
    it('reads per-state counts by their wire names', async () => {
        const counts = { total: 6, new: 1, in_progress: 2, annotated: 0, in_review: 3, accepted: 0, rejected: 0 };
        stubFetch(200, { id: 1, organizationId: 2, name: 'p', schema: { fields: [], controls: [] }, counts });
        expect((await api.project(1)).counts).toEqual(counts);
    });
    it('tells the app about a 401, except from the log-in call', async () => {
        const told = vi.fn();
        unauthorized.add(told);
        try {
            stubFetch(401, { title: 'Unauthorized' });
            await api.me().catch(() => { });
            expect(told).toHaveBeenCalledTimes(1);
            await api.login('a@b', 'wrong').catch(() => { });
            expect(told).toHaveBeenCalledTimes(1);
        }
        finally {
            unauthorized.delete(told);
        }
    });
});
