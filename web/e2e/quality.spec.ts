import { expect, test, type APIRequestContext } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { ADMIN, ANNOTATOR, ANNOTATOR2, apiAs, createProject, demoProject, importJsonl, login, shot, useLang, type Schemas } from './helpers';

// Four emails, each labelled by both demo annotators; the last is a gold task whose answer is spam.
const TEXTS = ['Subject: WIN a FREE cruise today', 'Subject: minutes of Tuesday’s meeting', 'Subject: your invoice is attached', 'Subject: cheap watches, click here'];
const ONE = ['spam', 'ham', 'spam', 'spam']; // right on the gold task
const TWO = ['spam', 'spam', 'ham', 'ham']; // agrees only on the first, wrong on the gold task

async function answerAll(r: APIRequestContext, projectId: number, answers: string[]) {
  for (let n = 0; ; n++) {
    const next = await r.post(`/api/projects/${projectId}/queue/next`);
    if (next.status() === 204) { expect(n).toBe(TEXTS.length); return; }
    expect(next.status(), await next.text()).toBe(200);
    const item = await next.json() as Schemas['NextResponse'];
    const label = answers[TEXTS.indexOf((item.task.data as { text: string }).text)]!;
    const s = await r.post(`/api/assignments/${item.assignmentId}/submit`, {
      data: { result: { label: [label] }, leadTimeSeconds: 3 }, headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(s.ok(), await s.text()).toBeTruthy();
  }
}

/** The four emails answered by both annotators, the gold rule set; answers the project and its task ids by key. */
async function answeredByTwo(r: APIRequestContext): Promise<{ projectId: number; taskIds: Record<string, number> }> {
  await apiAs(r, ADMIN);
  const projectId = await createProject(r, { name: 'E2E quality', schema: demoProject('emails').schema, overlap: 2 });
  await importJsonl(r, projectId, TEXTS.map((text, i) => ({ key: `q${i + 1}`, data: { text }, ...(i === 3 ? { gold: { label: ['spam'] } } : {}) })));
  const rows = await (await r.get(`/api/projects/${projectId}/tasks`)).json() as Schemas['TaskPage'];
  const taskIds = Object.fromEntries(rows.items.map((row): [string, number] => [row.key ?? '', row.id]));
  await apiAs(r, ANNOTATOR);
  await answerAll(r, projectId, ONE);
  await apiAs(r, ANNOTATOR2);
  await answerAll(r, projectId, TWO);
  // The threshold is set after the answers, so the second annotator was not stopped half-way.
  await apiAs(r, ADMIN);
  const patch = await r.patch(`/api/projects/${projectId}`, { data: { quality: { goldThreshold: 0.8, goldMinimum: 1 } } });
  expect(patch.ok(), await patch.text()).toBeTruthy();
  return { projectId, taskIds };
}

test('quality tab: per-annotator gold accuracy and flag, agreement of the choices, aggregate by two methods', async ({ page, request }) => {
  const { projectId, taskIds } = await answeredByTwo(request);
  await useLang(page, 'en');
  await login(page, ADMIN);
  await page.goto(`/#/projects/${projectId}`);
  await page.getByTestId('tab-quality').click();

  await expect(page.getByTestId('gold-rule')).toContainText('below 80.0% after 1 gold tasks');
  const table = page.getByTestId('quality-annotators');
  const one = table.locator('tbody tr', { hasText: 'Annotator One' });
  const two = table.locator('tbody tr', { hasText: 'Annotator Two' });
  await expect(one.getByTestId('quality-annotations')).toHaveText('4');
  await expect(one.getByTestId('quality-gold')).toHaveText('100.0%');
  await expect(one.getByTestId('quality-status')).toHaveText('Active');
  await expect(two.getByTestId('quality-annotations')).toHaveText('4');
  await expect(two.getByTestId('quality-gold')).toHaveText('0.0%');
  await expect(two.getByTestId('quality-status')).toHaveText('Flagged: stopped');

  // Agreement: both answered all four, and agree on one.
  await expect(page.getByTestId('agreement-tasks')).toHaveText('Over 4 tasks with at least two annotations.');
  const label = page.getByTestId('agreement-label');
  await expect(label.locator('td').nth(2)).toHaveText('4');
  await expect(label.locator('td').nth(3)).toHaveText('4');
  await expect(page.getByTestId('metric-label-percentAgreement')).toHaveAttribute('data-value', '0.25');
  await expect(page.getByTestId('metric-label-percentAgreement')).toContainText('Percent agreement 0.250');
  await expect(page.getByTestId('metric-label-fleissKappa')).toBeVisible();

  // Majority vote: the agreed task is spam, the gold task keeps its gold answer, ties go to the
  // smallest label (ham).
  await page.getByTestId('aggregate-method').selectOption('mv');
  await page.getByTestId('aggregate-run').click();
  const result = page.getByTestId('aggregate-result');
  await expect(result).toHaveAttribute('data-method', 'mv');
  await expect(page.getByTestId('aggregate-items').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId(`aggregate-item-${taskIds.q1}`).getByTestId('truth')).toHaveText('spam');
  await expect(page.getByTestId(`aggregate-item-${taskIds.q2}`).getByTestId('truth')).toHaveText('ham');
  await expect(page.getByTestId(`aggregate-item-${taskIds.q4}`).getByTestId('truth')).toHaveText('spam');
  await expect(page.getByTestId('aggregate-workers').locator('tbody tr')).toHaveCount(2);
  await shot(page, 'project-quality', 'en');

  await page.getByTestId('aggregate-method').selectOption('ds');
  await page.getByTestId('aggregate-run').click();
  await expect(result).toHaveAttribute('data-method', 'ds');
  await expect(page.getByTestId('aggregate-items').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId(`aggregate-item-${taskIds.q4}`).getByTestId('truth')).toHaveText('spam');

  // The tab speaks Chinese too.
  await page.getByTestId('lang-switch').click();
  await expect(two.getByTestId('quality-status')).toHaveText('已标记：停止分配');
  await shot(page, 'project-quality', 'zh-CN');
});

test('annotators get no quality tab', async ({ page, request }) => {
  await apiAs(request, ADMIN);
  const projectId = await createProject(request, { name: 'E2E quality: annotator', schema: demoProject('emails').schema });
  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}`);
  await expect(page.getByTestId('tab-settings')).toBeVisible();
  await expect(page.getByTestId('tab-quality')).toHaveCount(0);
});
