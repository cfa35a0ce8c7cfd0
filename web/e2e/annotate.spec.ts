import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import {
  ADMIN, ANNOTATOR, apiAs, cps, createProject, demo, demoProject, demoTasks, exportViaDialog, imagePoint, importJsonl, login, selectText, shot, uploadMedia, useLang,
  type Schemas,
} from './helpers';

// One project per modality, made by each test for itself, annotated by mouse and keyboard; each
// test then exports its project through the dialog and checks the file against what it drew.

const TEXT = '😀 1993 年，Ian Murdock 在美国创立了 Debian 计划。';
interface Drawn {
  spans: { text: string; label: string }[]; relation: { from: string; to: string; label: string } | null;
  rect: { x: number; y: number; width: number; height: number; tol: number } | null; polygon: { points: number[][]; tol: number } | null;
  keypoint: { x: number; y: number; tol: number } | null;
  segments: { label: string; start: number; end: number; tol: number }[]; transcript: string | null;
  order: string[] | null; rating: number | null; rationale: string | null;
}
const nothingDrawn = (): Drawn => ({ spans: [], relation: null, rect: null, polygon: null, keypoint: null, segments: [], transcript: null, order: null, rating: null, rationale: null });

/** The admin's project made through the API, with `fill` importing its tasks and media. */
async function projectOf(request: APIRequestContext, name: string, demoName: string, fill: (id: number) => Promise<void>): Promise<number> {
  await apiAs(request, ADMIN);
  const id = await createProject(request, { name, schema: demoProject(demoName).schema });
  await fill(id);
  return id;
}

type Result = Record<string, unknown>;
/** The one annotation of task `key`, as the admin's export dialog gives it. */
async function exported(page: Page, projectId: number, key: string): Promise<Result> {
  await login(page, ADMIN);
  // The app reads who is signed in when it loads: leave it, so the export page loads as the admin's.
  await page.goto('about:blank');
  const rows = await exportViaDialog(page, projectId) as unknown as { key: string; annotations: { result: Result }[] }[];
  const row = rows.find((r) => r.key === key);
  expect(row, `row ${key}`).toBeTruthy();
  expect(row!.annotations).toHaveLength(1);
  return row!.annotations[0]!.result;
}

test.beforeEach(async ({ page }) => {
  await useLang(page, 'en');
});

const regionRow = (page: Page, text: string) => page.locator('[data-testid^="region-row-"]').filter({ hasText: text });

async function taskId(page: Page) {
  return (await page.getByTestId('task-id').textContent())!.trim();
}

test('Chinese spans by mouse and by keyboard, a relation, submitted with Ctrl+Enter; the export has them', async ({ page, request }) => {
  const id = await projectOf(request, 'E2E annotate: text', 'news-zh', (p) => importJsonl(request, p, [{ key: 'emoji-debian', data: { text: TEXT } }, ...demoTasks('news-zh', 1)]));
  const drawn = nothingDrawn();
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  await expect(page.getByTestId('text-text')).toContainText('Ian Murdock');
  const first = await taskId(page);

  // Mouse: label hotkey 1 (PER), then select the name.
  await page.keyboard.press('1');
  await expect(page.getByTestId('label-entities-PER')).toHaveClass(/on/);
  await selectText(page, 'Ian Murdock');
  await expect(regionRow(page, 'Ian Murdock')).toContainText('PER');

  // Mouse with another label: 3 (LOC), then select 美国.
  await page.keyboard.press('Escape');
  await page.keyboard.press('3');
  await selectText(page, '美国');
  await expect(regionRow(page, '美国')).toContainText('LOC');

  // Keyboard only: caret to "Debian", Shift+→ over "Debian 计划", 2 makes it an ORG.
  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowRight'); // shows the caret at the start
  await expect(page.getByTestId('text-caret')).toBeVisible();
  const target = 'Debian 计划';
  const before = cps(TEXT.slice(0, TEXT.indexOf(target))).length;
  for (let i = 0; i < before; i++) await page.keyboard.press('ArrowRight');
  for (let i = 0; i < cps(target).length; i++) await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('2');
  await expect(regionRow(page, target)).toContainText('ORG');
  drawn.spans = [{ text: 'Ian Murdock', label: 'PER' }, { text: '美国', label: 'LOC' }, { text: target, label: 'ORG' }];

  // Relation: click the ORG span, R, click the person: founded_by (the first relation label).
  await page.keyboard.press('Escape');
  await page.locator('.text-body [data-span]').filter({ hasText: 'Debian' }).click();
  await page.keyboard.press('r');
  await expect(page.getByTestId('relation-pick')).toBeVisible();
  await page.locator('.text-body [data-span]').filter({ hasText: 'Murdock' }).click();
  await expect(page.locator('[data-testid^="relation-"]').filter({ hasText: 'founded_by' })).toContainText('Debian 计划');
  drawn.relation = { from: target, to: 'Ian Murdock', label: 'founded_by' };
  await shot(page, 'annotate-text', 'en');

  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('task-id')).not.toHaveText(first);
  await expect(page.getByTestId('text-text')).not.toContainText('Ian Murdock');

  const text = await exported(page, id, 'emoji-debian');
  const chars = cps(TEXT);
  const spans = text.entities as { id: string; start: number; end: number; label: string; text?: string }[];
  expect(spans).toHaveLength(3);
  for (const want of drawn.spans) {
    const s = spans.find((x) => x.label === want.label)!;
    // Offsets count code points: the emoji before them is one, not two.
    expect(chars.slice(s.start, s.end).join('')).toBe(want.text);
    expect(s.start).toBe(cps(TEXT.slice(0, TEXT.indexOf(want.text))).length);
  }
  const byText = (t: string) => spans.find((s) => chars.slice(s.start, s.end).join('') === t)!.id;
  expect(text.links).toEqual([{ from: byText(drawn.relation.from), to: byText(drawn.relation.to), label: 'founded_by' }]);
});

test('rectangle by drag and nudged by keys, polygon by clicks and Enter, a keypoint; next task follows; the export has them', async ({ page, request }) => {
  const id = await projectOf(request, 'E2E annotate: image', 'photos', async (p) => {
    await uploadMedia(request, p, [demo('photos', 'media', 'coffee.jpg'), demo('photos', 'media', 'astronaut.jpg')]);
    await importJsonl(request, p, [{ key: 'coffee', data: { image: 'media:coffee.jpg' } }, { key: 'astronaut', data: { image: 'media:astronaut.jpg' } }]);
  });
  const drawn = nothingDrawn();
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  const svg = page.getByTestId('image-canvas');
  await expect(svg).toHaveAttribute('data-natural-width', '600');
  const first = await taskId(page);

  // Box: hotkey 3 (cup), drag from (100, 120) to (300, 260) in image pixels.
  await page.keyboard.press('3');
  const a = await imagePoint(page, 100, 120);
  const b = await imagePoint(page, 300, 260);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
  await expect(regionRow(page, 'cup')).toBeVisible();
  // Keyboard: the new box is selected; → three times moves it 3 image pixels right.
  await regionRow(page, 'cup').click();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  const tol = 2 / a.k + 0.5;
  drawn.rect = { x: 103, y: 120, width: 200, height: 140, tol };
  await expect(regionRow(page, 'cup')).toContainText(/10[234],1(19|20|21) (199|200|201)×(139|140|141)/);

  // Polygon: Tab to the shapes control, click four corners, Enter closes it.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('active-control')).toContainText('shapes');
  const pts = [[40, 40], [160, 30], [180, 110], [50, 100]];
  for (const [x, y] of pts) { const p = await imagePoint(page, x!, y!); await page.mouse.click(p.x, p.y); }
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid^="region-row-"]').filter({ hasText: '4 points' })).toBeVisible();
  drawn.polygon = { points: pts, tol };

  // Keypoint: Tab to landmarks, 3 is "nose", click.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('active-control')).toContainText('landmarks');
  await page.keyboard.press('3');
  const n = await imagePoint(page, 320, 60);
  await page.mouse.click(n.x, n.y);
  await expect(regionRow(page, 'nose')).toBeVisible();
  drawn.keypoint = { x: 320, y: 60, tol };
  await shot(page, 'annotate-image', 'en');

  await page.getByTestId('submit').click();
  await expect(page.getByTestId('task-id')).not.toHaveText(first);
  await expect(svg).toHaveAttribute('data-natural-width', '512');
  // The previous task's boxes can be copied onto this one.
  await page.getByTestId('copy-previous').click();
  await expect(regionRow(page, 'cup')).toBeVisible();

  const image = await exported(page, id, 'coffee');
  const [rect] = image.boxes as { x: number; y: number; width: number; height: number; label: string }[];
  expect(image.boxes).toHaveLength(1);
  expect(rect!.label).toBe('cup');
  for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(rect![k] - drawn.rect[k])).toBeLessThanOrEqual(drawn.rect.tol);
  const [poly] = image.shapes as { points: number[][]; label: string }[];
  expect(poly!.points).toHaveLength(4);
  poly!.points.forEach((p, i) => {
    expect(Math.abs(p[0]! - drawn.polygon!.points[i]![0]!)).toBeLessThanOrEqual(drawn.polygon!.tol);
    expect(Math.abs(p[1]! - drawn.polygon!.points[i]![1]!)).toBeLessThanOrEqual(drawn.polygon!.tol);
  });
  const [kp] = image.landmarks as { x: number; y: number; label: string }[];
  expect(kp!.label).toBe('nose');
  expect(Math.abs(kp!.x - drawn.keypoint.x)).toBeLessThanOrEqual(drawn.keypoint.tol);
  expect(Math.abs(kp!.y - drawn.keypoint.y)).toBeLessThanOrEqual(drawn.keypoint.tol);
});

test('speech segments by drag and by keys, a transcript per segment; the export has them', async ({ page, request }) => {
  const id = await projectOf(request, 'E2E annotate: audio', 'speech', async (p) => {
    await uploadMedia(request, p, [demo('speech', 'media', 'librivox-0880.wav'), demo('speech', 'media', 'cards-001.wav')]);
    await importJsonl(request, p, [{ key: 'librivox-0880', data: { audio: 'media:librivox-0880.wav' } }, { key: 'cards-001', data: { audio: 'media:cards-001.wav' } }]);
  });
  const drawn = nothingDrawn();
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  const wave = page.getByTestId('waveform');
  await expect(wave).not.toHaveAttribute('data-duration', '0');
  await expect(page.locator('.waveform canvas')).toBeVisible();
  const duration = Number(await wave.getAttribute('data-duration'));
  expect(duration).toBeGreaterThan(2.9);
  expect(duration).toBeLessThan(3.1);
  const first = await taskId(page);

  // Keys: 2 (noise), → → seeks to 2 s, [ marks, Shift+→ seeks 5 s (to the end), ] closes the segment.
  await page.keyboard.press('2');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('audio-time')).toContainText('0:02.00');
  await page.keyboard.press('[');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press(']');
  await expect(regionRow(page, 'noise')).toBeVisible();
  drawn.segments.push({ label: 'noise', start: 2, end: duration, tol: 0.02 });

  // Mouse: 1 (speech), drag over 10%–40% of the waveform.
  await page.keyboard.press('Escape');
  await page.keyboard.press('1');
  const box = (await wave.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, y, { steps: 8 });
  await page.mouse.up();
  await expect(regionRow(page, 'speech')).toBeVisible();
  drawn.segments.push({ label: 'speech', start: 0.1 * duration, end: 0.4 * duration, tol: (2 / box.width) * duration + 0.005 });

  const speechId = (await regionRow(page, 'speech').getAttribute('data-testid'))!.replace('region-row-', '');
  await page.getByTestId(`transcript-${speechId}`).fill('the family of dashwood');
  drawn.transcript = 'the family of dashwood';
  await expect(page.getByTestId('draft-status')).toHaveText('Draft saved', { timeout: 10_000 });
  await shot(page, 'annotate-audio', 'en');

  await page.getByTestId('transcript-' + speechId).blur();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('task-id')).not.toHaveText(first);

  const audio = await exported(page, id, 'librivox-0880');
  const segs = audio.turns as { id: string; start: number; end: number; label: string }[];
  expect(segs).toHaveLength(2);
  for (const want of drawn.segments) {
    const g = segs.find((s) => s.label === want.label)!;
    expect(Math.abs(g.start - want.start)).toBeLessThanOrEqual(want.tol);
    expect(Math.abs(g.end - want.end)).toBeLessThanOrEqual(want.tol);
    expect(g.start).toBeLessThan(g.end);
  }
  const speech = segs.find((s) => s.label === 'speech')!;
  expect(audio.transcript).toEqual({ [speech.id]: drawn.transcript });
});

test('ranking by keyboard and drag, a rating by keys, a rationale; the export has them', async ({ page, request }) => {
  const id = await projectOf(request, 'E2E annotate: ranking', 'llm-pref', (p) => importJsonl(request, p, demoTasks('llm-pref', 2)));
  const drawn = nothingDrawn();
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  const list = page.getByTestId('ranking-preference');
  await expect(list.locator('li')).toHaveCount(3);
  const first = await taskId(page);
  const order = async () => (await list.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('rank-item-', ''))));
  expect(await order()).toEqual(['a', 'b', 'c']);

  // Keyboard: focus c, Alt+↑ twice moves it to the top.
  await page.getByTestId('rank-item-c').focus();
  await page.keyboard.press('Alt+ArrowUp');
  await page.keyboard.press('Alt+ArrowUp');
  await expect.poll(order).toEqual(['c', 'a', 'b']);
  // Mouse: drag b onto a (b goes before a).
  await page.getByTestId('rank-item-b').dragTo(page.getByTestId('rank-item-a'));
  await expect.poll(order).toEqual(['c', 'b', 'a']);
  drawn.order = ['c', 'b', 'a'];

  // Rating: a click gives 2, then the key 4 (the rating is the active control after the click).
  await page.getByTestId('rating-quality-2').click();
  await page.keyboard.press('4');
  await expect(page.getByTestId('rating-quality-4')).toHaveAttribute('aria-checked', 'true');
  drawn.rating = 4;
  await page.getByTestId('rationale-preference').fill('c names the topic; a is off topic.');
  drawn.rationale = 'c names the topic; a is off topic.';
  await shot(page, 'annotate-ranking', 'en');
  await page.getByTestId('submit').click();
  await expect(page.getByTestId('task-id')).not.toHaveText(first);

  const llm = await exported(page, id, demoTasks('llm-pref', 1)[0]!.key as string);
  expect(llm.preference).toEqual({ order: drawn.order, rationale: drawn.rationale });
  expect(llm.quality).toBe(drawn.rating);
});

test('choices by hotkey; required answer enforced; draft kept over a reload; skip brings it back last; Ctrl+Enter shows the next', async ({ page, request }) => {
  const id = await projectOf(request, 'E2E annotate: choices', 'emails', (p) => importJsonl(request, p, demoTasks('emails', 3)));
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  await expect(page.getByTestId('choice-label-spam')).toBeVisible();
  const first = await taskId(page);
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('missing-banner')).toContainText('label');
  await expect(page.getByTestId('task-id')).toHaveText(first);

  await page.keyboard.press('2');
  await expect(page.getByTestId('choice-label-ham')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('draft-status')).toHaveText('Draft saved', { timeout: 10_000 });
  await page.reload();
  await expect(page.getByTestId('task-id')).toHaveText(first);
  await expect(page.getByTestId('choice-label-ham')).toHaveAttribute('aria-checked', 'true');

  await page.keyboard.press('1');
  await expect(page.getByTestId('choice-label-spam')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('choice-label-ham')).toHaveAttribute('aria-checked', 'false');
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcut-sheet')).toBeVisible();
  await shot(page, 'shortcut-sheet', 'en');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcut-sheet')).toHaveCount(0);
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('task-id')).not.toHaveText(first);
  const second = await taskId(page);
  // A slow skip: the task fetched ahead while it travels must not be the skipped one again.
  await page.route(/\/api\/assignments\/\d+\/skip$/, async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  await page.keyboard.press('Control+Shift+S');
  await expect(page.getByTestId('task-id')).not.toHaveText(second);
  await page.keyboard.press('2');
  await page.keyboard.press('Control+Enter');
  // The skipped task comes back once nothing else is left, and only once.
  await expect(page.getByTestId('task-id')).toHaveText(second);
  await page.keyboard.press('1');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('queue-empty')).toBeVisible();
  await login(page, ADMIN);
  const rows = await (await page.request.get(`/api/projects/${id}/tasks`)).json() as Schemas['TaskPage'];
  expect(rows.items.map((r) => r.annotationCount)).toEqual([1, 1, 1]);
});
