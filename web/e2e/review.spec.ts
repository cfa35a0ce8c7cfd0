import { expect, test, type APIRequestContext } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { ADMIN, ANNOTATOR, apiAs, createProject, demoProject, demoTasks, importJsonl, login, REVIEWER, shot, useLang } from './helpers';

test.describe.configure({ mode: 'serial' });

let projectId = '';
const COMMENT = '这是一封推广邮件，应选 spam（不是 ham）。';
const acted: { accepted?: string; rejected?: string; fixed?: string } = {};

/** The annotator answers every task by API: the review is what these tests are about. */
async function annotateAll(request: APIRequestContext, project: string, option: string) {
  for (;;) {
    const r = await request.post(`/api/projects/${project}/queue/next`);
    if (r.status() === 204) return;
    expect(r.status(), await r.text()).toBe(200);
    const item = await r.json() as { assignmentId: string | number };
    const s = await request.post(`/api/assignments/${item.assignmentId}/submit`, {
      data: { result: { label: [option] }, leadTimeSeconds: 3 }, headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(s.ok(), await s.text()).toBeTruthy();
  }
}

test.beforeAll(async ({ playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  await apiAs(admin, ADMIN);
  projectId = await createProject(admin, { name: 'E2E review', schema: demoProject('emails').schema, review: { policy: 'all' } });
  await importJsonl(admin, projectId, demoTasks('emails', 3));
  await admin.dispose();
  const annotator = await playwright.request.newContext({ baseURL });
  await apiAs(annotator, ANNOTATOR);
  await annotateAll(annotator, projectId, 'ham');
  await annotator.dispose();
});

const taskOnScreen = async (page: import('@playwright/test').Page) => /#(\d+)/.exec((await page.getByTestId('task-id').textContent())!)![1]!;

test('reviewer accepts one, rejects one with a comment, fixes one in place', async ({ page }) => {
  await useLang(page, 'en');
  await login(page, REVIEWER);
  await page.goto(`/#/projects/${projectId}/review`);
  await expect(page.getByTestId('review')).toBeVisible();
  // Read-only until "Edit": the annotator's answer is shown, the choices cannot be changed.
  await expect(page.getByTestId('choice-label-ham')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('choice-label-spam')).toBeDisabled();
  await expect(page.getByTestId('task-id')).toContainText('Annotator One');
  await shot(page, 'review', 'en');

  acted.accepted = await taskOnScreen(page);
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('task-id')).not.toContainText(`#${acted.accepted} `);

  acted.rejected = await taskOnScreen(page);
  await page.getByTestId('review-reject').click();
  await expect(page.getByTestId('review-error')).toBeVisible(); // a rejection needs a comment
  await expect(page.getByTestId('task-id')).toContainText(`#${acted.rejected} `);
  await page.getByTestId('review-comment').fill(COMMENT);
  await page.getByTestId('review-reject').click();
  await expect(page.getByTestId('task-id')).not.toContainText(`#${acted.rejected} `);

  acted.fixed = await taskOnScreen(page);
  await page.getByTestId('review-edit').click();
  await page.getByTestId('choice-label-spam').click();
  await expect(page.getByTestId('choice-label-spam')).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('review-fix').click();
  await expect(page.getByTestId('review-empty')).toBeVisible();

  const task = async (id: string) => (await (await page.request.get(`/api/tasks/${id}`)).json()) as {
    state: string; annotations: { result: { label: string[] } }[];
  };
  expect((await task(acted.accepted)).state).toBe('accepted');
  expect((await task(acted.rejected)).state).toBe('rejected');
  const fixed = await task(acted.fixed);
  expect(fixed.annotations.some((a) => a.result.label[0] === 'spam')).toBeTruthy();
});

test('the annotator gets the rejected task back with the reviewer’s comment', async ({ page }) => {
  await useLang(page, 'zh-CN');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  await expect(page.getByTestId('task-id')).toHaveText(`#${acted.rejected}`);
  await expect(page.getByTestId('review-comment')).toContainText(COMMENT);
  await expect(page.getByTestId('review-comment')).toContainText('审核意见');
  await shot(page, 'annotate-rejected', 'zh-CN');
  await page.keyboard.press('1');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('queue-empty')).toBeVisible();
});
