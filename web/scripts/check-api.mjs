#!/usr/bin/env node
// `npm run check:api`: fails when src/api/schema.d.ts is not what openapi.json generates, i.e. when
// someone changed the document (or the types by hand) without running `npm run gen:api`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTypes } from './api-types.mjs';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const typesPath = join(web, 'src', 'api', 'schema.d.ts');
const expected = await generateTypes(join(web, 'openapi.json'));
const actual = readFileSync(typesPath, 'utf8');
if (actual !== expected) {
  console.error('src/api/schema.d.ts is stale: run `npm run gen:api -- --types-only` (or `npm run gen:api` to refresh openapi.json from the server too).');
  process.exit(1);
}
console.log('src/api/schema.d.ts matches openapi.json');
