import { expect, test, type Page } from '@playwright/test';
import { ADMIN, login, shot, useLang } from './helpers';

// Every control kind the schema has can be made in the form editor, not only in JSON or XML: a dialogue
// with labels on its messages and an answer per message, video tracks, a ranking with buckets and a
// pairwise between two whole fields; in both languages, checked by the server and saved as made.

const words = {
  en: { valid: 'The schema is valid.', perMessage: 'Per message of', buckets: 'Buckets (one per line', pair: 'two fields' },
  'zh-CN': { valid: '标注配置有效。', perMessage: '逐条消息，对应', buckets: '分组（每行一个', pair: '两个字段' },
} as const;

async function field(page: Page, i: number, name: string, type?: string) {
  await page.getByTestId(`field-name-${i}`).fill(name);
  if (type) await page.getByTestId(`field-type-${i}`).selectOption(type);
}

async function labels(page: Page, i: number, text: string) {
  await page.getByTestId(`control-labels-${i}`).fill(text);
  await page.getByTestId(`control-labels-${i}`).blur();
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`form editor makes dialogue, tracks, per-message, bucket and two-field pairwise controls (${lang})`, async ({ page }) => {
    const w = words[lang];
    await useLang(page, lang);
    await login(page, ADMIN);
    await page.goto('/#/');
    await page.getByTestId('new-project').click();
    await page.getByTestId('project-name').fill(`E2E every kind from the form (${lang})`);
    // The starter schema: a text field, a choices and a spans control; both controls go.
    for (const i of [1, 0]) {
      await page.getByTestId(`control-edit-${i}`).locator('button.link').click();
      await expect(page.getByTestId(`control-edit-${i}`)).toHaveCount(0);
    }
    await field(page, 0, 'chat', 'dialogue');
    await page.getByTestId('add-field-video').click();
    await page.getByTestId('add-field-list').click();
    await page.getByTestId('add-field-text').click();
    await page.getByTestId('add-field-text').click();
    await field(page, 3, 'answer_a');
    await field(page, 4, 'answer_b');

    await page.getByTestId('add-control-dialogue').click();
    await labels(page, 0, 'question\nanswer');
    await page.getByTestId('add-control-tracks').click();
    await labels(page, 1, 'Car\nPerson');
    await page.getByTestId('add-control-choices').click();
    await expect(page.getByTestId('control-edit-2')).toContainText(w.perMessage);
    await page.getByTestId('control-per-message-2').selectOption('chat');
    await labels(page, 2, 'helpful\nharmful');
    await page.getByTestId('add-control-ranking').click();
    await expect(page.getByTestId('control-edit-3')).toContainText(w.buckets);
    await page.getByTestId('control-buckets-3').fill('relevant|Relevant results\nbiased');
    await page.getByTestId('control-buckets-3').blur();
    await page.getByTestId('add-control-ranking').click();
    await page.getByTestId('control-mode-4').selectOption('pairwise');
    await expect(page.getByTestId('control-buckets-4')).toHaveCount(0); // a pairwise has no buckets
    await page.getByTestId('control-pair-4').selectOption({ label: w.pair });
    await page.getByTestId('control-pair-field-4-0').selectOption('answer_a');
    await page.getByTestId('control-pair-field-4-1').selectOption('answer_b');

    await page.getByTestId('schema-check').click();
    await expect(page.getByTestId('schema-check-result')).toContainText(w.valid);
    await shot(page, 'schema-form-kinds', lang);

    await page.getByTestId('create-submit').click();
    await expect(page.getByTestId('import-tab')).toBeVisible();
    const id = /#\/projects\/(\d+)\/import/.exec(page.url())![1];
    const r = await page.request.get(`/api/projects/${id}`);
    expect(r.ok()).toBeTruthy();
    const { schema } = await r.json() as { schema: { fields: unknown[]; controls: unknown[] } };
    expect(schema.fields).toEqual([
      { name: 'chat', type: 'dialogue' }, { name: 'video', type: 'video' }, { name: 'list', type: 'list' },
      { name: 'answer_a', type: 'text' }, { name: 'answer_b', type: 'text' },
    ]);
    expect(schema.controls).toEqual([
      expect.objectContaining({ name: 'dialogue', type: 'dialogue', field: 'chat', labels: [{ value: 'question' }, { value: 'answer' }] }),
      expect.objectContaining({ name: 'tracks', type: 'tracks', field: 'video', labels: [{ value: 'Car' }, { value: 'Person' }] }),
      expect.objectContaining({ name: 'choices', type: 'choices', perMessage: 'chat', options: [{ value: 'helpful' }, { value: 'harmful' }] }),
      expect.objectContaining({ name: 'ranking', type: 'ranking', mode: 'rank', field: 'list', buckets: [{ value: 'relevant', title: 'Relevant results' }, { value: 'biased' }] }),
      expect.objectContaining({ name: 'ranking2', type: 'ranking', mode: 'pairwise', fields: ['answer_a', 'answer_b'] }),
    ]);
    expect(schema.controls[2]).not.toHaveProperty('field');
    expect(schema.controls[4]).not.toHaveProperty('field');
  });
}
