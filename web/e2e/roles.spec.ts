import { expect, test, type Page } from '@playwright/test';
import { ANNOTATOR, login, REVIEWER, shot, useLang, type Lang } from './helpers';

// Each role sees only what the server lets it do: no buttons, tabs or links that end in a refusal,
// and a page reached by URL that the roles do not include says so in the reader's language.

const NOT_ALLOWED: Record<Lang, string> = { en: 'Not allowed.', 'zh-CN': '无权访问。' };

async function emailsProject(page: Page): Promise<string> {
  const list = await (await page.request.get('/api/projects')).json() as { id: number | string; name: string }[];
  return String(list.find((p) => p.name.includes('Email:'))!.id);
}

async function expectNotAllowed(page: Page, path: string, lang: Lang) {
  await page.goto(`/#${path}`);
  await expect(page.getByTestId('not-allowed')).toContainText(NOT_ALLOWED[lang]);
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`an annotator sees no review, import, export or task table (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, ANNOTATOR);
    const id = await emailsProject(page);
    await page.goto('/#/');
    const row = page.getByTestId(`project-${id}`);
    await expect(row.getByTestId('project-annotate')).toBeVisible();
    await expect(row.getByTestId('project-review')).toHaveCount(0);
    await expect(page.getByTestId('nav-members')).toHaveCount(0);
    await expect(page.getByTestId('new-project')).toHaveCount(0);

    await row.getByTestId('project-open').click();
    await expect(page.getByTestId('project-schema')).toBeVisible(); // the schema is the one tab left
    await expect(page.getByTestId('project-annotate')).toBeVisible();
    await expect(page.getByTestId('project-review')).toHaveCount(0);
    for (const tab of ['tasks', 'import', 'dashboard', 'quality', 'export']) await expect(page.getByTestId(`tab-${tab}`)).toHaveCount(0);
    await expect(page.getByTestId('task-table')).toHaveCount(0);
    await shot(page, 'roles-annotator-project', lang);

    await expectNotAllowed(page, `/projects/${id}/review`, lang);
    await shot(page, 'roles-annotator-review-url', lang);
    for (const path of [`/projects/${id}/export`, `/projects/${id}/import`, `/projects/${id}/tasks`, '/projects/new', '/members']) {
      await expectNotAllowed(page, path, lang);
    }
    await expect(page.getByTestId('export-start')).toHaveCount(0);
  });

  test(`a reviewer reviews and sees the work but cannot annotate, import, export or change tasks (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, REVIEWER);
    const id = await emailsProject(page);
    await page.goto('/#/');
    const row = page.getByTestId(`project-${id}`);
    await expect(row.getByTestId('project-review')).toBeVisible();
    await expect(row.getByTestId('project-annotate')).toHaveCount(0);
    await expect(page.getByTestId('nav-members')).toHaveCount(0);

    await row.getByTestId('project-open').click();
    await expect(page.getByTestId('task-table')).toBeVisible();
    await expect(page.getByTestId('check-all')).toHaveCount(0); // bulk actions are the managers'
    for (const tab of ['tasks', 'dashboard', 'quality', 'settings']) await expect(page.getByTestId(`tab-${tab}`)).toBeVisible();
    for (const tab of ['import', 'export']) await expect(page.getByTestId(`tab-${tab}`)).toHaveCount(0);
    await expect(page.getByTestId('project-review')).toBeVisible();
    await expect(page.getByTestId('project-annotate')).toHaveCount(0);
    await shot(page, 'roles-reviewer-project', lang);

    await expectNotAllowed(page, `/projects/${id}/export`, lang);
    await shot(page, 'roles-reviewer-export-url', lang);
    for (const path of [`/projects/${id}/annotate`, `/projects/${id}/import`, '/members']) await expectNotAllowed(page, path, lang);
  });
}
