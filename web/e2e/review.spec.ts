import { expect, test, type APIRequestContext } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import {
  ADMIN, ANNOTATOR, apiAs, createProject, demoProject, demoTasks, importJsonl, login, REVIEWER, shot, useLang, type Schemas,
} from './helpers';

const COMMENT = '这是一封推广邮件，应选 spam（不是 ham）。';

/** The annotator answers every task by API: the review is what these tests are about. */
async function annotateAll(request: APIRequestContext, project: number, option: string) {
  for (;;) {
    const r = await request.post(`/api/projects/${project}/queue/next`);
    if (r.status() === 204) return;
    expect(r.status(), await r.text()).toBe(200);
    const item = await r.json() as Schemas['NextResponse'];
    const s = await request.post(`/api/assignments/${item.assignmentId}/submit`, {
      data: { result: { label: [option] }, leadTimeSeconds: 3 }, headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(s.ok(), await s.text()).toBeTruthy();
  }
}

/** A project reviewed in full, `count` emails the annotator has answered "ham"; the API session ends as the annotator's. */
async function answered(request: APIRequestContext, name: string, count: number): Promise<number> {
  await apiAs(request, ADMIN);
  const projectId = await createProject(request, { name, schema: demoProject('emails').schema, review: { policy: 'all', percent: 0 } });
  await importJsonl(request, projectId, demoTasks('emails', count));
  await apiAs(request, ANNOTATOR);
  await annotateAll(request, projectId, 'ham');
  return projectId;
}

const taskOnScreen = async (page: import('@playwright/test').Page) => /#(\d+)/.exec((await page.getByTestId('task-id').textContent())!)![1]!;

test('reviewer accepts one, rejects one with a comment, fixes one in place', async ({ page, request }) => {
  const projectId = await answered(request, 'E2E review', 3);
  const acted: { accepted?: string; rejected?: string; fixed?: string } = {};
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

  const task = async (id: string) => (await (await page.request.get(`/api/tasks/${id}`)).json()) as Schemas['TaskDetail'];
  expect((await task(acted.accepted)).state).toBe('accepted');
  expect((await task(acted.rejected)).state).toBe('rejected');
  const fixed = await task(acted.fixed);
  expect(fixed.annotations.some((a) => (a.result as { label: string[] }).label[0] === 'spam')).toBeTruthy();
});

test('the annotator gets the rejected task back with the reviewer’s comment', async ({ page, request }) => {
  const projectId = await answered(request, 'E2E review: rejected', 1);
  // The reviewer rejects it through the API: the reviewer's page is the test above.
  await apiAs(request, REVIEWER);
  const next = await request.post(`/api/projects/${projectId}/review/next`);
  expect(next.status(), await next.text()).toBe(200);
  const item = await next.json() as Schemas['ReviewItem'];
  const r = await request.post(`/api/annotations/${item.annotationId}/review`, { data: { action: 'reject', comment: COMMENT } });
  expect(r.ok(), await r.text()).toBeTruthy();
  await useLang(page, 'zh-CN');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  await expect(page.getByTestId('task-id')).toHaveText(`#${item.task.id}`);
  await expect(page.getByTestId('review-comment')).toContainText(COMMENT);
  await expect(page.getByTestId('review-comment')).toContainText('审核意见');
  await shot(page, 'annotate-rejected', 'zh-CN');
  await page.keyboard.press('1');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('queue-empty')).toBeVisible();
});
