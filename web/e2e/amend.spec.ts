import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { ADMIN, ANNOTATOR, REVIEWER, answerWithKey, apiAs, createProject, demoProject, demoTasks, importJsonl, login, shot, useLang, type Schemas } from './helpers';

// Issue 13: an annotator goes back from "My recent tasks" to an answer nobody has reviewed yet,
// corrects it in the workbench and saves; a reviewed one opens read only with the reason.

const words = {
  en: { locked: 'a reviewer has already judged it.', saved: 'Correction saved.', edit: 'Edit', view: 'View' },
  'zh-CN': { locked: '审核员已审核过。', saved: '修改已保存。', edit: '修改', view: '查看' },
} as const;

for (const lang of ['en', 'zh-CN'] as const) {
  test(`amend (${lang}): an unreviewed answer is corrected from the history; a reviewed one is read only with the reason`, async ({ page, request, playwright, baseURL }) => {
    await useLang(page, lang);
    await apiAs(request, ADMIN);
    const id = await createProject(request, {
      name: `E2E amend ${lang} ${Date.now()}`, schema: demoProject('emails').schema, review: { policy: 'all', percent: 100 },
    });
    await importJsonl(request, id, demoTasks('emails', 3));
    await login(page, ANNOTATOR);
    let submitted = 0;
    page.on('response', (r) => { if (r.url().endsWith('/submit') && r.ok()) submitted++; });
    await page.goto(`/#/projects/${id}/annotate`);

    // Two answers: spam, then ham.
    const first = await answerWithKey(page, '1');
    const second = await answerWithKey(page, '2');
    await expect.poll(() => submitted).toBe(2);

    // The reviewer judges the second answer (the older annotation comes first in the review queue).
    const reviewer = await playwright.request.newContext({ baseURL });
    await apiAs(reviewer, REVIEWER);
    const next = (await (await reviewer.post(`/api/projects/${id}/review/next`)).json()) as Schemas['ReviewItem'];
    expect(String(next.task.id)).toBe(first);
    // Let go of the first (its hold would lock it), judge the second by id.
    const taskOf = async (task: string) => {
      const d = (await (await request.get(`/api/tasks/${task}`)).json()) as Schemas['TaskDetail'];
      return d.annotations.filter((a) => a.status !== 'superseded');
    };
    const secondAnswer = (await taskOf(second))[0]!;
    expect((await reviewer.post(`/api/annotations/${secondAnswer.id}/review`, { data: { action: 'accept' } })).status()).toBe(200);
    await reviewer.dispose();

    // The first is held by the reviewer who took it: wait for nothing, it is locked "under review" now.
    await page.getByTestId('history-toggle').click();
    await expect(page.getByTestId(`history-open-${second}`)).toHaveText(words[lang].view);
    await expect(page.getByTestId(`history-open-${first}`)).toHaveText(words[lang].view);
    await shot(page, 'annotate-history-amend', lang);

    // A reviewed answer opens read only, with the reason in the reader's language.
    await page.getByTestId(`history-open-${second}`).click();
    await expect(page.getByTestId('amend')).toBeVisible();
    await expect(page.getByTestId('amend-locked')).toContainText(words[lang].locked);
    await expect(page.getByTestId('amend-save')).toHaveCount(0);
    await expect(page.getByTestId('choice-label-ham')).toHaveAttribute('aria-checked', 'true');
    await page.keyboard.press('1');
    await expect(page.getByTestId('choice-label-spam')).toHaveAttribute('aria-checked', 'false');
    await shot(page, 'amend-locked', lang);
  });
}

/** An emails project of two tasks whose first the annotator has answered "spam" (key 1) in the workbench: its id and that task's. */
async function answeredOnce(page: Page, request: APIRequestContext, name: string) {
  await useLang(page, 'en');
  await apiAs(request, ADMIN);
  const id = await createProject(request, { name: `${name} ${Date.now()}`, schema: demoProject('emails').schema });
  await importJsonl(request, id, demoTasks('emails', 2));
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  const sent = page.waitForResponse((r) => r.url().endsWith('/submit') && r.ok());
  const first = await answerWithKey(page, '1');
  await sent;
  return { id, first };
}

test('amend: the corrected answer is saved as a new version and is what the project sees', async ({ page, request }) => {
  const { id, first } = await answeredOnce(page, request, 'E2E amend save');
  const before = (await (await request.get(`/api/projects/${id}/tasks`)).json()) as Schemas['TaskPage'];

  await page.getByTestId('history-toggle').click();
  await expect(page.getByTestId(`history-open-${first}`)).toHaveText('Edit');
  await page.getByTestId(`history-open-${first}`).click();
  await expect(page.getByTestId('amend-hint')).toBeVisible();
  await expect(page.getByTestId('choice-label-spam')).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('2');
  await expect(page.getByTestId('choice-label-ham')).toHaveAttribute('aria-checked', 'true');
  await shot(page, 'amend-edit', 'en');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('amend-saved')).toContainText('Correction saved.');
  await expect(page.getByTestId('amend-save')).toHaveCount(0);
  await expect(page.getByTestId('choice-label-ham')).toHaveAttribute('aria-checked', 'true');

  // The project holds one answer for the task, the corrected one, and the task did not move.
  const detail = (await (await request.get(`/api/tasks/${first}`)).json()) as Schemas['TaskDetail'];
  const inForce = detail.annotations.filter((a) => a.status !== 'superseded');
  expect(inForce).toHaveLength(1);
  expect(inForce[0]!.result).toEqual({ label: ['ham'] });
  expect(inForce[0]!.version).toBe(2);
  const after = (await (await request.get(`/api/projects/${id}/tasks`)).json()) as Schemas['TaskPage'];
  // (The task fetched ahead went back when the workbench was left: only the amended one is compared.)
  const row = (p: Schemas['TaskPage']) => p.items.filter((t) => String(t.id) === first).map((t) => [t.state, t.annotationCount]);
  expect(row(after)).toEqual([['annotated', 1]]);
  expect(row(after)).toEqual(row(before));

  // Back to work: the history lists the corrected answer, still editable.
  await page.getByTestId('amend-back').first().click();
  await expect(page.getByTestId('workbench')).toBeVisible();
  await page.getByTestId('history-toggle').click();
  await expect(page.getByTestId(`history-${first}`)).toContainText('ham');
  await expect(page.getByTestId(`history-open-${first}`)).toHaveText('Edit');
});

test('amend: a label key pressed while the task is still loading is kept, shown as waiting, and applied once it shows', async ({ page, request }) => {
  const { first } = await answeredOnce(page, request, 'E2E amend early keys');
  await page.getByTestId('history-toggle').click();
  // The task's data comes slowly (a slow link): the page is still loading when the key is pressed.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => { release = r; });
  await page.route(`**/api/tasks/${first}`, async (route) => { await held; await route.continue(); });
  await page.getByTestId(`history-open-${first}`).click();
  await expect(page.getByTestId('amend')).toBeVisible();
  await page.keyboard.press('2');
  await expect(page.getByTestId('amend-keys-waiting')).toHaveText('1 key(s) pressed while the task loads: they apply as soon as it shows.');
  await shot(page, 'amend-keys-waiting', 'en');
  release();
  await expect(page.getByTestId('choice-label-ham')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('choice-label-spam')).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByTestId('amend-keys-waiting')).toHaveCount(0);
});
