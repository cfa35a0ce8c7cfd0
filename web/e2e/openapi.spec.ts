import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { here } from './helpers';

/**
 * The UI's client is generated from web/openapi.json (`npm run gen:api`), so the committed document
 * must be the one the server serves: a server change that alters the contract fails here until the
 * document and the types are regenerated.
 */
test('the committed OpenAPI document is the one the server serves', async ({ request }) => {
  const response = await request.get('/openapi/v1.json');
  expect(response.ok()).toBeTruthy();
  // `servers` names the address the document was fetched from: not part of the contract.
  const served = await response.json() as Record<string, unknown>;
  const committed = JSON.parse(readFileSync(join(here, '..', 'openapi.json'), 'utf8')) as Record<string, unknown>;
  delete served.servers;
  delete committed.servers;
  expect(served, 'web/openapi.json is stale: run `npm run gen:api` in web/').toEqual(committed);
});

/** The uploads (XMLHttpRequest, for their progress) are the only calls written by hand: their paths must be described too. */
test('every hand-written upload path is in the document', () => {
  const doc = JSON.parse(readFileSync(join(here, '..', 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  const described = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${normalise(path)}`)));
  const source = readFileSync(join(here, '..', 'src', 'api', 'index.ts'), 'utf8');
  const calls = [...source.matchAll(/upload<[^(]*?>\('(GET|POST|PUT|PATCH|DELETE)',\s*`([^`]+)`/g)].map((m) => `${m[1]} ${normalise(m[2]!)}`);
  expect(calls).toHaveLength(2);
  expect(calls.filter((c) => !described.has(c))).toEqual([]);
});

/** `/api/projects/${projectId}/imports?${…}` and `/api/projects/{projectId}/imports` both become `/api/projects/{}/imports`. */
function normalise(path: string): string {
  return path.split('?')[0]!.replace(/\$\{[^}]*\}/g, '{}').replace(/\{[^}]*\}/g, '{}');
}
