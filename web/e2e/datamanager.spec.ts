import { expect, test, type APIRequestContext } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import {
  ADMIN, ANNOTATOR, REVIEWER, apiAs, createProject, demo, demoProject, importJsonl, login, nextTask, shot, uploadMedia, useLang, type Lang,
} from './helpers';

const texts = ['服务很好，下次再来', 'The delivery was LATE again', '价格太贵了', 'Great value, fast shipping', '客服态度一般'];

/** A text project of five reviews: one answered and rejected by the reviewer, one leased. */
async function reviewsProject(request: APIRequestContext, name: string): Promise<number> {
  await apiAs(request, ADMIN);
  const projectId = await createProject(request, { name, schema: demoProject('emails').schema, review: { policy: 'all', percent: 0 } });
  await importJsonl(request, projectId, texts.map((text, i) => ({ key: `r${i}`, data: { text } })));
  await apiAs(request, ANNOTATOR);
  const first = await nextTask(request, projectId);
  const s = await request.post(`/api/assignments/${first.assignmentId}/submit`, {
    data: { result: { label: ['spam'] }, leadTimeSeconds: 3 }, headers: { 'Idempotency-Key': randomUUID() },
  });
  expect(s.ok(), await s.text()).toBeTruthy();
  const annotationId = (await s.json() as { annotationId: number }).annotationId;
  await nextTask(request, projectId); // leased, so one task is in progress
  await apiAs(request, REVIEWER);
  const r = await request.post(`/api/annotations/${annotationId}/review`, { data: { action: 'reject', comment: '请再看一遍' } });
  expect(r.ok(), await r.text()).toBeTruthy();
  await apiAs(request, ADMIN);
  return projectId;
}

const rows = (page: import('@playwright/test').Page) => page.getByTestId('task-table').locator('tbody tr');

for (const lang of ['en', 'zh-CN'] as const satisfies readonly Lang[]) {
  const L = lang === 'en'
    ? { search: 'Search the data', rejected: 'Rejected', inProgress: 'In progress', match: (n: number) => `${n} tasks match`, review: 'Rejected by', all: (n: number) => `All ${n} matching tasks are selected.` }
    : { search: '搜索数据', rejected: '已驳回', inProgress: '标注中', match: (n: number) => `共 ${n} 个任务符合条件`, review: '驳回', all: (n: number) => `已选择全部 ${n} 个符合条件的任务。` };

  test(`data manager: data columns, Chinese search, every state filter, sort, drawer with review history (${lang})`, async ({ page, playwright, baseURL }) => {
    const setup = await playwright.request.newContext({ baseURL });
    const projectId = await reviewsProject(setup, `E2E data manager (${lang})`);
    await setup.dispose();
    await useLang(page, lang);
    await login(page, ADMIN);
    await page.goto(`/#/projects/${projectId}/tasks`);
    await expect(rows(page)).toHaveCount(5);
    // The data is in the table: a column for the text field and a preview.
    await expect(page.getByTestId('th-data:text')).toBeVisible();
    await expect(page.getByTestId('task-table')).toContainText('服务很好，下次再来');
    await expect(page.getByTestId('dm-count')).toHaveText(L.match(5));
    await shot(page, 'tasks-data-manager', lang);

    // Search over the data, in Chinese and in any case.
    await page.getByTestId('dm-search').fill('太贵');
    await page.getByTestId('filter-apply').click();
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText('价格太贵了');
    await page.getByTestId('dm-search').fill('late');
    await page.getByTestId('filter-apply').click();
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText('LATE');
    await page.getByTestId('dm-search').fill('');

    // Every state filter is accepted by the server and finds what it should.
    const expected: Record<string, number> = { new: 3, in_progress: 1, annotated: 0, in_review: 0, accepted: 0, rejected: 1 };
    for (const [state, n] of Object.entries(expected)) {
      const answer = page.waitForResponse((r) => r.url().includes(`/tasks?`) && r.url().includes(`state=${state}`));
      await page.getByTestId('filter-state').selectOption(state);
      await page.getByTestId('filter-apply').click();
      expect((await answer).status()).toBe(200);
      await expect(rows(page)).toHaveCount(n);
      if (n === 0) await expect(page.getByTestId('task-table')).toHaveCount(0);
    }
    await expect(rows(page).first().getByTestId('task-state')).toHaveText(L.rejected);
    await expect(page.getByRole('alert')).toHaveCount(0);

    // The drawer: the data, the annotation (who, when, result) and its review with the reviewer's comment.
    await rows(page).first().locator('[data-testid^="open-"]').click();
    const drawer = page.getByTestId('task-drawer');
    await expect(drawer.getByTestId('drawer-data')).toContainText('服务很好，下次再来');
    await expect(drawer.getByTestId('drawer-history')).toContainText('标注员一');
    await expect(drawer.getByTestId('review-line')).toContainText(L.review);
    await expect(drawer.getByTestId('review-line')).toContainText('请再看一遍');
    await expect(drawer.getByTestId('drawer-results')).toBeVisible();
    await expect(drawer.getByTestId('choice-label-spam')).toHaveClass(/on|selected|checked/);
    await shot(page, 'task-drawer', lang);
    await page.getByTestId('drawer-close').click();

    // Sort: the last changed first puts the reviewed task on top; ids descending put the last task first.
    await page.getByRole('button', { name: lang === 'en' ? 'Reset' : '重置' }).click();
    await expect(rows(page)).toHaveCount(5);
    await page.getByTestId('sort-updated').click();
    await page.getByTestId('sort-updated').click();
    await expect(page.getByTestId('sort-updated')).toContainText('▼');
    await expect(rows(page).first().getByTestId('task-state')).toHaveText(L.rejected);
    await page.getByTestId('sort-id').click();
    await page.getByTestId('sort-id').click();
    await expect(rows(page).first()).toContainText('客服态度一般');
    await page.getByTestId('sort-state').click();
    const states = await page.getByTestId('task-state').allTextContents();
    expect(states).toHaveLength(5);
    // Alphabetical by wire name: in_progress < new < rejected.
    expect(states[0]).toBe(L.inProgress);
    expect(states[4]).toBe(L.rejected);

    // Sort by a data column (issue 13): the server orders by the field's text, byte by byte; again for descending.
    const byField = page.waitForResponse((r) => r.url().includes('sort=field') && r.url().includes('field=text'));
    await page.getByTestId('sort-data-text').click();
    expect((await byField).status()).toBe(200);
    await expect(page.getByTestId('sort-data-text')).toContainText('▲');
    const cells = page.getByTestId('cell-data:text');
    await expect(cells).toHaveCount(5);
    const texts = await cells.allTextContents();
    const bytes = (x: string) => Buffer.from(x, 'utf8');
    expect(texts).toEqual([...texts].sort((a, b) => Buffer.compare(bytes(a), bytes(b))));
    await page.getByTestId('sort-data-text').click();
    await expect(page.getByTestId('sort-data-text')).toContainText('▼');
    await expect.poll(() => cells.allTextContents()).toEqual([...texts].reverse());
    await expect(page.getByTestId('dm-sort')).toHaveValue('field:text');
  });
}

test('data manager: chosen columns are remembered per project; bulk actions on a page or every matching task, with counts', async ({ page, playwright, baseURL }) => {
  const setup = await playwright.request.newContext({ baseURL });
  await apiAs(setup, ADMIN);
  const projectId = await createProject(setup, { name: 'E2E bulk by filter', schema: demoProject('emails').schema });
  await importJsonl(setup, projectId, Array.from({ length: 60 }, (_, i) => ({ data: { text: `${i % 2 ? '猫' : '狗'} 第${i}条` } })));
  await setup.dispose();
  await useLang(page, 'en');
  await login(page, ADMIN);
  page.on('dialog', (d) => void d.accept());
  await page.goto(`/#/projects/${projectId}/tasks`);
  await expect(rows(page)).toHaveCount(50);
  await expect(page.getByTestId('load-more')).toBeVisible();

  // Hide the key and priority columns; a reload keeps the choice.
  await page.getByTestId('dm-columns').locator('summary').click();
  await page.getByTestId('col-key').uncheck();
  await page.getByTestId('col-priority').uncheck();
  await expect(page.getByTestId('th-key')).toHaveCount(0);
  await page.reload();
  await expect(rows(page)).toHaveCount(50);
  await expect(page.getByTestId('th-key')).toHaveCount(0);
  await expect(page.getByTestId('th-priority')).toHaveCount(0);
  await expect(page.getByTestId('th-state')).toBeVisible();
  await page.getByTestId('dm-columns').locator('summary').click();
  await page.getByTestId('col-priority').check();

  // Checking the page selects what it shows; with more tasks than a page, all matching can be chosen.
  await page.getByTestId('dm-search').fill('猫');
  await page.getByTestId('filter-apply').click();
  await expect(page.getByTestId('dm-count')).toHaveText('30 tasks match');
  await expect(rows(page)).toHaveCount(30);
  await page.getByTestId('check-all').check();
  await expect(page.getByTestId('bulk-count')).toHaveText('30 selected');
  await page.getByTestId('dm-search').fill('');
  await page.getByTestId('filter-apply').click();
  await expect(page.getByTestId('dm-count')).toHaveText('60 tasks match');
  await page.getByTestId('check-all').check();
  await expect(page.getByTestId('bulk-count')).toHaveText('50 selected');
  await page.getByTestId('select-all-matching').click();
  await expect(page.getByTestId('bulk-count')).toHaveText('All 60 matching tasks are selected.');
  await shot(page, 'tasks-bulk', 'en');
  // Every matching task, the 10 not loaded included, gets the priority.
  await page.getByTestId('bulk-bar').getByRole('spinbutton').fill('3');
  await page.getByTestId('bulk-priority').click();
  await expect(page.getByRole('status')).toHaveText('60 tasks changed.');
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);
  const all = await (await page.request.get(`/api/projects/${projectId}/tasks?limit=100`)).json() as { items: { priority: number }[] };
  expect(all.items.map((i) => i.priority)).toEqual(Array(60).fill(3));

  // A filtered selection: the cats only, then clear it.
  await page.getByTestId('dm-search').fill('猫');
  await page.getByTestId('filter-apply').click();
  await expect(page.getByTestId('dm-count')).toHaveText('30 tasks match');
  await page.getByTestId('check-all').check();
  // The page holds every match: no "select all" offer needed.
  await expect(page.getByTestId('select-all-matching')).toHaveCount(0);
  await page.getByTestId(`check-${(await rows(page).first().getAttribute('data-testid'))!.replace('task-row-', '')}`).uncheck();
  await expect(page.getByTestId('bulk-count')).toHaveText('29 selected');
  await page.getByTestId('clear-selection').click();
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);

  // Delete every dog through the filter's selection; the cats stay.
  await page.getByTestId('dm-search').fill('狗');
  await page.getByTestId('filter-apply').click();
  await page.getByTestId('check-all').check();
  await page.getByTestId('bulk-delete').click();
  await expect(page.getByRole('status')).toHaveText('30 tasks changed.');
  await expect(page.getByTestId('dm-count')).toHaveText('0 tasks match');
  const left = await (await page.request.get(`/api/projects/${projectId}/tasks/count`)).json() as { count: number };
  expect(left.count).toBe(30);
});

test('data manager: image tasks show a thumbnail, audio tasks a player', async ({ page, playwright, baseURL }) => {
  const setup = await playwright.request.newContext({ baseURL });
  await apiAs(setup, ADMIN);
  const photos = await createProject(setup, { name: 'E2E thumbnails', schema: demoProject('photos').schema });
  await uploadMedia(setup, photos, [demo('photos', 'media', 'horse.png')]);
  await importJsonl(setup, photos, [{ data: { image: 'media:horse.png' } }]);
  const speech = await createProject(setup, { name: 'E2E audio preview', schema: demoProject('speech').schema });
  await uploadMedia(setup, speech, [demo('speech', 'media', 'cards-001.wav')]);
  const fields = (demoProject('speech').schema as { fields: { name: string; type: string }[] }).fields;
  await importJsonl(setup, speech, [{ data: Object.fromEntries(fields.map((f) => [f.name, f.type === 'audio' ? 'media:cards-001.wav' : 'x'])) }]);
  await setup.dispose();
  await useLang(page, 'en');
  await login(page, ADMIN);
  await page.goto(`/#/projects/${photos}/tasks`);
  const img = page.getByTestId('preview-image');
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(400);
  await expect(page.getByTestId('task-table')).toContainText('horse.png');
  await page.goto(`/#/projects/${speech}/tasks`);
  await expect(page.getByTestId('preview-audio')).toHaveAttribute('src', `/api/projects/${speech}/media/cards-001.wav`);
});
