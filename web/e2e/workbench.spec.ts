import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import {
  ADMIN, ANNOTATOR, ANNOTATOR2, answerWithKey, apiAs, createProject, demo, demoProject, demoTasks, drag, imagePoint, importJsonl, login, selectText, shot, uploadMedia, useLang,
} from './helpers';

// The workbench's finer points (issue 13): drawing over predictions, spans one after another,
// leases given back when the annotator goes.

test.beforeEach(async ({ page }) => {
  await useLang(page, 'en');
});

const regionRows = (page: Page) => page.locator('[data-testid^="region-row-"]');
const regionRow = (page: Page, text: string) => regionRows(page).filter({ hasText: text });

async function project(request: APIRequestContext, name: string, demoName: string, fill: (id: number) => Promise<void>): Promise<number> {
  await apiAs(request, ADMIN);
  const id = await createProject(request, { name: `${name} ${Date.now()}`, schema: demoProject(demoName).schema });
  await fill(id);
  return id;
}

test('audio: a segment is drawn by mouse over a prediction covering the clip; a click selects; the transcript box grows', async ({ page, request }) => {
  const id = await project(request, 'E2E workbench: audio over predictions', 'speech', async (p) => {
    await uploadMedia(request, p, [demo('speech', 'media', 'librivox-0880.wav')]);
    await importJsonl(request, p, [{
      key: 'covered', data: { audio: 'media:librivox-0880.wav' },
      predictions: [{ model: 'asr', result: { turns: [{ id: 'g1', start: 0, end: 2.99, label: 'speech' }], transcript: { g1: 'he was' } } }],
    }]);
  });
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  const wave = page.getByTestId('waveform');
  await expect(wave).not.toHaveAttribute('data-duration', '0');
  await expect(page.getByTestId('region-g1')).toBeVisible();
  await expect(regionRows(page)).toHaveCount(1);

  // The drag starts and ends inside the predicted segment, which covers the whole clip.
  await page.keyboard.press('2');
  const box = (await wave.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, y, { steps: 8 });
  await page.mouse.up();
  await expect(regionRows(page)).toHaveCount(2);
  await expect(regionRow(page, 'noise')).toBeVisible();
  await expect(page.getByTestId('region-row-g1')).toContainText('0.00–2.99');

  // A click (no drag) on the prediction selects it rather than drawing.
  await page.getByTestId('region-g1').click({ position: { x: 10, y: 40 } });
  await expect(page.getByTestId('region-row-g1')).toHaveClass(/sel/);
  await expect(regionRows(page)).toHaveCount(2);

  // The transcript box grows with its text.
  const box1 = page.getByTestId('transcript-g1');
  const h1 = (await box1.boundingBox())!.height;
  await box1.fill(Array.from({ length: 6 }, (_, i) => `line ${i + 1} of what is said in this stretch of speech`).join('\n'));
  await expect.poll(async () => (await box1.boundingBox())!.height).toBeGreaterThan(h1 * 3);
  await shot(page, 'annotate-audio-over-prediction', 'en');
});

test('entities: a new span is not left selected, so the next label key starts the next span', async ({ page, request }) => {
  const id = await project(request, 'E2E workbench: spans in a row', 'news-zh', (p) =>
    importJsonl(request, p, [{ key: 'debian', data: { text: '1993 年，Ian Murdock 在美国创立了 Debian 计划。' } }]));
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  await expect(page.getByTestId('text-text')).toContainText('Ian Murdock');
  await page.keyboard.press('1');
  await selectText(page, 'Ian Murdock');
  await expect(regionRow(page, 'Ian Murdock')).toContainText('PER');
  await expect(regionRow(page, 'Ian Murdock')).not.toHaveClass(/sel/);
  // No Escape in between: 3 picks LOC for the next span and leaves the PER span as it is.
  await page.keyboard.press('3');
  await expect(page.getByTestId('label-entities-LOC')).toHaveClass(/on/);
  await expect(regionRow(page, 'Ian Murdock')).toContainText('PER');
  await selectText(page, '美国');
  await page.keyboard.press('2');
  await selectText(page, 'Debian 计划');
  await expect(regionRow(page, '美国')).toContainText('LOC');
  await expect(regionRow(page, 'Ian Murdock')).toContainText('PER');
  await expect(regionRow(page, 'Debian 计划')).toContainText('ORG');
  await expect(regionRows(page)).toHaveCount(3);
});

test('images: a drag inside a prediction draws a new box; once selected it moves, its origin outlined "from model"; hide, lock, group by label', async ({ page, request }) => {
  const id = await project(request, 'E2E workbench: image predictions', 'photos', async (p) => {
    await uploadMedia(request, p, [demo('photos', 'media', 'coffee.jpg')]);
    await importJsonl(request, p, [{
      key: 'coffee', data: { image: 'media:coffee.jpg' },
      predictions: [{ model: 'detector', result: { boxes: [{ id: 'r1', x: 100, y: 60, width: 300, height: 250, rotation: 0, label: 'cup' }] } }],
    }]);
  });
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-width', '600');
  await expect(page.getByTestId('region-r1')).toBeVisible();

  // Inside the unselected prediction a drag draws a new box (person, hotkey 1).
  await page.keyboard.press('1');
  await drag(page, await imagePoint(page, 150, 100), await imagePoint(page, 250, 200));
  await expect(regionRows(page)).toHaveCount(2);
  await expect(regionRow(page, 'person')).toBeVisible();
  await expect(page.getByTestId('region-row-r1')).toContainText('100,60 300×250');

  // A click selects the prediction; a drag then moves it, and the model's outline stays, named.
  await page.keyboard.press('Escape');
  const at = await imagePoint(page, 380, 290);
  await page.mouse.click(at.x, at.y);
  await expect(page.getByTestId('region-row-r1')).toHaveClass(/sel/);
  await expect(page.getByTestId('origin-r1')).toHaveCount(0);
  await drag(page, at, await imagePoint(page, 400, 300));
  await expect(page.getByTestId('region-row-r1')).not.toContainText('100,60 300×250');
  await expect(page.getByTestId('origin-r1')).toBeVisible();
  await expect(page.getByTestId('from-model-r1')).toHaveText('from model');
  await expect(page.locator('.origin-label')).toContainText('from model');
  await expect(regionRows(page)).toHaveCount(2);
  await shot(page, 'annotate-image-origin', 'en');

  // Hide the new box: gone from the image, still in the list (and in the answer).
  const person = (await regionRow(page, 'person').getAttribute('data-testid'))!.replace('region-row-', '');
  await page.getByTestId(`hide-${person}`).click();
  await expect(page.getByTestId(`region-${person}`)).toHaveCount(0);
  await expect(regionRows(page)).toHaveCount(2);
  await page.getByTestId(`hide-${person}`).click();
  await expect(page.getByTestId(`region-${person}`)).toBeVisible();

  // Lock it: a drag on it neither selects nor moves it (nor do the arrow keys), and its row does not select it.
  await page.keyboard.press('Escape');
  await page.getByTestId(`lock-${person}`).click();
  await expect(page.getByTestId(`lock-${person}`)).toHaveAttribute('aria-pressed', 'true');
  await drag(page, await imagePoint(page, 170, 120), await imagePoint(page, 230, 180));
  await expect(page.getByTestId(`region-row-${person}`)).not.toHaveClass(/sel/);
  await page.getByTestId(`region-row-${person}`).click();
  await expect(page.getByTestId(`region-row-${person}`)).not.toHaveClass(/sel/);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId(`region-row-${person}`)).toContainText('150,100 100×100');

  // Grouped by label: one heading per label with its count.
  await page.getByTestId('regions-group').check();
  await expect(page.getByTestId('region-group-person')).toContainText('(1)');
  await expect(page.getByTestId('region-group-cup')).toContainText('(1)');
  await shot(page, 'annotate-image-grouped', 'en');
});

/** Two untouched emails: annotator 1's page holds both (one on screen, one fetched ahead). */
async function bothHeld(page: Page, request: APIRequestContext, other: APIRequestContext): Promise<number> {
  const id = await project(request, 'E2E workbench: release', 'emails', (p) => importJsonl(request, p, demoTasks('emails', 2)));
  await login(page, ANNOTATOR);
  let nexts = 0;
  page.on('response', (r) => { if (r.url().includes('/queue/next') && r.status() === 200) nexts++; });
  await page.goto(`/#/projects/${id}/annotate`);
  await expect(page.getByTestId('choice-label-spam')).toBeVisible();
  await expect.poll(() => nexts).toBe(2);
  await apiAs(other, ANNOTATOR2);
  expect((await other.post(`/api/projects/${id}/queue/next`)).status()).toBe(204);
  return id;
}

/** Annotator 2 is handed both tasks straight away (polled only while the release travels). */
async function otherGetsBoth(other: APIRequestContext, id: number) {
  let first = 0;
  await expect.poll(async () => {
    const r = await other.post(`/api/projects/${id}/queue/next`);
    if (r.status() === 200) first = ((await r.json()) as { assignmentId: number }).assignmentId;
    return r.status();
  }, { timeout: 3000, intervals: [100] }).toBe(200);
  await expect.poll(async () => (await other.post(`/api/projects/${id}/queue/next?exclude=${first}`)).status(), { timeout: 3000, intervals: [100] }).toBe(200);
}

test('closing the tab gives back the task fetched ahead and the untouched one on screen', async ({ page, request, playwright, baseURL }) => {
  const other = await playwright.request.newContext({ baseURL });
  const id = await bothHeld(page, request, other);
  await page.close({ runBeforeUnload: true });
  await otherGetsBoth(other, id);
  await other.dispose();
});

test('leaving the workbench for another page gives the leases back; a task with edits stays leased', async ({ page, request, playwright, baseURL }) => {
  const other = await playwright.request.newContext({ baseURL });
  const id = await bothHeld(page, request, other);
  await page.goto(`/#/projects/${id}`);
  await expect(page.getByTestId('workbench')).toHaveCount(0);
  await otherGetsBoth(other, id);

  // Back to work with an edit: the edited task stays with annotator 1 when they leave again.
  const p2 = await project(request, 'E2E workbench: release edited', 'emails', (p) => importJsonl(request, p, demoTasks('emails', 1)));
  const releases: string[] = [];
  page.on('request', (r) => { if (r.url().endsWith('/release')) releases.push(r.url()); });
  await page.goto(`/#/projects/${p2}/annotate`);
  await expect(page.getByTestId('choice-label-ham')).toBeVisible();
  await page.keyboard.press('2');
  await expect(page.getByTestId('choice-label-ham')).toHaveAttribute('aria-checked', 'true');
  await page.goto(`/#/projects/${p2}`);
  await expect(page.getByTestId('workbench')).toHaveCount(0);
  await page.waitForLoadState('networkidle');
  expect(releases).toEqual([]);
  expect((await other.post(`/api/projects/${p2}/queue/next`)).status()).toBe(204);
  await other.dispose();
});

for (const lang of ['en', 'zh-CN'] as const) {
  test(`history (${lang}): the annotator's own recent answers, newest first, with where each stands; nobody else's`, async ({ page, request, playwright, baseURL }) => {
    await apiAs(request, ADMIN);
    const id = await createProject(request, {
      name: `E2E workbench: history ${lang} ${Date.now()}`, schema: demoProject('emails').schema, review: { policy: 'all', percent: 100 },
    });
    await importJsonl(request, id, demoTasks('emails', 3));
    // This file's beforeEach chose English; the language asked for wins (init scripts run in order).
    await page.addInitScript((l) => localStorage.setItem('yz.lang', l), lang);
    await login(page, ANNOTATOR);
    let submitted = 0;
    page.on('response', (r) => { if (r.url().endsWith('/submit') && r.ok()) submitted++; });
    await page.goto(`/#/projects/${id}/annotate`);
    await page.getByTestId('history-toggle').click();
    await expect(page.getByTestId('history-empty')).toBeVisible();
    await page.getByTestId('history-toggle').click();

    const first = await answerWithKey(page, '1');
    const second = await answerWithKey(page, '2');
    await expect.poll(() => submitted).toBe(2);

    await page.getByTestId('history-toggle').click();
    const rows = page.getByTestId('history').locator('li');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute('data-testid', `history-${second}`);
    await expect(rows.nth(1)).toHaveAttribute('data-testid', `history-${first}`);
    await expect(page.getByTestId(`history-${second}`)).toContainText('ham');
    await expect(page.getByTestId(`history-${first}`)).toContainText('spam');
    await expect(page.getByTestId(`history-status-${first}`)).toHaveText(lang === 'en' ? 'Waiting for review' : '等待审核');
    await shot(page, 'annotate-history', lang);

    // Another annotator's history in the same project is their own: empty.
    const other = await playwright.request.newContext({ baseURL });
    await apiAs(other, ANNOTATOR2);
    const theirs = await other.get(`/api/projects/${id}/history`);
    expect(theirs.status()).toBe(200);
    expect(((await theirs.json()) as { items: unknown[] }).items).toEqual([]);
    await other.dispose();
  });
}
