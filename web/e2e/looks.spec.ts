import { expect, test } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, demoProject, demoTasks, importJsonl, login, shot, useLang, type Lang } from './helpers';

// How the workbench looks (issue 13): what is chosen stands out, long text reads at a normal
// line spacing, the ranking is on screen without scrolling, every page has a title and the tab an icon.

for (const lang of ['en', 'zh-CN'] as Lang[]) {
  test(`looks (${lang}): a chosen answer is filled with its colour; long text at normal spacing; page titles; the favicon`, async ({ page, request }) => {
    await apiAs(request, ADMIN);
    const name = `E2E looks ${lang} ${Date.now()}`;
    const id = await createProject(request, { name, schema: demoProject('emails').schema });
    await importJsonl(request, id, demoTasks('emails', 2));
    await useLang(page, lang);
    await page.goto('/');
    await expect(page.getByTestId('login-email')).toBeVisible();
    await expect(page).toHaveTitle(lang === 'en' ? 'Log in to Yunzhong' : '登录云中');
    await login(page, ANNOTATOR);
    await page.goto('about:blank'); // the app reads who is signed in when it loads
    await page.goto(`/#/projects/${id}/annotate`);
    const spam = page.getByTestId('choice-label-spam');
    await expect(spam).toBeVisible();
    const unchosen = await spam.evaluate((el) => getComputedStyle(el).backgroundColor);
    await page.keyboard.press('1');
    await expect(spam).toHaveAttribute('aria-checked', 'true');
    // Filled with the label's own colour (#e4572e for spam in the demo), white text, a tick.
    await expect(spam).toHaveCSS('background-color', 'rgb(228, 87, 46)');
    await expect(spam).toHaveCSS('color', 'rgb(255, 255, 255)');
    await expect(spam).toContainText('✓');
    expect(unchosen).not.toBe('rgb(228, 87, 46)');
    await expect(page.getByTestId('choice-label-ham')).not.toContainText('✓');

    // Lines of text no more than 1.8 × the font size apart (it was 2.3: a blank line's worth between lines).
    const spacing = await page.locator('.text-body').evaluate((el) => { const s = getComputedStyle(el); return parseFloat(s.lineHeight) / parseFloat(s.fontSize); });
    expect(spacing).toBeLessThanOrEqual(1.8);

    await expect(page).toHaveTitle(lang === 'en' ? `Annotate · ${name} · Yunzhong` : `标注 · ${name} · 云中`);
    const icon = page.locator('link[rel="icon"]');
    await expect(icon).toHaveAttribute('href', '/favicon.svg');
    const fav = await page.request.get('/favicon.svg');
    expect(fav.status()).toBe(200);
    expect(fav.headers()['content-type']).toContain('image/svg+xml');
    await shot(page, 'annotate-choice', lang);

    await page.goto('/#/');
    await expect(page).toHaveTitle(lang === 'en' ? 'Projects · Yunzhong' : '项目 · 云中');
    await expect(page.getByTestId('progress-legend')).toContainText(lang === 'en' ? 'Accepted' : '已通过');
    await shot(page, 'projects-legend', lang);
    await page.goto(`/#/projects/${id}`);
    await expect(page).toHaveTitle(lang === 'en' ? `${name} · Yunzhong` : `${name} · 云中`);
    // The project header's bar has its legend too, with how many tasks each colour stands for (2 in all).
    const legend = page.getByTestId('project-legend');
    await expect(legend).toContainText(lang === 'en' ? 'New' : '未开始');
    await expect(legend.locator('li')).toHaveCount(6);
    await expect.poll(async () => (await legend.locator('.count').allTextContents()).reduce((a, x) => a + Number(x), 0)).toBe(2);
    await shot(page, 'project-legend', lang);
    await page.goto('/#/tokens');
    await expect(page).toHaveTitle(lang === 'en' ? 'API tokens · Yunzhong' : 'API 令牌 · 云中');
  });
}

test('looks: the ranking is on screen without scrolling, under a long prompt, at a laptop size', async ({ page, request }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await useLang(page, 'en');
  await apiAs(request, ADMIN);
  const id = await createProject(request, { name: `E2E looks ranking ${Date.now()}`, schema: demoProject('llm-pref').schema });
  const [task] = demoTasks('llm-pref', 1);
  const data = task!.data as { prompt: string };
  await importJsonl(request, id, [{ ...task, key: 'long', data: { ...data, prompt: Array.from({ length: 12 }, () => data.prompt).join('\n\n') } }]);
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  const items = page.locator('[data-testid^="rank-item-"]');
  await expect(items).toHaveCount(3);
  for (let i = 0; i < 3; i++) await expect(items.nth(i)).toBeInViewport();
  await expect(page.getByTestId('rating-quality-5')).toBeInViewport();
  await shot(page, 'annotate-ranking-long', 'en');
});
