import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { components } from '../src/api/schema';

/** The server's answers, as its OpenAPI document names them (web/src/api/schema.d.ts, generated). */
export type Schemas = components['schemas'];

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
export const demo = (...p: string[]) => join(repo, 'demo', ...p);
export const PASSWORD = 'yunzhong-demo';
export const ADMIN = 'admin@demo.yunzhong';
export const ANNOTATOR = 'annotator1@demo.yunzhong';
export const ANNOTATOR2 = 'annotator2@demo.yunzhong';
export const REVIEWER = 'reviewer@demo.yunzhong';
export type Lang = 'en' | 'zh-CN';

/** Sets the UI language before any page script runs (the app reads `yz.lang` at start). */
export async function useLang(page: Page, lang: Lang) {
  await page.addInitScript((l) => { if (!localStorage.getItem('yz.lang')) localStorage.setItem('yz.lang', l); }, lang);
}

/** Logs in through the form. */
export async function loginUi(page: Page, email: string) {
  await page.goto('/');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('user-name')).toBeVisible();
}

/** Logs in with the API on the page's own cookie jar (faster, for tests about something else). */
export async function login(page: Page, email: string) {
  const r = await page.request.post('/api/auth/login', { data: { email, password: PASSWORD } });
  expect(r.status(), await r.text()).toBe(200);
  // Work in the demo client organisation, where the demo people and projects are.
  const org = await clientOrg(page.request);
  await page.addInitScript((id) => localStorage.setItem('yz.org', id), String(org.id));
}

export async function apiAs(request: APIRequestContext, email: string) {
  const r = await request.post('/api/auth/login', { data: { email, password: PASSWORD } });
  expect(r.ok(), await r.text()).toBeTruthy();
}

export type Org = Schemas['OrganizationMembership'];

/** The demo client organisation: where the demo projects and all demo people are. */
export async function clientOrg(request: APIRequestContext): Promise<Org> {
  const me = await (await request.get('/api/me')).json() as Schemas['MeResponse'];
  const org = me.organizations.find((o) => o.kind === 'client');
  expect(org).toBeTruthy();
  return org!;
}

export function demoProject(name: string) {
  return JSON.parse(readFileSync(demo(name, 'project.json'), 'utf8')) as { name: string; schema: unknown; instructions: string };
}

/** Creates a project by API (for tests whose subject is not project creation). Answers its id. */
export async function createProject(request: APIRequestContext, body: Partial<Schemas['ProjectRequest']>): Promise<number> {
  const org = await clientOrg(request);
  const r = await request.post('/api/projects', {
    data: { organizationId: org.id, overlap: 1, leaseSeconds: 3600, order: 'priority', review: { policy: 'none' }, instructions: '', ...body },
  });
  expect(r.status(), await r.text()).toBeLessThan(300);
  return (await r.json() as Schemas['ProjectView']).id;
}

/** Leases the caller's next task of a project (the queue must have one). */
export async function nextTask(request: APIRequestContext, projectId: number): Promise<Schemas['NextResponse']> {
  const r = await request.post(`/api/projects/${projectId}/queue/next`);
  expect(r.status(), await r.text()).toBe(200);
  return await r.json() as Schemas['NextResponse'];
}

export async function importJsonl(request: APIRequestContext, projectId: number, lines: unknown[]) {
  const r = await request.post(`/api/projects/${projectId}/imports?format=jsonl`, {
    data: lines.map((l) => JSON.stringify(l)).join('\n') + '\n', headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(r.status(), await r.text()).toBeLessThan(300);
}

export async function uploadMedia(request: APIRequestContext, projectId: number, files: string[]) {
  const multipart: Record<string, { name: string; mimeType: string; buffer: Buffer }> = {};
  files.forEach((f, i) => {
    const name = f.split('/').pop()!;
    const mimeType = name.endsWith('.wav') ? 'audio/wav' : name.endsWith('.webm') ? 'video/webm' : name.endsWith('.png') ? 'image/png' : 'image/jpeg';
    multipart[`file${i}`] = { name, mimeType, buffer: readFileSync(f) };
  });
  const r = await request.post(`/api/projects/${projectId}/media`, { multipart });
  expect(r.status(), await r.text()).toBeLessThan(300);
}

/** Runs an export job of `format` by API as the admin, waits for it to finish and answers the file's text. */
export async function exportViaApi(request: APIRequestContext, projectId: number, format: string): Promise<string> {
  await apiAs(request, ADMIN);
  const r = await request.post(`/api/projects/${projectId}/exports`, { data: { format } });
  expect(r.status(), await r.text()).toBeLessThan(300);
  const { id } = await r.json() as { id: number };
  let url: string | null = null;
  await expect.poll(async () => {
    const job = await (await request.get(`/api/exports/${id}`)).json() as { status: string; downloadUrl: string | null };
    url = job.downloadUrl;
    return job.status;
  }, { timeout: 30_000 }).toBe('done');
  const file = await request.get(url!);
  expect(file.status()).toBe(200);
  return file.text();
}

/** Reads the first `n` JSONL lines of a demo data file. */
export function demoTasks(name: string, n: number): Record<string, unknown>[] {
  return readFileSync(demo(name, 'tasks.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, n).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Answers the task on the workbench by `key` and submits it (Ctrl+Enter); returns its id once the next task is on screen. */
export async function answerWithKey(page: Page, key: string): Promise<string> {
  const id = /#(\d+)/.exec((await page.getByTestId('task-id').textContent())!)![1]!;
  await page.keyboard.press(key);
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('task-id')).not.toHaveText(`#${id}`);
  return id;
}

/** A full-page screenshot into the git-ignored `web/screenshots/<lang>/`. */
export async function shot(page: Page, name: string, lang?: Lang) {
  const l = lang ?? (await page.evaluate(() => localStorage.getItem('yz.lang'))) ?? 'en';
  const dir = join(here, '..', 'screenshots', l);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Code points of a string (span offsets count these, not UTF-16 units). */
export const cps = (s: string) => [...s];

/** The exported JSONL rows of a project, through the export dialog's own download link. */
export async function exportViaDialog(page: Page, projectId: number | string): Promise<Record<string, unknown>[]> {
  const text = await exportFileViaDialog(page, projectId, 'jsonl');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The text of a project's export in `format`, through the export dialog's own download link. */
export async function exportFileViaDialog(page: Page, projectId: number | string, format: string): Promise<string> {
  await page.goto(`/#/projects/${projectId}/export`);
  await page.getByTestId('export-format').selectOption(format);
  await page.getByTestId('export-start').click();
  const link = page.getByTestId('export-download');
  await expect(link).toBeVisible({ timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return readFileSync(await download.path(), 'utf8');
}

/** Screen point at the left edge of a substring's first character, or the right edge of its last. */
export async function textPoint(page: Page, sub: string, edge: 'before' | 'after', nth = 0) {
  return page.evaluate(([s, e, n]) => {
    const pieces = [...document.querySelectorAll<HTMLElement>('.text-body [data-u]')];
    const full = pieces.map((p) => p.textContent ?? '').join('');
    let start = -1;
    for (let i = 0; i <= n; i++) start = full.indexOf(s, start + 1);
    if (start < 0) throw new Error(`"${s}" is not in the text`);
    const at = start + (e === 'after' ? s.length - 1 : 0);
    for (const el of pieces) {
      const u = Number(el.dataset.u);
      const node = el.firstChild;
      if (!node || at < u || at >= u + (node.textContent?.length ?? 0)) continue;
      const r = document.createRange();
      r.setStart(node, at - u);
      r.setEnd(node, at - u + 1);
      const box = r.getBoundingClientRect();
      return { x: e === 'after' ? box.right - 1 : box.left + 1, y: box.top + box.height / 2 };
    }
    throw new Error(`no character for "${s}"`);
  }, [sub, edge, nth] as const);
}

/** Selects a substring of the text view with a mouse drag, as a person would. */
export async function selectText(page: Page, sub: string, nth = 0) {
  const a = await textPoint(page, sub, 'before', nth);
  const b = await textPoint(page, sub, 'after', nth);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
}

/** Screen point of an image pixel, from the view's published zoom and offset. */
export async function imagePoint(page: Page, x: number, y: number, field = 'image') {
  const svg = page.getByTestId('image-canvas');
  const box = (await page.getByTestId(`image-${field}`).boundingBox())!;
  const k = Number(await svg.getAttribute('data-zoom'));
  const tx = Number(await svg.getAttribute('data-tx'));
  const ty = Number(await svg.getAttribute('data-ty'));
  return { x: box.x + tx + x * k, y: box.y + ty + y * k, k };
}

export async function drag(page: Page, a: { x: number; y: number }, b: { x: number; y: number }) {
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}
