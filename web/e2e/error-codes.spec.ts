import { expect, test, type Locator } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, importJsonl, login, shot, useLang } from './helpers';

// Issue 13: every server error is shown in the user's language from its code and params: a bad
// import file's rows and an answer the server refuses read as Chinese sentences, with where they
// are in words, never the server's English in brackets or a raw path such as /label/0 or gold.label.0.

const schema = {
  fields: [{ name: 'text', type: 'text' }],
  controls: [{ name: 'label', type: 'choices', field: 'text', options: ['pos', 'neg'], required: true }],
};

/** No English sentence of the server, no English in brackets, no JSON path. */
async function noEnglish(where: Locator) {
  const text = (await where.textContent()) ?? '';
  for (const english of [/ must /, /is not/, /invalid JSON/, /not an option/, /\([A-Za-z]/, /\/label\/0/, /gold\.label/, /data\.text/]) {
    expect(text, `${english} in “${text}”`).not.toMatch(english);
  }
}

test('a bad import file names each bad row in Chinese words (zh-CN)', async ({ page, playwright, baseURL }) => {
  const setup = await playwright.request.newContext({ baseURL });
  await apiAs(setup, ADMIN);
  const projectId = await createProject(setup, { name: 'E2E 错误代码导入', schema });
  await setup.dispose();
  await useLang(page, 'zh-CN');
  await login(page, ADMIN);
  await page.goto(`/#/projects/${projectId}/import`);
  const bad = [
    JSON.stringify({ data: { text: '第一行没有问题。' } }),
    '{ "data": { "text": "没有结束 }',
    JSON.stringify({ data: { title: '缺少 text 字段' } }),
    JSON.stringify({ data: { text: '标准答案有误' }, gold: { label: ['zz'] } }),
    JSON.stringify({ data: { text: '优先级有误' }, priority: 'high' }),
  ].join('\n') + '\n';
  await page.getByTestId('import-input').setInputFiles([{ name: '有误.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(bad) }]);
  await expect(page.getByTestId('import-error')).toHaveText('没有导入任何数据：请修改以下行后重试。');
  const table = page.getByTestId('import-row-errors');
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toContainText('第 2 行');
  await expect(rows.nth(0)).toContainText('这不是有效的 JSON。');
  await expect(rows.nth(1)).toContainText('第 3 行');
  await expect(rows.nth(1)).toContainText('缺少字段“text”。');
  await expect(rows.nth(2)).toContainText('第 4 行，标准答案，“label”，第 1 项');
  await expect(rows.nth(2)).toContainText('“zz”不是可选项。');
  await expect(rows.nth(3)).toContainText('第 5 行，优先级');
  await expect(rows.nth(3)).toContainText('优先级“high”不是整数。');
  await noEnglish(table);
  await shot(page, 'error-codes-import', 'zh-CN');
});

test('an answer the server refuses is told in Chinese words, with where it is (zh-CN)', async ({ page, playwright, baseURL }) => {
  const setup = await playwright.request.newContext({ baseURL });
  await apiAs(setup, ADMIN);
  const projectId = await createProject(setup, { name: 'E2E 错误代码提交', schema });
  await importJsonl(setup, projectId, [{ data: { text: '这条评论还不错。' } }]);
  await useLang(page, 'zh-CN');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  await page.getByTestId('choice-label-neg').click();
  await expect(page.getByTestId('choice-label-neg')).toHaveClass(/on/);
  // Meanwhile the manager renames the option (allowed: nothing is annotated yet), so the server
  // refuses the answer the page still offers.
  const changed = await setup.patch(`/api/projects/${projectId}`, {
    data: { schema: { ...schema, controls: [{ ...schema.controls[0], options: ['pos', 'negative'] }] } },
  });
  expect(changed.status(), await changed.text()).toBe(200);
  await setup.dispose();
  await page.getByTestId('submit').click();
  const banner = page.getByTestId('rejected-banner');
  await expect(banner).toContainText('未被接受：标注结果不符合项目的标签设置。');
  await expect(banner).toContainText('“label”，第 1 项：“neg”不是可选项。');
  await noEnglish(banner);
  await shot(page, 'error-codes-refused', 'zh-CN');
});
