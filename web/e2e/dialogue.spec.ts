import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, importJsonl, login, shot, useLang, exportViaApi } from './helpers';

// The dialogue control end to end: a project from Label Studio's Paragraphs + ParagraphLabels
// config, a conversation shown as chat bubbles, a span dragged inside a message (after an emoji, so
// code points and UTF-16 differ), a whole message labelled from the keyboard, submitted and exported.

const XML = `<View>
  <Paragraphs name="dialogue" value="$dialogue" layout="dialogue" nameKey="author" textKey="text"/>
  <ParagraphLabels name="ner" toName="dialogue">
    <Label value="Person"/><Label value="Helpful"/>
  </ParagraphLabels>
</View>`;

const DIALOGUE = [
  { author: 'user', text: '你好😀王小明在吗？' },
  { author: 'assistant', text: 'Yes, Wang Xiaoming is here. How can I help?' },
];

/** Drags the mouse over `sub` inside message `i`, as a person selects text. */
async function dragOver(page: Page, i: number, sub: string) {
  const [a, b] = await page.evaluate(([n, s]) => {
    const el = document.querySelector<HTMLElement>(`[data-testid="message-${n}"] .bubble-text`)!;
    const node = el.firstChild!.firstChild!;
    const at = node.textContent!.indexOf(s);
    const box = (from: number, to: number) => { const r = document.createRange(); r.setStart(node, from); r.setEnd(node, to); return r.getBoundingClientRect(); };
    const first = box(at, at + 1); const last = box(at + s.length - 1, at + s.length);
    return [{ x: first.left + 1, y: first.top + first.height / 2 }, { x: last.right - 1, y: last.top + last.height / 2 }];
  }, [i, sub] as const);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
}

async function exportJsonl(request: APIRequestContext, projectId: number): Promise<{ annotations: { result: Record<string, unknown> }[] }[]> {
  return (await exportViaApi(request, projectId, 'jsonl')).trim().split('\n').map((l) => JSON.parse(l) as { annotations: { result: Record<string, unknown> }[] });
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`Label Studio Paragraphs: chat bubbles, a span after an emoji and a whole message labelled, exported (${lang})`, async ({ page, playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    await apiAs(request, ADMIN);
    const projectId = await createProject(request, { name: `E2E dialogue ${lang}`, labelStudioXml: XML });
    await importJsonl(request, projectId, [{ key: 'd1', data: { dialogue: DIALOGUE } }]);

    await useLang(page, lang);
    await login(page, ANNOTATOR);
    await page.goto(`/#/projects/${projectId}/annotate`);
    await expect(page.getByTestId('message-0')).toContainText('王小明');
    await expect(page.locator('.bubble-row.right')).toHaveCount(1);
    await expect(page.locator('.bubble-row.left')).toHaveCount(1);

    // Mouse: the first label (Person) is current; drag over 王小明.
    await dragOver(page, 0, '王小明');
    await expect(page.locator('.bubble-text .span-piece')).toHaveText('王小明');

    // Keyboard: 2 picks Helpful, Tab to the assistant's message, Enter labels all of it.
    await page.keyboard.press('2');
    await page.getByTestId('message-1').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('message-1').locator('.bubble-labels')).toHaveText('Helpful');
    await shot(page, 'dialogue', lang);

    await page.getByTestId('submit').click();
    await expect(page.getByTestId('message-0')).toHaveCount(0);

    const lines = await exportJsonl(request, projectId);
    const ner = lines[0]!.annotations[0]!.result.ner as Record<string, unknown>[];
    expect(ner.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'id')))).toEqual([
      { message: 0, start: 3, end: 6, text: '王小明', label: 'Person' },
      { message: 1, label: 'Helpful' },
    ]);
    await request.dispose();
  });
}

// Label Studio's chat templates (chat_rlhf): per-region controls on a Chat are answers per message,
// given under each bubble and exported keyed by the message's index.
const CHAT_XML = `<View>
  <Chat name="chat" value="$chat" minMessages="2" editable="false" />
  <Rating name="rating" toName="chat" />
  <View visibleWhen="region-selected" whenRole="assistant">
    <Rating name="accuracy" toName="chat" perRegion="true" maxRating="5" icon="star"/>
    <Choices name="relevance" toName="chat" perRegion="true">
      <Choice value="Highly relevant" /><Choice value="Not relevant" />
    </Choices>
    <TextArea perRegion="true" name="message_comment" toName="chat" />
  </View>
</View>`;

const CHAT = [
  { role: 'user', content: '图书馆几点开门？' },
  { role: 'assistant', content: '早上九点开门，周一闭馆。' },
];

for (const lang of ['en', 'zh-CN'] as const) {
  test(`Label Studio Chat: answers per message under each bubble, exported by message (${lang})`, async ({ page, playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    await apiAs(request, ADMIN);
    const projectId = await createProject(request, { name: `E2E chat ${lang}`, labelStudioXml: CHAT_XML });
    await importJsonl(request, projectId, [{ key: 'c1', data: { chat: CHAT } }]);

    await useLang(page, lang);
    await login(page, ANNOTATOR);
    await page.goto(`/#/projects/${projectId}/annotate`);
    await expect(page.getByTestId('message-1')).toContainText('九点');
    await expect(page.getByTestId('message-attributes-0')).toBeVisible();
    await expect(page.getByTestId('message-attributes-1')).toBeVisible();

    await page.getByTestId('attr-relevance-m1-Highly relevant').click();
    await page.getByTestId('attr-accuracy-m1-4').click();
    await page.getByTestId('attr-message_comment-m1').fill('清楚');
    await page.getByTestId('attr-relevance-m0-Not relevant').click();
    await expect(page.getByTestId('attr-relevance-m1-Highly relevant')).toHaveAttribute('aria-checked', 'true');
    await shot(page, 'chat-per-message', lang);

    await page.getByTestId('submit').click();
    await expect(page.getByTestId('message-0')).toHaveCount(0);

    const result = (await exportJsonl(request, projectId))[0]!.annotations[0]!.result;
    expect(result).toEqual({
      relevance: { 0: ['Not relevant'], 1: ['Highly relevant'] },
      accuracy: { 1: 4 },
      message_comment: { 1: '清楚' },
    });
    await request.dispose();
  });
}
