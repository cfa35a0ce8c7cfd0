import { expect, test } from '@playwright/test';
import { ADMIN, ANNOTATOR, clientOrg, login, loginUi, shot, useLang } from './helpers';

test('a token made on the tokens page works as a Bearer token, is shown once, and stops working when revoked', async ({ page, context, playwright, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto('/#/');
  await page.getByTestId('nav-tokens').click();
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();

  const name = `e2e script ${Date.now()}`;
  await page.getByTestId('token-name').fill(name);
  await page.getByTestId('token-create').click();
  await expect(page.getByTestId('token-created')).toContainText('will not be shown again');
  const secret = await page.getByTestId('token-secret').inputValue();
  expect(secret).toMatch(/^yz_.{20,}/);
  await page.getByTestId('token-copy').click();
  await expect(page.getByTestId('token-copy')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  const row = page.getByTestId('token-table').locator('tr', { hasText: name });
  await expect(row).toBeVisible();
  await shot(page, 'tokens', 'en');

  // A context with no cookies: only the token can authenticate it.
  const script = await playwright.request.newContext({ baseURL });
  const bearer = { Authorization: `Bearer ${secret}` };
  expect((await script.get('/api/me')).status()).toBe(401);
  const me = await script.get('/api/me', { headers: bearer });
  expect(me.status(), await me.text()).toBe(200);
  expect((await me.json() as { email: string }).email).toBe(ANNOTATOR);
  expect((await script.get('/api/projects', { headers: bearer })).status()).toBe(200);

  // Once the page is left the secret is gone for good: neither the page nor the list shows it.
  await page.reload();
  await expect(row).toBeVisible();
  await expect(page.getByTestId('token-created')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(secret);
  expect(await (await page.request.get('/api/tokens')).text()).not.toContain(secret);

  page.on('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toHaveCount(0);
  expect((await script.get('/api/me', { headers: bearer })).status()).toBe(401);
  await script.dispose();
});

test('an admin sees members with roles, adds a person who can then log in, changes their roles and removes them', async ({ page, playwright, baseURL }) => {
  await useLang(page, 'en');
  await login(page, ADMIN);
  await page.goto('/#/');
  await page.getByTestId('nav-members').click();
  const table = page.getByTestId('member-table');
  await expect(table.getByTestId(`member-row-${ANNOTATOR}`)).toContainText('Annotator');
  await expect(table.getByTestId(`member-row-${ADMIN}`)).toContainText('Admin');
  await expect(table.getByTestId(`member-row-${ADMIN}`)).toContainText('Manager');
  await expect(table.getByTestId('member-row-reviewer@demo.yunzhong')).toContainText('Reviewer');
  await shot(page, 'members', 'en');

  const email = `new-${Date.now()}@e2e.yunzhong`;
  await page.getByTestId('member-email').fill(email);
  await page.getByTestId('member-name').fill('新人 Newcomer');
  // A new account needs a password of 8 or more: the server's message is shown by the field.
  await page.getByTestId('member-password').fill('short');
  await page.getByTestId('member-add').click();
  await expect(page.getByTestId('member-error-password')).toContainText('at least 8');
  await expect(table.getByTestId(`member-row-${email}`)).toHaveCount(0);

  await page.getByTestId('member-password').fill('correct-horse-1');
  await page.getByTestId('member-roles-reviewer').check();
  await page.getByTestId('member-add').click();
  await expect(page.getByTestId('member-added')).toContainText(email);
  const row = table.getByTestId(`member-row-${email}`);
  await expect(row).toContainText('新人 Newcomer');
  await expect(row).toContainText('Annotator');
  await expect(row).toContainText('Reviewer');

  // The new person logs in with the password given and is in the organisation with those roles.
  const org = await clientOrg(page.request);
  const them = await playwright.request.newContext({ baseURL });
  const r = await them.post('/api/auth/login', { data: { email, password: 'correct-horse-1' } });
  expect(r.status(), await r.text()).toBe(200);
  const rolesNow = async () => ((await (await them.get('/api/me')).json()) as { organizations: { id: string; roles: string[] }[] })
    .organizations.find((o) => String(o.id) === String(org.id))?.roles;
  expect(await rolesNow()).toEqual(['annotator', 'reviewer']);

  await row.getByRole('button', { name: 'Change roles' }).click();
  await row.getByRole('checkbox', { name: 'Reviewer' }).uncheck();
  await row.getByRole('checkbox', { name: 'Manager' }).check();
  await page.getByTestId('member-save-roles').click();
  await expect(row).not.toContainText('Reviewer');
  await expect(row).toContainText('Manager');
  expect(await rolesNow()).toEqual(['manager', 'annotator']);

  // Removed, they keep their account but lose the organisation at once.
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Remove' }).click();
  await expect(table.getByTestId(`member-row-${email}`)).toHaveCount(0);
  expect(await rolesNow()).toBeUndefined();
  await them.dispose();
});

test('annotators have no members page', async ({ page }) => {
  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto('/#/');
  await expect(page.getByTestId('user-name')).toBeVisible();
  await expect(page.getByTestId('nav-members')).toHaveCount(0);
  await page.goto('/#/members');
  await expect(page.getByTestId('not-allowed')).toContainText('Not allowed.');
  await expect(page.getByTestId('member-form')).toHaveCount(0);
});

test('the demo admin, logging in on a fresh browser, starts in the organisation that holds the projects', async ({ page }) => {
  await useLang(page, 'en');
  await loginUi(page, ADMIN);
  const client = await clientOrg(page.request);
  await expect(page.getByTestId('org-switch')).toHaveValue(String(client.id));
  await expect(page.locator('.project-list > li').first()).toBeVisible();
  // A choice made in the switcher is remembered over the default.
  const operator = (await page.getByTestId('org-switch').locator('option').allTextContents()).find((o) => o.includes('Park Operator'))!;
  await page.getByTestId('org-switch').selectOption({ label: operator });
  await page.reload();
  await expect(page.getByTestId('org-switch')).not.toHaveValue(String(client.id));
  await expect(page.getByText('No projects yet. Create one to start.')).toBeVisible();
});
