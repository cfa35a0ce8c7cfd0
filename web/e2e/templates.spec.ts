import { expect, test } from '@playwright/test';
import { TEMPLATES } from '../src/lib/templates';
import { ADMIN, login, shot, useLang, type Lang, type Schemas } from './helpers';

// The template gallery on the new-project page (issue 13): every template, in both languages, is a
// schema the server accepts, and choosing one fills the (still editable) form.

const NAMES: Record<Lang, [string, string]> = { en: ['Named entities', 'Speech segments and transcription'], 'zh-CN': ['命名实体', '语音切分与转写'] };

test('every template, in both languages, passes the server’s schema check', async ({ page }) => {
  await login(page, ADMIN);
  for (const zh of [false, true]) {
    for (const tpl of TEMPLATES) {
      const r = await page.request.post('/api/schemas/check', { data: { schema: tpl.schema(zh) } });
      expect(r.status(), tpl.id).toBe(200);
      const check = await r.json() as Schemas['SchemaCheckResponse'];
      expect(check.errors, `${tpl.id} ${zh ? 'zh' : 'en'}`).toEqual([]);
    }
  }
  expect(TEMPLATES.map(t => t.id)).toEqual(['textClass', 'ner', 'relations', 'llmRank', 'llmPairwise', 'boxes', 'polygons',
    'keypoints', 'ocr', 'speech', 'audioClass', 'taxonomy', 'segmentation', 'timeseries']);
});

for (const lang of ['en', 'zh-CN'] as const) {
  test(`choosing a template fills the form, which stays editable (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, ADMIN);
    await page.goto('/#/projects/new');
    const gallery = page.getByTestId('template-gallery');
    await expect(gallery.locator('.tpl-card')).toHaveCount(TEMPLATES.length);
    await expect(page.getByTestId('template-ner')).toContainText(NAMES[lang][0]);
    await expect(page.getByTestId('template-speech')).toContainText(NAMES[lang][1]);
    await shot(page, 'new-project-templates', lang);

    await page.getByTestId('template-speech').click();
    await expect(page.getByTestId('template-speech')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('template-chosen')).toContainText(NAMES[lang][1]);
    await expect(page.getByTestId('control-name-0')).toHaveValue('segments');
    await expect(page.getByTestId('control-name-1')).toHaveValue('transcript');
    await expect(page.getByTestId('control-labels-0')).toHaveValue(lang === 'en' ? /speaker A/ : /说话人 A/);

    await page.getByTestId('template-ner').click();
    await expect(page.getByTestId('control-name-0')).toHaveValue('entities');
    // Still editable: one more label, then create.
    await page.getByTestId('control-labels-0').fill(lang === 'en' ? 'Person\nOrganisation\nProduct' : '人名\n机构\n产品');
    await page.getByTestId('control-labels-0').blur();
    await page.getByTestId('project-name').fill(`E2E template ${lang}`);
    await page.getByTestId('project-instructions').fill('## 标注规则\n**只标**实体');
    await shot(page, 'new-project-template-chosen', lang);
    await page.getByTestId('create-submit').click();
    await expect(page).toHaveURL(/#\/projects\/\d+\/import/);
    const id = Number(/projects\/(\d+)/.exec(page.url())![1]);
    const p = await (await page.request.get(`/api/projects/${id}`)).json() as { schema: { controls: { type: string; labels: { value: string }[] }[] } };
    expect(p.schema.controls[0]!.type).toBe('spans');
    expect(p.schema.controls[0]!.labels.map((l) => l.value)).toEqual(lang === 'en' ? ['Person', 'Organisation', 'Product'] : ['人名', '机构', '产品']);
    await page.getByTestId('project-instructions-card').locator('summary').click();
    await expect(page.getByTestId('project-instructions-view').locator('h2')).toHaveText('标注规则');
  });
}
