import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { here } from './helpers';

/**
 * The hand-written client in src/api.ts is checked against the server's own OpenAPI document:
 * every method and path it calls must be one the running server describes.
 */
test('every endpoint the UI calls is in the server OpenAPI document', async ({ request }) => {
  const response = await request.get('/openapi/v1.json');
  expect(response.ok()).toBeTruthy();
  const doc = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
  const described = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) described.add(`${method.toUpperCase()} ${normalise(path)}`);
  }

  const source = readFileSync(join(here, '..', 'src', 'api.ts'), 'utf8');
  const calls = [...source.matchAll(/(?:call|upload)<[^(]*?>\('(GET|POST|PUT|PATCH|DELETE)',\s*[`']([^`']+)[`']/g)]
    .map((m) => `${m[1]} ${normalise(m[2])}`);
  expect(calls.length).toBeGreaterThan(25);
  const missing = calls.filter((c) => !described.has(c));
  expect(missing).toEqual([]);
});

/** `/api/projects/${enc(id)}/tasks${qs(f)}` and `/api/projects/{projectId}/tasks` both become `/api/projects/{}/tasks`. */
function normalise(path: string): string {
  // Cut the query string, whether literal or built in code (${qs(...)}, ${exclude...}).
  return path
    .split(/\$\{qs|\$\{exclude|\?/)[0]
    .replace(/\$\{[^}]*\}/g, '{}')
    .replace(/\{[^}]*\}/g, '{}');
}
