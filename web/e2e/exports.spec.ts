import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { ADMIN, createProject, importJsonl, login, nextTask, shot, useLang, type Lang } from './helpers';

// The export tab's history (issue 13): each job with readable format, state, size and who asked,
// and downloads named after the project and the day, Chinese names included.

const FORMAT: Record<Lang, { jsonl: string; csv: string; done: string }> = {
  en: { jsonl: 'JSON Lines (all annotations)', csv: 'CSV (spreadsheet)', done: 'done' },
  'zh-CN': { jsonl: 'JSON Lines（全部标注）', csv: 'CSV（表格）', done: '已完成' },
};

async function annotated(page: Page, name: string): Promise<number> {
  const id = await createProject(page.request, { name, schema: { fields: [{ name: 'text', type: 'text' }], controls: [{ name: 'c', type: 'choices', field: 'text', options: ['a', 'b'] }] } });
  await importJsonl(page.request, id, [{ data: { text: '一' } }, { data: { text: '二' } }]);
  const lease = await nextTask(page.request, id);
  const r = await page.request.post(`/api/assignments/${lease.assignmentId}/submit`, { data: { result: { c: ['a'] }, leadTimeSeconds: 2 }, headers: { 'Idempotency-Key': `exp-${id}` } });
  expect(r.status()).toBe(200);
  return id;
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`export history with readable formats, sizes, requester and named downloads (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, ADMIN);
    const name = lang === 'en' ? 'E2E street view' : 'E2E 街景 标注';
    const id = await annotated(page, name);
    await page.goto(`/#/projects/${id}/export`);
    await expect(page.getByTestId('export-jobs-empty')).toBeVisible();
    await expect(page.getByTestId('export-format').locator('option[value=jsonl]')).toHaveText(FORMAT[lang].jsonl);

    await page.getByTestId('export-start').click();
    await expect(page.getByTestId('export-download')).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('export-format').selectOption('csv');
    await page.getByTestId('export-start').click();
    await expect(page.getByTestId('export-job')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });

    const rows = page.getByTestId('export-jobs').locator('tbody tr');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText(FORMAT[lang].csv);
    await expect(rows.nth(1)).toContainText(FORMAT[lang].jsonl);
    await expect(rows.nth(1)).toHaveAttribute('data-status', 'done');
    await expect(rows.nth(1)).toContainText(FORMAT[lang].done);
    await expect(rows.nth(1).getByTestId('export-job-size')).toHaveText(/^\d+(\.\d)? (B|KB)$/);
    await expect(rows.nth(1)).toContainText('Admin');
    await shot(page, 'project-export-history', lang);

    const day = new Date().toISOString().slice(0, 10);
    const stem = name.replace(/\s+/g, '-');
    const [download] = await Promise.all([page.waitForEvent('download'), rows.nth(1).getByTestId('export-job-download').click()]);
    expect(download.suggestedFilename()).toBe(`${stem}-${day}-jsonl.jsonl`);
    expect(readFileSync(await download.path(), 'utf8')).toContain('"c":["a"]');
    // The header alone (no download attribute) names it too: filename* carries the UTF-8 name.
    const head = await page.request.get(`/api/exports/${(await (await page.request.get(`/api/projects/${id}/exports`)).json() as { id: number }[])[0]!.id}/download`);
    expect(head.headers()['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`${stem}-${day}-csv.csv`)}`);
  });
}
