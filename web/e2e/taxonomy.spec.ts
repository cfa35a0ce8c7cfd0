import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, importJsonl, login, shot, useLang, exportViaApi } from './helpers';

// The taxonomy control end to end: a project from the native JSON schema and one from a Label
// Studio <Taxonomy> config, a nested option picked in the browser (by mouse and by keyboard, and
// through the filter box), submitted, and exported as JSONL and CSV with the path in them. Each
// test makes its own project, so any one runs alone.

const TREE = [
  { value: 'Animal', children: [{ value: 'Mammal', children: ['Cat', 'Dog'] }, { value: 'Bird' }] },
  { value: 'Plant', children: ['Tree', 'Grass'] },
  'Other',
];

const XML = `<View>
  <Text name="text" value="$text"/>
  <Taxonomy name="topic" toName="text" leafsOnly="true" maxUsages="1">
    <Choice value="动物">
      <Choice value="哺乳动物"><Choice value="猫"/><Choice value="狗"/></Choice>
      <Choice value="鸟"/>
    </Choice>
    <Choice value="植物"><Choice value="树"/></Choice>
  </Taxonomy>
</View>`;

async function newProject(request: APIRequestContext, name: string, body: Record<string, unknown>, text: string): Promise<number> {
  await apiAs(request, ADMIN);
  const id = await createProject(request, { name, ...body });
  await importJsonl(request, id, [{ key: 't1', data: { text } }]);
  return id;
}

const node = (page: Page, path: string) => page.getByTestId(`taxonomy-node-topic-${path}`);

test('native taxonomy: a nested option picked by mouse and one by keyboard, submitted, exported as JSONL and CSV', async ({ page, playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  const projectId = await newProject(request, 'E2E taxonomy: native', {
    schema: {
      fields: [{ name: 'text', type: 'text' }],
      controls: [{ name: 'topic', type: 'taxonomy', field: 'text', multiple: true, required: true, options: TREE }],
    },
  }, 'A cat sat under a tree.');

  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  await expect(page.getByTestId('taxonomy-topic')).toContainText('Nothing chosen yet');

  // Mouse: open Animal, then Mammal, then choose Cat.
  await node(page, 'Animal').locator('.tax-twisty').click();
  await node(page, 'Animal/Mammal').locator('.tax-twisty').click();
  await node(page, 'Animal/Mammal/Cat').locator('.tax-label').click();
  await expect(node(page, 'Animal/Mammal/Cat')).toHaveAttribute('aria-selected', 'true');

  // Keyboard: from Cat, ↓ Dog ↓ Bird ↓ Plant, → opens it, → goes to Tree, Enter chooses it.
  await node(page, 'Animal/Mammal/Cat').focus();
  for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowRight', 'Enter']) await page.keyboard.press(key);
  await expect(node(page, 'Plant/Tree')).toBeFocused();
  await expect(node(page, 'Plant/Tree')).toHaveAttribute('aria-selected', 'true');

  const chips = page.getByTestId('taxonomy-chip-topic');
  await expect(chips).toHaveText(['Animal / Mammal / Cat×', 'Plant / Tree×']);
  // A chip's × removes its path; choosing it again puts it back.
  await page.getByRole('button', { name: 'Remove Plant / Tree' }).click();
  await expect(chips).toHaveCount(1);
  await node(page, 'Plant/Tree').locator('.tax-label').click();
  await expect(chips).toHaveCount(2);
  await shot(page, 'taxonomy', 'en');

  await page.getByTestId('submit').click();
  await expect(page.getByTestId('taxonomy-topic')).toHaveCount(0);

  const jsonl = (await exportViaApi(request, projectId, 'jsonl')).trim().split('\n').map((l) => JSON.parse(l) as {
    annotations: { result: { topic: string[][] } }[];
  });
  expect(jsonl[0]!.annotations[0]!.result.topic).toEqual([['Animal', 'Mammal', 'Cat'], ['Plant', 'Tree']]);
  const csv = await exportViaApi(request, projectId, 'csv');
  expect(csv.split('\r\n')[0]).toBe('\uFEFFid,key,text,annotator,topic');
  expect(csv).toContain(',Animal / Mammal / Cat|Plant / Tree\r\n');
  await request.dispose();
});

test('Label Studio <Taxonomy>: leaves only, picked through the filter box in Chinese, exported as CSV', async ({ page, playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  const projectId = await newProject(request, 'E2E taxonomy: Label Studio', { labelStudioXml: XML }, '树下有一只猫。');

  await useLang(page, 'zh-CN');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  await expect(page.getByTestId('taxonomy-topic')).toContainText('尚未选择');

  // leafsOnly: an inner option only opens and closes.
  await node(page, '动物').locator('.tax-label').click();
  await expect(node(page, '动物')).toHaveAttribute('aria-expanded', 'true');
  await expect(node(page, '动物')).toHaveAttribute('aria-selected', 'false');

  // The filter shows the match with its ancestors; ↓ from the box walks into the tree.
  await page.getByTestId('taxonomy-filter-topic').fill('猫');
  await expect(page.locator('[data-testid^="taxonomy-node-topic-"]')).toHaveCount(3);
  await page.getByTestId('taxonomy-filter-topic').press('ArrowDown');
  await expect(node(page, '动物')).toBeFocused();
  for (const key of ['ArrowDown', 'ArrowDown', 'Space']) await page.keyboard.press(key);
  await expect(page.getByTestId('taxonomy-chip-topic')).toHaveText(['动物 / 哺乳动物 / 猫×']);
  await page.getByTestId('taxonomy-filter-topic').fill('鲸');
  await expect(page.getByTestId('taxonomy-topic')).toContainText('没有与“鲸”匹配的选项');
  await page.getByTestId('taxonomy-filter-topic').fill('');
  // Without the filter, the chosen leaf stays in sight.
  await expect(node(page, '动物/哺乳动物/猫')).toHaveAttribute('aria-selected', 'true');
  await shot(page, 'taxonomy', 'zh-CN');

  await page.getByTestId('submit').click();
  await expect(page.getByTestId('taxonomy-topic')).toHaveCount(0);

  const csv = await exportViaApi(request, projectId, 'csv');
  expect(csv).toContain(',动物 / 哺乳动物 / 猫\r\n');
  await request.dispose();
});

test('a taxonomy typed into the new-project JSON editor shows in the preview without taking the caret', async ({ page }) => {
  await useLang(page, 'en');
  await login(page, ADMIN);
  await page.goto('/#/');
  await page.getByTestId('new-project').click();
  await page.getByTestId('schema-tab-json').click();
  const editor = page.getByTestId('schema-json');
  await editor.fill(JSON.stringify({
    fields: [{ name: 'text', type: 'text' }],
    controls: [{ name: 'topic', type: 'taxonomy', field: 'text', options: TREE }],
  }, null, 2));
  await expect(page.getByTestId('schema-preview').getByTestId('taxonomy-topic')).toBeVisible();
  // Renaming the control re-creates the preview's tree; typing goes on in the editor.
  await editor.press('End');
  await page.keyboard.type(' ');
  await expect(editor).toBeFocused();
  await editor.fill((await editor.inputValue()).replace('"topic"', '"topics"'));
  await expect(page.getByTestId('schema-preview').getByTestId('taxonomy-topics')).toBeVisible();
  await expect(editor).toBeFocused();
});
