import { expect, test } from '@playwright/test';
import { ADMIN, login, shot, useLang, type Lang } from './helpers';

// A request the server refuses is shown in the user's language, from the problem's code, and a
// field's error stands next to the field in words; it goes away once the request goes through.

const words = {
  en: {
    password: 'A new account needs a password of at least 8 characters.',
    notFound: 'This project does not exist, or you are not a member of its organisation.',
  },
  'zh-CN': {
    password: '新账号的密码至少需要 8 个字符。',
    notFound: '该项目不存在，或您不是其所属组织的成员。',
  },
} as const;

for (const lang of ['en', 'zh-CN'] as Lang[]) {
  test(`refusals are translated (${lang}): a field error next to its field, a missing project`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, ADMIN);
    await page.goto('/#/members');
    await page.getByTestId('member-email').fill(`short-${lang}-${Date.now()}@e2e.test`);
    await page.getByTestId('member-password').fill('short');
    await page.getByTestId('member-roles-annotator').check();
    await page.getByTestId('member-add').click();
    const fieldError = page.getByTestId('member-error-password');
    await expect(fieldError).toHaveText(words[lang].password);
    await shot(page, 'error-field', lang);
    // Fixed: the error goes away once the request goes through.
    await page.getByTestId('member-password').fill('long-enough-password');
    await page.getByTestId('member-add').click();
    await expect(page.getByTestId('member-added')).toBeVisible();
    await expect(fieldError).toHaveCount(0);

    await page.goto('/#/projects/987654321');
    const banner = page.locator('.banner.error');
    await expect(banner).toHaveText(words[lang].notFound);
    await expect(banner).not.toContainText('Project not found.');
    await shot(page, 'error-not-found', lang);
  });
}
