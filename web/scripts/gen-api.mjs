#!/usr/bin/env node
// `npm run gen:api`: refreshes openapi.json (the server's OpenAPI document) and the types generated
// from it, src/api/schema.d.ts. The document comes from `yz openapi --out` when the CLI has that
// command, otherwise from a `yz serve` started on a throw-away data folder.
// `npm run gen:api -- --types-only` regenerates the types from the committed document alone.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTypes } from './api-types.mjs';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const yz = join(web, '..', 'yz');
const documentPath = join(web, 'openapi.json');
const typesPath = join(web, 'src', 'api', 'schema.d.ts');

async function fromServer() {
  const data = mkdtempSync(join(tmpdir(), 'yz-openapi-'));
  const port = 5200 + Math.floor(Math.random() * 700);
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(yz, ['serve', '--data', data, '--urls', url], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (let i = 0; i < 600; i++) {
      if (server.exitCode !== null) throw new Error(`yz serve exited with ${server.exitCode}`);
      try {
        const res = await fetch(`${url}/openapi/v1.json`);
        if (res.ok) return await res.text();
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('yz serve did not answer /openapi/v1.json within 2 minutes');
  } finally {
    server.kill('SIGTERM');
    rmSync(data, { recursive: true, force: true });
  }
}

async function refreshDocument() {
  const help = spawnSync(yz, ['help'], { encoding: 'utf8' });
  if (help.status !== 0) throw new Error(`yz help failed: ${help.stderr}`);
  if (/^\s*yz openapi\b/m.test(help.stdout)) {
    const r = spawnSync(yz, ['openapi', '--out', documentPath], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('yz openapi failed');
  } else {
    // `servers` names the address it was fetched from, which differs per run: not part of the contract.
    const document = JSON.parse(await fromServer());
    delete document.servers;
    writeFileSync(documentPath, `${JSON.stringify(document, null, 2)}\n`);
  }
}

if (!process.argv.includes('--types-only')) await refreshDocument();
writeFileSync(typesPath, await generateTypes(documentPath));
console.log(`wrote ${documentPath} and ${typesPath}`);
