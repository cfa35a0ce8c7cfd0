import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, importJsonl, login, shot, useLang, type Lang, type Schemas } from './helpers';

// Going offline in the workbench: the annotator keeps working, sees plainly what waits to be sent,
// and once the connection is back every submission arrives exactly once.

const SCHEMA = {
  fields: [{ name: 'text', type: 'text' }],
  controls: [{ name: 'sentiment', type: 'choices', field: 'text', options: ['pos', 'neg'], required: true }],
};

async function project(request: APIRequestContext, name: string): Promise<number> {
  await apiAs(request, ADMIN);
  const id = await createProject(request, { name, schema: SCHEMA });
  await importJsonl(request, id, [1, 2, 3, 4].map((i) => ({ key: `t${i}`, data: { text: `第 ${i} 条：服务很好` } })));
  return id;
}

async function stats(request: APIRequestContext, id: number): Promise<Schemas['ProjectStats']> {
  await apiAs(request, ADMIN);
  return await (await request.get(`/api/projects/${id}/stats`)).json() as Schemas['ProjectStats'];
}

async function openWorkbench(page: Page, id: number) {
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  await expect(page.getByTestId('task-id')).toBeVisible();
  // The task fetched ahead is leased too before the connection goes.
  await page.waitForLoadState('networkidle');
}

for (const lang of ['en', 'zh-CN'] as Lang[]) {
  test(`offline (${lang}): two submissions wait with a count, the next task comes meanwhile, both arrive once back`, async ({ page, context, request }) => {
    await useLang(page, lang);
    const id = await project(request, `E2E offline ${lang}`);
    await openWorkbench(page, id);
    const first = await page.getByTestId('task-id').textContent();

    await context.setOffline(true);
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await expect(page.getByTestId('offline-banner')).toContainText(lang === 'en' ? 'You are offline' : '您已离线');

    // First submission: the task fetched ahead comes up at once.
    await page.getByTestId('choice-sentiment-pos').click();
    await page.getByTestId('submit').click();
    await expect(page.getByTestId('task-id')).not.toHaveText(first!);
    await expect(page.getByTestId('pending-count')).toHaveText(lang === 'en' ? '1 submissions waiting to be sent' : '有 1 份提交等待发送');

    // Second: nothing more was fetched ahead, so the page waits for the connection rather than
    // leaving the submitted task open to edits.
    await page.getByTestId('choice-sentiment-neg').click();
    await page.getByTestId('submit').click();
    await expect(page.getByTestId('offline-waiting')).toBeVisible();
    await expect(page.getByTestId('pending-count')).toHaveText(lang === 'en' ? '2 submissions waiting to be sent' : '有 2 份提交等待发送');
    await shot(page, 'workbench-offline', lang);
    expect((await stats(request, id)).states.annotated).toBe(0);

    await context.setOffline(false);
    await expect(page.getByTestId('offline-banner')).toBeHidden();
    // Both arrive, and the next task loads.
    await expect(page.getByTestId('task-id')).toBeVisible();
    await expect.poll(async () => (await stats(request, id)).states.annotated).toBe(2);
    await expect.poll(() => page.evaluate(() => localStorage.getItem('yz.outbox'))).toBeNull();
    // Exactly once: two annotations by the annotator, no more, after the page has had time to retry.
    await page.waitForLoadState('networkidle');
    const s = await stats(request, id);
    expect(s.perAnnotator.map((a) => a.annotations)).toEqual([2]);
    expect(s.states.annotated).toBe(2);
    await expect(page.getByTestId('rejected-banner')).toHaveCount(0);
    await expect(page.getByTestId('edited-after-submit')).toHaveCount(0);
  });
}

test('edits made after a submission are kept and the annotator is told, in both languages', async ({ page, context, request }) => {
  await useLang(page, 'zh-CN');
  const id = await project(request, 'E2E offline edits');
  await openWorkbench(page, id);
  // One task submitted offline, then a second submission of the same lease with a different answer
  // (edits made after the first submit, as from a second tab): the first arrives, the second is
  // refused as already submitted, and its edits are kept and shown rather than dropped.
  await context.setOffline(true);
  await page.getByTestId('choice-sentiment-pos').click();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('pending-count')).toBeVisible();
  const entries = await page.evaluate(() => JSON.parse(localStorage.getItem('yz.outbox') ?? '[]') as { key: string; assignmentId: number; taskId: number; result: unknown }[]);
  expect(entries).toHaveLength(1);
  await page.evaluate((e) => {
    const edited = { ...e, key: `${e.key}-edited`, result: { sentiment: ['neg'] }, attempts: 0 };
    const box = JSON.parse(localStorage.getItem('yz.outbox') ?? '[]') as unknown[];
    localStorage.setItem('yz.outbox', JSON.stringify([...box, edited]));
  }, entries[0]!);
  await context.setOffline(false);
  const kept = page.getByTestId('edited-after-submit');
  await expect(kept).toBeVisible();
  await expect(kept).toContainText(`任务 #${entries[0]!.taskId} 此前已经提交`);
  await shot(page, 'workbench-edited-after-submit', 'zh-CN');
  // Kept until discarded, and the first answer is the one the server holds.
  await page.reload();
  await expect(page.getByTestId('edited-after-submit')).toBeVisible();
  await page.evaluate(() => localStorage.setItem('yz.lang', 'en'));
  await page.reload();
  await expect(page.getByTestId('edited-after-submit')).toContainText('had already been submitted');
  await page.getByTestId('edited-after-submit').getByRole('button').click();
  await expect(page.getByTestId('edited-after-submit')).toHaveCount(0);
  expect((await stats(request, id)).states.annotated).toBe(1);
});
