import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { ADMIN, ANNOTATOR, apiAs, createProject, demoProject, demoTasks, importJsonl, login, useLang } from './helpers';

let projectId = '';
test.beforeAll(async ({ playwright, baseURL }) => {
  const r = await playwright.request.newContext({ baseURL });
  await apiAs(r, ADMIN);
  projectId = await createProject(r, { name: 'E2E task table', schema: demoProject('emails').schema });
  await importJsonl(r, projectId, demoTasks('emails', 5));
  // One task answered, so there is something to filter for.
  await apiAs(r, ANNOTATOR);
  const item = await (await r.post(`/api/projects/${projectId}/queue/next`)).json() as { assignmentId: string };
  const s = await r.post(`/api/assignments/${item.assignmentId}/submit`, {
    data: { result: { label: ['spam'] }, leadTimeSeconds: 2 }, headers: { 'Idempotency-Key': randomUUID() },
  });
  expect(s.ok(), await s.text()).toBeTruthy();
  await r.dispose();
});

test('task table: filter by state, open a task, set priority and delete in bulk', async ({ page }) => {
  await useLang(page, 'en');
  await login(page, ADMIN);
  page.on('dialog', (d) => void d.accept());
  await page.goto(`/#/projects/${projectId}/tasks`);
  const rows = page.getByTestId('task-table').locator('tbody tr');
  await expect(rows).toHaveCount(5);

  await page.getByTestId('filter-state').selectOption('annotated');
  await page.getByTestId('filter-apply').click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Annotated');
  // The annotator filter lists the organisation's people; the one who answered matches, another does not.
  await page.getByTestId('filter-annotator').selectOption({ label: '标注员一 Annotator One <annotator1@demo.yunzhong>' });
  await page.getByTestId('filter-apply').click();
  await expect(rows).toHaveCount(1);
  await page.getByTestId('filter-annotator').selectOption({ label: '标注员二 Annotator Two <annotator2@demo.yunzhong>' });
  await page.getByTestId('filter-apply').click();
  await expect(rows).toHaveCount(0);
  await page.getByTestId('filter-annotator').selectOption({ label: '标注员一 Annotator One <annotator1@demo.yunzhong>' });
  await page.getByTestId('filter-apply').click();
  await expect(rows).toHaveCount(1);
  await rows.first().locator('[data-testid^="open-"]').click();
  await expect(page.getByTestId('task-drawer')).toContainText('spam');
  await page.getByTestId('drawer-close').click();

  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(rows).toHaveCount(5);
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')!.replace('task-row-', '')));
  await page.getByTestId(`check-${ids[3]}`).check();
  await page.getByTestId(`check-${ids[4]}`).check();
  await page.getByTestId('bulk-bar').getByRole('spinbutton').fill('7');
  await page.getByTestId('bulk-priority').click();
  await expect(page.getByTestId(`task-row-${ids[3]}`).locator('td').nth(3)).toHaveText('7');
  await expect(page.getByTestId(`task-row-${ids[4]}`).locator('td').nth(3)).toHaveText('7');
  await expect(page.getByTestId(`task-row-${ids[2]}`).locator('td').nth(3)).toHaveText('0');

  await page.getByTestId(`check-${ids[0]}`).check();
  await page.getByTestId('bulk-delete').click();
  await expect(page.getByTestId(`task-row-${ids[0]}`)).toHaveCount(0);
  const left = await (await page.request.get(`/api/projects/${projectId}/tasks`)).json() as { items: { id: number | string }[] };
  expect(left.items.map((x) => String(x.id)).sort()).toEqual(ids.slice(1).sort());
});
