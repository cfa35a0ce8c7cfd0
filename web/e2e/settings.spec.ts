import { expect, test, type Page } from '@playwright/test';
import { ADMIN, createProject, importJsonl, login, nextTask, shot, useLang, type Lang, type Schemas } from './helpers';

// The project settings tab (issue 13): every setting saved through PATCH, Markdown instructions shown
// rendered and never run as HTML, schema changes refused plainly once annotations exist, archive
// and delete with confirmation. In both languages.

const TEXT: Record<Lang, { tab: string; saved: string; locked: RegExp; refused: string; archived: string; deleteHint: string }> = {
  en: { tab: 'Settings', saved: 'Saved.', locked: /already has annotations/, refused: 'The schema was not changed:', archived: 'Archived', deleteHint: 'Type “' },
  'zh-CN': { tab: '设置', saved: '已保存。', locked: /已有标注结果/, refused: '标注配置未修改：', archived: '已归档', deleteHint: '输入“' },
};

const SCHEMA = {
  fields: [{ name: 'text', type: 'text' }],
  controls: [{ name: 'topic', type: 'choices', field: 'text', options: ['sport', 'politics'] }],
};

/** A project with one annotation, so schema changes are held to the additive rule. */
async function annotatedProject(page: Page, name: string): Promise<number> {
  const id = await createProject(page.request, { name, schema: SCHEMA, instructions: 'plain' });
  await importJsonl(page.request, id, [{ data: { text: '国足 2:0 取胜' } }, { data: { text: 'Election day' } }]);
  const lease = await nextTask(page.request, id);
  const r = await page.request.post(`/api/assignments/${lease.assignmentId}/submit`, {
    data: { result: { topic: ['sport'] }, leadTimeSeconds: 3 }, headers: { 'Idempotency-Key': `settings-${id}` },
  });
  expect(r.status(), await r.text()).toBe(200);
  return id;
}

const project = async (page: Page, id: number) => await (await page.request.get(`/api/projects/${id}`)).json() as Schemas['ProjectView'];

for (const lang of ['en', 'zh-CN'] as const) {
  test(`a manager changes every setting from the settings tab (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, ADMIN);
    const id = await annotatedProject(page, `E2E settings ${lang}`);
    await page.goto(`/#/projects/${id}`);
    await expect(page.getByTestId('tab-settings')).toHaveText(TEXT[lang].tab);
    await page.getByTestId('tab-settings').click();

    const name = lang === 'en' ? 'E2E settings renamed' : 'E2E 设置 改名';
    await page.getByTestId('settings-name').fill(name);
    await page.getByTestId('settings-instructions').fill(
      '## Rules 规则\n\nPick **one** topic.\n\n- sport\n- politics\n\n<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>[x](javascript:window.__pwned=3)');
    const preview = page.getByTestId('settings-instructions-preview');
    await expect(preview.locator('h2')).toHaveText('Rules 规则');
    await expect(preview.locator('strong')).toHaveText('one');
    await expect(preview.locator('li')).toHaveCount(2);
    await expect(preview.locator('script, [onerror]')).toHaveCount(0);
    await expect(preview.locator('a')).not.toHaveAttribute('href', /javascript:/);
    await page.getByTestId('settings-overlap').fill('2');
    await page.getByTestId('settings-lease').fill('900');
    await page.getByTestId('settings-order').selectOption('random');
    await page.getByTestId('settings-review').selectOption('sample');
    await page.getByTestId('settings-percent').fill('25');
    await page.getByTestId('settings-gold-rate').fill('10');
    await page.getByTestId('settings-gold-threshold').fill('0.7');
    await page.getByTestId('settings-dynamic').check();
    await page.getByTestId('settings-overlap-max').fill('4');
    await page.getByTestId('settings-confidence').fill('0.95');
    await expect(page.getByTestId('settings-dirty')).toBeVisible();
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('settings-saved')).toHaveText(TEXT[lang].saved);
    await expect(page.getByTestId('project-title')).toHaveText(name);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await shot(page, 'project-settings', lang);

    const p = await project(page, id);
    expect([p.name, p.overlap, p.leaseSeconds, p.order, p.review.policy, p.review.percent]).toEqual([name, 2, 900, 'random', 'sample', 25]);
    expect(p.quality).toMatchObject({ goldRate: 10, goldThreshold: 0.7, overlapMax: 4, confidenceTarget: 0.95 });
    expect(p.instructions).toContain('## Rules 规则');

    // Switching dynamic overlap off is saved too.
    await page.getByTestId('settings-dynamic').uncheck();
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('settings-saved')).toBeVisible();
    expect((await project(page, id)).quality.overlapMax).toBeNull();

    // Other tabs show the instructions rendered, and so does the workbench.
    await page.getByTestId('tab-tasks').click();
    await page.getByTestId('project-instructions-card').locator('summary').click();
    await expect(page.getByTestId('project-instructions-view').locator('h2')).toHaveText('Rules 规则');
    await page.goto(`/#/projects/${id}/annotate`);
    await page.getByTestId('instructions-toggle').click();
    await expect(page.getByTestId('instructions').locator('strong')).toHaveText('one');
    await expect(page.getByTestId('instructions')).not.toContainText('##');
    await shot(page, 'workbench-instructions', lang);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  test(`with annotations the schema only grows, refusals named on screen (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, ADMIN);
    const id = await annotatedProject(page, `E2E schema lock ${lang}`);
    await page.goto(`/#/projects/${id}/settings`);
    await expect(page.getByTestId('schema-locked')).toHaveText(TEXT[lang].locked);

    // Removing an option annotations use is refused, with the field named and nothing changed.
    await page.getByTestId('control-labels-0').fill('politics');
    await page.getByTestId('control-labels-0').blur();
    await page.getByTestId('schema-save').click();
    await expect(page.getByTestId('schema-refused')).toContainText(TEXT[lang].refused);
    // In words, never the JSON path: the place, then the reason naming the control and the option.
    await expect(page.getByTestId('schema-save-errors')).not.toContainText('/schema/controls/0');
    // In the user's words from the error's code (the control and the labels it keeps), not the server's English.
    await expect(page.getByTestId('schema-save-errors')).toContainText('“topic”');
    await expect(page.getByTestId('schema-save-errors')).toContainText('sport');
    await expect(page.getByTestId('schema-save-errors')).not.toContainText('cannot be removed or renamed');
    await shot(page, 'project-settings-schema-refused', lang);
    expect(JSON.stringify((await project(page, id)).schema)).toContain('sport');

    // Adding an option is taken.
    await page.getByTestId('control-labels-0').fill('sport\npolitics\nculture');
    await page.getByTestId('control-labels-0').blur();
    await page.getByTestId('schema-save').click();
    await expect(page.getByTestId('schema-saved')).toBeVisible();
    const options = ((await project(page, id)).schema as { controls: { options: { value: string }[] }[] }).controls[0]!.options;
    expect(options.map((o) => o.value)).toEqual(['sport', 'politics', 'culture']);
  });

  test(`archive, restore and delete with the name typed (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, ADMIN);
    const name = `E2E 归档 archive ${lang}`;
    const id = await annotatedProject(page, name);
    await page.goto(`/#/projects/${id}/settings`);
    await page.getByTestId('project-archive').click();
    await expect(page.getByTestId('project-archived')).toHaveText(TEXT[lang].archived);
    await expect(page.getByTestId('archived-banner')).toBeVisible();
    await expect(page.getByTestId('project-annotate')).toHaveCount(0);
    expect((await page.request.post(`/api/projects/${id}/queue/next`)).status()).toBe(409);
    await page.goto('/#/');
    await expect(page.getByTestId('archived-projects')).toBeVisible();
    await page.getByTestId('archived-projects').locator('summary').click();
    await expect(page.getByTestId('archived-projects').getByTestId(`project-${id}`)).toBeVisible();
    await shot(page, 'projects-archived', lang);

    await page.goto(`/#/projects/${id}/settings`);
    await page.getByTestId('project-unarchive').click();
    await expect(page.getByTestId('project-archived')).toHaveCount(0);
    await expect(page.getByTestId('project-annotate')).toBeVisible();

    const del = page.getByTestId('project-delete');
    await expect(page.getByTestId('delete-confirm')).toHaveAttribute('placeholder', new RegExp(TEXT[lang].deleteHint));
    await expect(del).toBeDisabled();
    await page.getByTestId('delete-confirm').fill(name.slice(0, -1));
    await expect(del).toBeDisabled();
    await page.getByTestId('delete-confirm').fill(name);
    await expect(del).toBeEnabled();
    await del.click();
    // The settings page shows no project card: wait for the deletion to be answered (the page then goes to the list).
    await expect(page).toHaveURL(/#\/$/);
    await expect(page.getByTestId(`project-${id}`)).toHaveCount(0);
    expect((await page.request.get(`/api/projects/${id}`)).status()).toBe(404);
  });
}
