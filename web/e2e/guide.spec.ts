import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  ADMIN, ANNOTATOR, answerWithKey, apiAs, createProject, demo, demoProject, demoTasks, drag, here, imagePoint, importJsonl, login, nextTask, REVIEWER, selectText,
  uploadMedia, useLang, type Lang,
} from './helpers';

// The pictures of docs/annotator-guide.md. `npm run guide-images` writes them to docs/images/
// (committed, so keep them small); an ordinary run writes them to the git-ignored screenshots/guide/
// so the guide's steps are exercised without touching the committed files.
const out = process.env.YZ_GUIDE_IMAGES ? join(here, '..', '..', 'docs', 'images') : join(here, '..', 'screenshots', 'guide');
mkdirSync(out, { recursive: true });
test.use({ viewport: { width: 1100, height: 620 } });

async function picture(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }) {
  await page.mouse.move(0, 0); // no hover effects in the picture
  await page.screenshot({ path: join(out, `${name}.png`), clip, animations: 'disabled', caret: 'hide' });
}

/** The project list shows only the demo projects (not those other tests made), for a clean picture. */
async function onlyDemoProjects(page: Page) {
  await page.route(/\/api\/projects(\?.*)?$/, async (route) => {
    const res = await route.fetch();
    const list = await res.json() as { name: string }[];
    await route.fulfill({ response: res, json: list.filter((p) => !p.name.startsWith('E2E') && !p.name.startsWith('Guide')) });
  });
}

type Kind = 'text' | 'image' | 'audio' | 'llm';
/** The project a picture is taken of, made by the test that takes it: tasks as `tasks` gives them. */
async function guideProject(request: APIRequestContext, kind: Kind, tasks?: Record<string, unknown>[]): Promise<number> {
  await apiAs(request, ADMIN);
  if (kind === 'text') {
    const news = demoProject('news-zh');
    const id = await createProject(request, { name: 'Guide · 中文实体', schema: news.schema, instructions: news.instructions, review: { policy: 'all', percent: 0 } });
    await importJsonl(request, id, tasks ?? demoTasks('news-zh', 3).slice(2));
    return id;
  }
  if (kind === 'image') {
    const id = await createProject(request, { name: 'Guide · photos', schema: demoProject('photos').schema });
    // The silhouette keeps the committed PNG small (a colour photo would be several times larger).
    await uploadMedia(request, id, [demo('photos', 'media', 'horse.png')]);
    await importJsonl(request, id, [{ key: 'horse', data: { image: 'media:horse.png' } }]);
    return id;
  }
  if (kind === 'audio') {
    const id = await createProject(request, { name: 'Guide · speech', schema: demoProject('speech').schema });
    await uploadMedia(request, id, [demo('speech', 'media', 'cards-005.wav')]);
    await importJsonl(request, id, [{ key: 'cards-005', data: { audio: 'media:cards-005.wav' } }]);
    return id;
  }
  const id = await createProject(request, { name: 'Guide · ranking', schema: demoProject('llm-pref').schema });
  await importJsonl(request, id, demoTasks('llm-pref', 1));
  return id;
}

for (const lang of ['en', 'zh-CN'] as Lang[]) {
  const sfx = lang === 'en' ? '' : '.zh-CN';
  test(`log-in and project list (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await page.goto('/');
    await expect(page.getByTestId('login-form')).toBeVisible();
    await page.getByTestId('login-email').fill(ANNOTATOR);
    const card = (await page.getByTestId('login-form').boundingBox())!;
    await picture(page, `login${sfx}`, { x: card.x - 20, y: card.y - 20, width: card.width + 40, height: card.height + 40 });
    await page.getByTestId('login-password').fill('yunzhong-demo');
    await onlyDemoProjects(page);
    await page.getByTestId('login-submit').click();
    await expect(page.locator('.project-list > li').first()).toBeVisible();
    await picture(page, `projects${sfx}`, { x: 0, y: 0, width: 1100, height: 470 });
  });
}

test('text: spans by mouse and keys, a relation (zh-CN and en)', async ({ page, request }) => {
  const projectId = await guideProject(request, 'text');
  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  await expect(page.getByTestId('text-text')).toContainText('Ian Murdock');
  await page.keyboard.press('2');
  await selectText(page, 'Debian 计划');
  await page.keyboard.press('4');
  await selectText(page, '1993 年');
  await page.keyboard.press('1');
  await selectText(page, 'Ian Murdock');
  await page.keyboard.press('2');
  await selectText(page, '自由软件基金会');
  await page.keyboard.press('Escape');
  await page.locator('.text-body [data-span]').filter({ hasText: 'Debian 计划' }).click();
  await page.keyboard.press('r');
  await page.locator('.text-body [data-span]').filter({ hasText: 'Murdock' }).click();
  await expect(page.locator('[data-testid^="relation-"]').filter({ hasText: 'founded_by' })).toBeVisible();
  await page.keyboard.press('Escape');
  await picture(page, 'text', { x: 0, y: 48, width: 1100, height: 560 });
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('submit')).toContainText('提交');
  await picture(page, 'text.zh-CN', { x: 0, y: 48, width: 1100, height: 560 });
  await page.getByTestId('lang-switch').click();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('queue-empty')).toBeVisible();
});

test('image: a box by drag, a polygon by clicks', async ({ page, request }) => {
  const projectId = await guideProject(request, 'image');
  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-width', '400');
  await page.keyboard.press('5');
  await drag(page, await imagePoint(page, 14, 8), await imagePoint(page, 392, 314));
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await page.keyboard.press('5');
  // The outline lies over the box: Shift keeps the clicks from picking the box up.
  await page.keyboard.down('Shift');
  const outline = [[22, 95], [70, 82], [250, 72], [330, 20], [352, 8], [388, 92], [366, 102], [322, 84], [296, 170], [282, 308],
    [254, 306], [250, 200], [150, 196], [124, 302], [52, 308], [46, 230], [24, 246]];
  for (const [x, y] of outline) {
    const p = await imagePoint(page, x!, y!);
    await page.mouse.click(p.x, p.y);
  }
  await page.keyboard.up('Shift');
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid^="region-row-"]').filter({ hasText: '17 points' })).toBeVisible();
  await picture(page, 'image', { x: 0, y: 48, width: 1100, height: 560 });
});

test('audio: segments by drag and by keys, a transcript', async ({ page, request }) => {
  const projectId = await guideProject(request, 'audio');
  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  const wave = page.getByTestId('waveform');
  await expect(wave).not.toHaveAttribute('data-duration', '0');
  // The pre-annotation (if any) is replaced, so the picture shows what the guide describes.
  const box = (await wave.boundingBox())!;
  await page.keyboard.press('1');
  await drag(page, { x: box.x + box.width * 0.12, y: box.y + box.height / 2 }, { x: box.x + box.width * 0.55, y: box.y + box.height / 2 });
  const row = page.locator('[data-testid^="region-row-"]').filter({ hasText: 'speech' }).last();
  const id = (await row.getAttribute('data-testid'))!.replace('region-row-', '');
  await page.getByTestId(`transcript-${id}`).fill('queen of hearts');
  await page.getByTestId(`transcript-${id}`).blur();
  await page.keyboard.press('Escape');
  await page.keyboard.press('2');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('[');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press(']');
  await expect(page.locator('[data-testid^="region-row-"]').filter({ hasText: 'noise' })).toBeVisible();
  await picture(page, 'audio', { x: 0, y: 48, width: 1100, height: 420 });
});

test('ranking and rating', async ({ page, request }) => {
  const projectId = await guideProject(request, 'llm');
  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  await page.getByTestId('rank-item-b').focus();
  await page.keyboard.press('Alt+ArrowUp');
  await page.getByTestId('rating-quality-4').click();
  await page.getByTestId('rationale-preference').fill('b names the thread; a only repeats a line of the email.');
  await page.getByTestId('rationale-preference').blur();
  await page.getByTestId('rank-item-b').scrollIntoViewIfNeeded();
  await picture(page, 'ranking');
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcut-sheet')).toBeVisible();
  const sheet = (await page.getByTestId('shortcut-sheet').boundingBox())!;
  await picture(page, 'shortcuts', { x: sheet.x, y: Math.max(0, sheet.y), width: sheet.width, height: Math.min(sheet.height, 620 - Math.max(0, sheet.y)) });
});

test('review: reject with a comment; the annotator sees it', async ({ page, request: r }) => {
  // A text task for the review picture, answered by the annotator through the API.
  const projectId = await guideProject(r, 'text', demoTasks('news-zh', 5).slice(4));
  await apiAs(r, ANNOTATOR);
  const next = await nextTask(r, projectId);
  const text = (next.task.data as { text: string }).text;
  const cp = [...text];
  const at = (s: string) => [...text.slice(0, text.indexOf(s))].length;
  const span = (id: string, s: string, label: string) => ({ id, start: at(s), end: at(s) + [...s].length, label, text: s });
  expect(cp.length).toBeGreaterThan(10);
  const res = await r.post(`/api/assignments/${next.assignmentId}/submit`, {
    headers: { 'Idempotency-Key': randomUUID() },
    data: { result: { entities: [span('s1', 'GNU 计划', 'ORG'), span('s2', '自由软件基金会', 'PER')] }, leadTimeSeconds: 20 },
  });
  expect(res.ok(), await res.text()).toBeTruthy();

  await useLang(page, 'zh-CN');
  await login(page, REVIEWER);
  await page.goto(`/#/projects/${projectId}/review`);
  await expect(page.getByTestId('text-text')).toContainText('自由软件基金会');
  await page.getByTestId('review-comment').fill('“自由软件基金会”是组织（ORG），不是人名。');
  await picture(page, 'review.zh-CN', { x: 0, y: 48, width: 1100, height: 420 });
  await page.getByTestId('review-reject').click();
  await expect(page.getByTestId('review-empty')).toBeVisible();

  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  // Another person in the same tab: the app reads who is signed in (and their roles) when it
  // loads, as after logging in through the form; a hash change alone keeps the reviewer's.
  await page.reload();
  await expect(page.getByTestId('review-comment')).toBeVisible();
  await picture(page, 'rejected.zh-CN', { x: 0, y: 48, width: 1100, height: 420 });
});

for (const lang of ['en', 'zh-CN'] as Lang[]) {
  const sfx = lang === 'en' ? '' : '.zh-CN';
  test(`my recent tasks and correcting an answer before review (${lang})`, async ({ page, request }) => {
    await apiAs(request, ADMIN);
    const id = await createProject(request, { name: `Guide · emails ${lang}`, schema: demoProject('emails').schema });
    await importJsonl(request, id, demoTasks('emails', 3));
    await useLang(page, lang);
    await login(page, ANNOTATOR);
    await page.goto(`/#/projects/${id}/annotate`);
    const sent = page.waitForResponse((r) => r.url().endsWith('/submit') && r.ok());
    const first = await answerWithKey(page, '1');
    await sent;
    await page.getByTestId('history-toggle').click();
    await expect(page.getByTestId(`history-open-${first}`)).toBeVisible();
    await picture(page, `history${sfx}`, { x: 500, y: 48, width: 600, height: 200 });
    await page.getByTestId(`history-open-${first}`).click();
    await expect(page.getByTestId('amend-hint')).toBeVisible();
    await expect(page.getByTestId('choice-label-spam')).toHaveAttribute('aria-checked', 'true');
    await page.keyboard.press('2');
    await expect(page.getByTestId('choice-label-ham')).toHaveAttribute('aria-checked', 'true');
    await picture(page, `amend${sfx}`, { x: 0, y: 48, width: 1100, height: 300 });
  });
}
