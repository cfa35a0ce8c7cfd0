import { expect, test } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, importJsonl, login, shot, useLang, exportViaApi } from './helpers';

// Label Studio's gallery configs with options from the task data (issue 17): each task shows its
// own options after the config's; a task whose data lacks them is refused at import, naming the key;
// a result with another task's option is refused at submit. Table: a key/value table.

const SERP = `<View>
  <Text name="text" value="$text"/>
  <Choices name="dynamic_choices" toName="text" value="$options" choice="multiple"><Choice value="None of these"/></Choices>
  <Rating name="relevance" toName="text"/>
</View>`;

test('Choices value="$options": each task shows its own options, submitted and exported; data without them refused at import', async ({ page, playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  await apiAs(request, ADMIN);
  const projectId = await createProject(request, { name: 'E2E options from the data', labelStudioXml: SERP });
  await importJsonl(request, projectId, [
    { key: 't1', data: { text: 'Which is the biggest black hole?', options: [{ value: 'Wikipedia page', html: '<b>W</b>' }, { value: 'People also ask', children: [{ value: 'Which is bigger?' }] }] } },
  ]);

  // Data without the options is refused at import, at the key.
  const bad = await request.post(`/api/projects/${projectId}/imports?format=jsonl`, {
    data: JSON.stringify({ key: 't2', data: { text: 'q', options: 'one' } }) + '\n', headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(await bad.text()).toContain('data.options_invalid');

  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  await expect(page.getByTestId('control-dynamic_choices').getByRole('checkbox')).toHaveText(['1 None of these', '2 Wikipedia page', '3 People also ask', '4 Which is bigger?']);
  await shot(page, 'data-options', 'en');

  await page.getByTestId('choice-dynamic_choices-Which is bigger?').click();
  await page.getByTestId('choice-dynamic_choices-Wikipedia page').click();
  await page.getByTestId('submit').click();
  await expect(page.getByTestId('control-dynamic_choices')).toHaveCount(0);

  const line = JSON.parse((await exportViaApi(request, projectId, 'jsonl')).trim()) as { annotations: { result: Record<string, unknown> }[] };
  expect(line.annotations[0]!.result.dynamic_choices).toEqual(['Which is bigger?', 'Wikipedia page']);
  await request.dispose();
});

test('Table: a key/value table beside the choices', async ({ page, playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  await apiAs(request, ADMIN);
  const projectId = await createProject(request, {
    name: 'E2E table',
    labelStudioXml: '<View><Table name="table" value="$item"/><Choices name="choice" toName="table"><Choice value="Correct"/><Choice value="Incorrect"/></Choices></View>',
  });
  await importJsonl(request, projectId, [{ key: 't1', data: { item: { name: 'Ann', age: 31 } } }]);
  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  await expect(page.getByTestId('json-item').locator('tr')).toHaveText(['nameAnn', 'age31']);
  await shot(page, 'table', 'en');
  await request.dispose();
});
