import { expect, test, type Page } from '@playwright/test';
import { ADMIN, ANNOTATOR2, answerWithKey, login, REVIEWER, shot, useLang, type Lang } from './helpers';

// A screenshot of every page in both languages, into the git-ignored web/screenshots/, for a
// person to look over. Each page is also checked to show text of its own language.

const LANGS: [Lang, RegExp][] = [['en', /Projects/], ['zh-CN', /项目/]];

async function demoIds(page: Page): Promise<Record<string, string>> {
  const list = await (await page.request.get('/api/projects')).json() as { id: number | string; name: string }[];
  const find = (s: string) => String(list.find((p) => p.name.includes(s))!.id);
  return { news: find('Chinese entities'), photos: find('Photos:'), speech: find('Read speech'), llm: find('Response ranking'), emails: find('Email:') };
}

for (const [lang, nav] of LANGS) {
  test(`console pages (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, ADMIN);
    const ids = await demoIds(page);
    await page.goto('/#/');
    await expect(page.getByTestId('nav-projects')).toHaveText(nav);
    await expect(page.locator('.project-list > li').first()).toBeVisible();
    await shot(page, 'projects', lang);
    await page.goto('/#/projects/new');
    await expect(page.getByTestId('schema-form')).toBeVisible();
    await shot(page, 'new-project', lang);
    for (const tab of ['tasks', 'import', 'dashboard', 'quality', 'export', 'settings']) {
      await page.goto(`/#/projects/${ids.news}/${tab}`);
      await expect(page.getByTestId(`tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
      if (tab === 'tasks') await expect(page.getByTestId('task-table')).toBeVisible();
      // The tab shows once the statistics have come; the charts draw in the same render.
      if (tab === 'dashboard') await expect(page.getByTestId('dashboard-tab')).toBeVisible();
      if (tab === 'quality') await expect(page.getByTestId('agreement-tasks')).toBeVisible();
      await shot(page, `project-${tab}`, lang);
    }
    await page.goto('/#/members');
    await expect(page.getByTestId('member-table')).toBeVisible();
    await shot(page, 'members', lang);
    await page.goto('/#/tokens');
    await expect(page.getByTestId('token-form')).toBeVisible();
    await shot(page, 'tokens', lang);
  });

  test(`workbench pages (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, ANNOTATOR2);
    const ids = await demoIds(page);
    const pages: [string, string][] = [['news', 'text-text'], ['photos', 'image-canvas'], ['speech', 'waveform'], ['llm', 'task-view'], ['emails', 'task-view']];
    for (const [name, testid] of pages) {
      await page.goto(`/#/projects/${ids[name]}/annotate`);
      await expect(page.getByTestId(testid)).toBeVisible();
      if (name === 'photos') await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-width', /\d+/);
      if (name === 'speech') await expect(page.getByTestId('waveform')).not.toHaveAttribute('data-duration', '0');
      await shot(page, `annotate-${name}`, lang);
    }
    // The emails task is still on screen: answer it, then the recent tasks and the page correcting an answer.
    const sent = page.waitForResponse((r) => r.url().endsWith('/submit') && r.ok());
    const task = await answerWithKey(page, '1');
    await sent;
    await page.getByTestId('history-toggle').click();
    await expect(page.getByTestId(`history-open-${task}`)).toBeVisible();
    await shot(page, 'annotate-history', lang);
    await page.getByTestId(`history-open-${task}`).click();
    await expect(page.getByTestId('amend')).toBeVisible();
    await expect(page.getByTestId('task-view')).toBeVisible();
    await shot(page, 'amend', lang);
    await page.goto(`/#/projects/${ids.news}/annotate`);
    await expect(page.getByTestId('text-text')).toBeVisible();
    await page.keyboard.press('?');
    await expect(page.getByTestId('shortcut-sheet')).toBeVisible();
    await shot(page, 'shortcut-sheet', lang);
  });

  test(`review page (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, REVIEWER);
    const ids = await demoIds(page);
    await page.goto(`/#/projects/${ids.speech}/review`);
    await expect(page.getByTestId('review')).toBeVisible();
    await shot(page, 'review-queue', lang);
  });
}
