import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from './api';

interface Seen { url: string; init: RequestInit }

function stubFetch(status: number, body: unknown, contentType = 'application/json'): Seen[] {
  const seen: Seen[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    const text = body === undefined ? '' : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status, headers: { 'Content-Type': contentType } });
  });
  return seen;
}

afterEach(() => vi.unstubAllGlobals());

describe('api client', () => {
  it('turns a ProblemDetails answer into an ApiError with its field errors', async () => {
    stubFetch(422, { title: 'One or more validation errors occurred.', status: 422, errors: { '/entities/0/end': ['beyond the text'], name: 'required' } }, 'application/problem+json');
    const err = await api.createProject({ organizationId: 'o', name: '', overlap: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const a = err as ApiError;
    expect(a.status).toBe(422);
    expect(a.title).toBe('One or more validation errors occurred.');
    expect(a.errors).toEqual({ '/entities/0/end': ['beyond the text'], name: ['required'] });
  });

  it('reports a network failure as status 0', async () => {
    vi.stubGlobal('fetch', async () => { throw new TypeError('Failed to fetch'); });
    const err = (await api.me().catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(err.isNetwork).toBe(true);
  });

  it('sends the idempotency key and body of a submission with the cookie', async () => {
    const seen = stubFetch(200, { annotationId: 'an9' });
    const r = await api.submit('as 1', { quality: 4 }, 3.5, 'key-1');
    expect(r).toEqual({ annotationId: 'an9' });
    expect(seen[0]!.url).toBe('/api/assignments/as%201/submit');
    expect(seen[0]!.init.method).toBe('POST');
    expect(seen[0]!.init.credentials).toBe('same-origin');
    expect((seen[0]!.init.headers as Record<string, string>)['Idempotency-Key']).toBe('key-1');
    expect(JSON.parse(seen[0]!.init.body as string)).toEqual({ result: { quality: 4 }, leadTimeSeconds: 3.5 });
  });

  it('answers null when the queue has nothing left (204)', async () => {
    stubFetch(204, undefined);
    expect(await api.nextTask('p1')).toBeNull();
  });

  it('leaves empty filters out of the task query', async () => {
    const seen = stubFetch(200, { items: [], next: null });
    await api.tasks('p1', { state: 'accepted', annotator: '', limit: 50 });
    expect(seen[0]!.url).toBe('/api/projects/p1/tasks?state=accepted&limit=50');
  });
});
