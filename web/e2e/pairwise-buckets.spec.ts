import { expect, test, type APIRequestContext } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, importJsonl, login, shot, useLang, exportViaApi } from './helpers';

// Two of Label Studio's gallery configs that map since the ranking kind learnt them, end to end:
// <Pairwise toName="answer1,answer2"> (the two answers side by side, one picked by mouse and by
// keyboard) and <Ranker> with <Bucket>s (items dragged and sent by keyboard into buckets). Each is
// submitted and exported in Label Studio's JSON as Label Studio writes it. Each test makes its own
// project, so any one runs alone.

const PAIRWISE = `<View className="root">
  <View className="prompt"><Text name="prompt" value="$prompt" /></View>
  <View className="answers">
    <Pairwise name="comparison" toName="answer1,answer2" />
    <View className="answer-box"><Text name="answer1" value="$answer1" /></View>
    <View className="answer-box"><Text name="answer2" value="$answer2" /></View>
  </View>
</View>`;

const RANKER = `<View>
  <Text name="prompt" value="$prompt"/>
  <List name="answers" value="$items" title="All Results" />
  <Ranker name="rank" toName="answers">
    <Bucket name="relevant_results" title="相关结果" />
    <Bucket name="biased_results" title="有偏结果" />
  </Ranker>
</View>`;

async function newProject(request: APIRequestContext, name: string, xml: string, data: Record<string, unknown>): Promise<number> {
  await apiAs(request, ADMIN);
  const id = await createProject(request, { name, labelStudioXml: xml });
  await importJsonl(request, id, [{ key: 't1', data }]);
  return id;
}

/** Runs a Label Studio export job by API and answers the first task's first annotation's result items. */
async function labelStudioResult(request: APIRequestContext, projectId: number): Promise<Record<string, unknown>[]> {
  const tasks = JSON.parse(await exportViaApi(request, projectId, 'labelstudio')) as { annotations: { result: Record<string, unknown>[] }[] }[];
  return tasks[0]!.annotations[0]!.result;
}

test('Label Studio <Pairwise> between two answers: side by side, picked by mouse and keyboard, exported as Label Studio writes it', async ({ page, playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  const projectId = await newProject(request, 'E2E pairwise: two answers', PAIRWISE, {
    prompt: 'Explain recursion in one sentence.',
    answer1: 'Recursion is when a function calls itself on a smaller part of the problem until it reaches a base case.',
    answer2: 'Recursion means doing something again.',
  });

  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  const left = page.getByTestId('pair-comparison-a');
  const right = page.getByTestId('pair-comparison-b');
  await expect(left).toContainText('calls itself');
  await expect(right).toContainText('doing something again');
  // The two answers sit side by side, left first.
  const [l, r] = [await left.boundingBox(), await right.boundingBox()];
  expect(l!.x + l!.width).toBeLessThanOrEqual(r!.x);
  expect(Math.abs(l!.y - r!.y)).toBeLessThan(4);

  await right.click();
  await expect(right).toHaveAttribute('aria-pressed', 'true');
  // Keyboard: ← picks the left answer, 3 a tie, 1 the left again.
  await page.keyboard.press('ArrowLeft');
  await expect(left).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('3');
  await expect(page.getByTestId('pair-comparison-tie')).toHaveClass(/on/);
  await page.keyboard.press('1');
  await expect(left).toHaveAttribute('aria-pressed', 'true');
  await shot(page, 'pairwise-fields', 'en');
  // The same view in Chinese, switched in place (the answer stays).
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('control-comparison')).toContainText('选出更好的一个');
  await expect(left).toContainText('左');
  await expect(left).toHaveAttribute('aria-pressed', 'true');
  await shot(page, 'pairwise-fields', 'zh-CN');

  await page.getByTestId('submit').click();
  await expect(left).toHaveCount(0);

  const items = await labelStudioResult(request, projectId);
  expect(items).toEqual([expect.objectContaining({
    from_name: 'comparison', to_name: 'comparison', type: 'pairwise', value: { selected: 'left' },
  })]);
  await request.dispose();
});

test('Label Studio <Ranker> with buckets: items dragged and sent by keyboard into buckets, in Chinese, exported as Label Studio writes it', async ({ page, playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  const projectId = await newProject(request, 'E2E ranker buckets', RANKER, {
    prompt: '北京的天气',
    items: [
      { id: 'r1', text: '北京今日晴，最高气温 12 度。' },
      { id: 'r2', text: '北京是全国最好的城市，天气永远完美。' },
      { id: 'r3', text: '北京未来三天有小雨。' },
    ],
  });

  await useLang(page, 'zh-CN');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  const unsorted = page.getByTestId('bucket-rank-_');
  const relevant = page.getByTestId('bucket-rank-relevant_results');
  const biased = page.getByTestId('bucket-rank-biased_results');
  await expect(unsorted).toContainText('未分组');
  await expect(relevant).toContainText('相关结果');
  await expect(unsorted.getByTestId(/^bucket-item-/)).toHaveCount(3);

  // Mouse: drag r3 into the relevant bucket.
  await page.getByTestId('bucket-item-r3').dragTo(relevant);
  await expect(relevant.getByTestId('bucket-item-r3')).toBeVisible();
  // Keyboard: r1 with 1 into the relevant bucket, r2 with 2 into the biased one, then Alt+↑ puts r1 first.
  await page.getByTestId('bucket-item-r1').focus();
  await page.keyboard.press('1');
  await expect(relevant.getByTestId('bucket-item-r1')).toBeFocused();
  await page.getByTestId('bucket-item-r2').focus();
  await page.keyboard.press('2');
  await expect(biased.getByTestId('bucket-item-r2')).toBeVisible();
  await relevant.getByTestId('bucket-item-r1').focus();
  await page.keyboard.press('Alt+ArrowUp');
  await expect(relevant.getByTestId(/^bucket-item-/)).toHaveText([/12 度/, /小雨/]);
  await expect(unsorted.getByTestId(/^bucket-item-/)).toHaveCount(0);
  await shot(page, 'ranker-buckets', 'zh-CN');
  await page.getByTestId('lang-switch').click();
  await expect(unsorted).toContainText('Not sorted');
  await shot(page, 'ranker-buckets', 'en');

  // 0 sends r2 back to the list; 2 sorts it again.
  await biased.getByTestId('bucket-item-r2').focus();
  await page.keyboard.press('0');
  await expect(unsorted.getByTestId('bucket-item-r2')).toBeFocused();
  await page.keyboard.press('2');
  await expect(biased.getByTestId('bucket-item-r2')).toBeVisible();

  await page.getByTestId('submit').click();
  await expect(relevant).toHaveCount(0);

  const items = await labelStudioResult(request, projectId);
  expect(items).toEqual([expect.objectContaining({
    from_name: 'rank', to_name: 'answers', type: 'ranker',
    value: { ranker: { relevant_results: ['r1', 'r3'], biased_results: ['r2'], _: [] } },
  })]);
  await request.dispose();
});
