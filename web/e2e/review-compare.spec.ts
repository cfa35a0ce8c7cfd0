import { expect, test, type APIRequestContext } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import {
  ADMIN, ANNOTATOR, ANNOTATOR2, apiAs, createProject, demoProject, demoTasks, login, importJsonl, REVIEWER, shot, useLang, type Lang,
} from './helpers';

/** `email` answers every task it is handed with `option`, by API. */
async function answerAll(request: APIRequestContext, email: string, project: number, option: string) {
  await apiAs(request, email);
  for (;;) {
    const r = await request.post(`/api/projects/${project}/queue/next`);
    if (r.status() === 204) return;
    expect(r.status(), await r.text()).toBe(200);
    const item = await r.json() as { assignmentId: number };
    const s = await request.post(`/api/assignments/${item.assignmentId}/submit`, {
      data: { result: { label: [option] }, leadTimeSeconds: 3 }, headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(s.ok(), await s.text()).toBeTruthy();
  }
}

for (const lang of ['en', 'zh-CN'] as Lang[]) {
  test(`review (${lang}): the task's two annotations side by side, the difference marked, the inferred answer; then a next step`, async ({ page, request }) => {
    await apiAs(request, ADMIN);
    const projectId = await createProject(request, {
      name: `E2E review compare ${lang} ${Date.now()}`, schema: demoProject('emails').schema, overlap: 2, review: { policy: 'all', percent: 0 },
    });
    await importJsonl(request, projectId, demoTasks('emails', 1));
    await answerAll(request, ANNOTATOR, projectId, 'ham');
    await answerAll(request, ANNOTATOR2, projectId, 'spam');

    await useLang(page, lang);
    await login(page, REVIEWER);
    await page.goto(`/#/projects/${projectId}/review`);
    const compare = page.getByTestId('review-compare');
    await expect(compare).toBeVisible();
    await expect(compare.locator('thead th')).toHaveCount(3);
    // The first column is the annotation under review; the other's "label" cell differs and is marked.
    const cells = compare.locator('tbody tr').filter({ hasText: 'label' }).locator('td');
    await expect(cells).toHaveCount(2);
    await expect(cells.nth(0)).toHaveAttribute('data-differs', 'false');
    await expect(cells.nth(1)).toHaveAttribute('data-differs', 'true');
    await expect(cells.nth(1)).toHaveClass(/diff/);
    const shown = [await cells.nth(0).textContent(), await cells.nth(1).textContent()].sort();
    expect(shown).toEqual(['ham', 'spam']);
    await expect(page.getByTestId('review-inferred')).toContainText(/ham|spam/);
    await expect(page.getByTestId('review-inferred')).toContainText(lang === 'en' ? 'Inferred answer' : '推断答案');
    await expect(page).toHaveTitle(lang === 'en' ? /^Review · E2E review compare/ : /^审核 · E2E review compare/);
    await shot(page, 'review-compare', lang);

    // Both answers reviewed: the page says what to do next.
    const first = (await page.getByTestId('task-id').textContent())!;
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('task-id')).not.toHaveText(first); // the other annotator's answer of the same task
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('review-empty')).toBeVisible();
    await expect(page.getByTestId('review-compare')).toHaveCount(0);
    await expect(page.getByTestId('review-empty-annotate')).toHaveCount(0); // the demo reviewer does not annotate
    await shot(page, 'review-empty', lang);
    await page.getByTestId('review-empty-project').click();
    await expect(page).toHaveURL(new RegExp(`#/projects/${projectId}$`));
  });
}
