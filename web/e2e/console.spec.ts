import { expect, test } from '@playwright/test';
import { ADMIN, loginUi, PASSWORD, shot, useLang } from './helpers';

test('log-in page follows the language switch both ways', async ({ page }) => {
  await useLang(page, 'en');
  await page.goto('/');
  await expect(page.getByTestId('login-submit')).toHaveText('Log in');
  await shot(page, 'login', 'en');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('login-submit')).toHaveText('登录');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await shot(page, 'login', 'zh-CN');
  // The choice is kept across a reload.
  await page.reload();
  await expect(page.getByTestId('login-submit')).toHaveText('登录');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('login-submit')).toHaveText('Log in');
});

test('a wrong password is refused with a message', async ({ page }) => {
  await useLang(page, 'en');
  await page.goto('/');
  await page.getByTestId('login-email').fill(ADMIN);
  await page.getByTestId('login-password').fill(`${PASSWORD}x`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toHaveText('Email or password is wrong.');
});

test('admin logs in, switches organisation and language, sees the demo projects with progress', async ({ page }) => {
  await useLang(page, 'en');
  await loginUi(page, ADMIN);
  const orgs = page.getByTestId('org-switch');
  // The switch fills in once the organisations have loaded: wait for them before reading it.
  await expect.poll(() => orgs.locator('option').count()).toBeGreaterThanOrEqual(2);
  const options = await orgs.locator('option').allTextContents();
  expect(options.length).toBeGreaterThanOrEqual(2);
  const client = options.find((o) => o.includes('Demo Client'))!;
  const operator = options.find((o) => o.includes('Park Operator'))!;
  expect(client).toBeTruthy();
  expect(operator).toBeTruthy();

  // The demo projects live in the client organisation; the operator organisation has none.
  await orgs.selectOption({ label: client });
  const list = page.locator('.project-list > li');
  await expect(list.filter({ hasText: 'Chinese entities and relations' })).toBeVisible();
  for (const name of ['Email: spam or ham', 'Photos: boxes, outlines and landmarks', 'Read speech: segments and transcripts', 'Response ranking and rating']) {
    await expect(list.filter({ hasText: name })).toBeVisible();
  }
  // Progress: "N of M done" with M the number of demo tasks, and a progress bar.
  const photos = list.filter({ hasText: 'Photos: boxes' });
  await expect(photos).toContainText(/\d+ of 6 done/);
  await expect(photos.locator('.progress')).toHaveAttribute('aria-label', /New \d+/);
  await shot(page, 'projects', 'en');

  await orgs.selectOption({ label: operator });
  await expect(page.getByText('No projects yet. Create one to start.')).toBeVisible();
  await orgs.selectOption({ label: client });
  await expect(list.first()).toBeVisible();

  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  await page.getByTestId('lang-switch').click();
  await expect(page.getByRole('heading', { name: '项目' })).toBeVisible();
  await expect(page.getByTestId('logout')).toHaveText('退出登录');
  await expect(photos).toContainText(/已完成 \d+ \/ 6/);
  await shot(page, 'projects', 'zh-CN');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('logout')).toHaveText('Log out');

  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-form')).toBeVisible();
});

test('annotators see no "new project" button', async ({ page }) => {
  await useLang(page, 'en');
  await loginUi(page, 'annotator1@demo.yunzhong');
  await expect(page.locator('.project-list > li').first()).toBeVisible();
  await expect(page.getByTestId('new-project')).toHaveCount(0);
});
