import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN, createProject, demo, importJsonl, login, loginUi, nextTask, PASSWORD, shot, uploadMedia, useLang, type Lang, type Schemas } from './helpers';

// Issue 15 end to end: a client releases a project, publishes its card, another organisation asks
// for access and is granted it, downloads through a signed link, the grant is revoked, the next
// download is refused with the grant's code in words, and the owner's audit log shows all of it.

const REVOKED: Record<Lang, string> = {
  en: 'Access to this release was revoked by its owner.',
  'zh-CN': '数据所有方已撤销对该版本的访问授权。',
};

async function releasableProject(page: Page, name: string): Promise<number> {
  const id = await createProject(page.request, { name, schema: { fields: [{ name: 'text', type: 'text' }], controls: [{ name: 'sentiment', type: 'choices', field: 'text', options: ['好评', '差评'] }] } });
  await importJsonl(page.request, id, [{ data: { text: '服务很好' } }, { data: { text: '太慢了' } }, { data: { text: '还行' } }]);
  for (const [i, label] of (['好评', '差评'] as const).entries()) {
    const lease = await nextTask(page.request, id);
    const r = await page.request.post(`/api/assignments/${lease.assignmentId}/submit`, {
      data: { result: { sentiment: [label] }, leadTimeSeconds: 2 }, headers: { 'Idempotency-Key': `rel-${id}-${i}` },
    });
    expect(r.status()).toBe(200);
  }
  return id;
}

/** A second organisation with an admin of its own, opened by the demo admin (the park operator's). */
async function buyer(page: Page, lang: Lang): Promise<string> {
  const r = await page.request.post('/api/organizations', { data: { name: `数据买方 Buyer ${lang} ${Date.now()}`, kind: 'client' } });
  expect(r.status(), await r.text()).toBe(201);
  const org = await r.json() as Schemas['OrganizationMembership'];
  const email = `buyer-${lang}-${Date.now()}@demo.yunzhong`;
  const m = await page.request.post(`/api/organizations/${org.id}/members`, { data: { email, name: '买方管理员', password: PASSWORD, roles: ['admin'] } });
  expect(m.status(), await m.text()).toBe(200);
  return email;
}

async function buyerPage(browser: Browser, lang: Lang, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await useLang(page, lang);
  await loginUi(page, email);
  return page;
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`release, card, request, grant, signed download, revoke, audit (${lang})`, async ({ page, browser }) => {
    await useLang(page, lang);
    await login(page, ADMIN);
    const title = `煤矿评论情感 ${lang} ${Date.now()}`;
    const project = await releasableProject(page, `E2E release ${lang}`);

    // The owner makes release 1 and publishes the card park-wide.
    await page.goto(`/#/projects/${project}/releases`);
    await expect(page.getByTestId('releases-empty')).toBeVisible();
    await page.getByTestId('release-format-csv').check();
    await page.getByTestId('release-create').click();
    await expect(page.getByTestId('release-queued')).toBeVisible();
    await expect(page.getByTestId('release-job-done')).toHaveText(lang === 'en' ? 'Release 1 made' : '已生成第 1 版');
    await expect(page.getByTestId('release-1')).toBeVisible();
    await expect(page.getByTestId('release-items')).toHaveText('2');
    await expect(page.getByTestId('label-count-好评')).toContainText('1');
    await page.getByTestId('card-title-zh').fill(title);
    await page.getByTestId('card-title-en').fill(`Mine reviews ${lang}`);
    await page.getByTestId('card-description-zh').fill('煤矿客服评论的情感标注');
    await page.getByTestId('card-visibility').selectOption('park');
    await page.getByTestId('card-save').click();
    await expect(page.getByTestId('card-saved')).toBeVisible();
    await shot(page, 'releases-tab', lang);

    // Another organisation finds it in the catalogue and asks for the JSON lines.
    const buyerEmail = await buyer(page, lang);
    const them = await buyerPage(browser, lang, buyerEmail);
    await them.goto('/#/catalogue');
    await them.getByTestId('catalogue-search').fill(title);
    await them.getByTestId(`dataset-${project}`).click();
    await expect(them.getByTestId('dataset-licence')).toHaveText('CC-BY-4.0');
    await expect(them.getByTestId('dataset-sample')).toBeVisible();
    await them.getByTestId('grant-purpose').fill('训练客服情感模型');
    await them.getByTestId('grant-request').click();
    await expect(them.getByTestId('grant-requested')).toBeVisible();
    await shot(them, 'dataset-card', lang);

    // The owner grants it from the inbox.
    await page.goto('/#/grants');
    const row = page.getByTestId('grants-incoming').locator('tr[data-status=requested]').filter({ hasText: '训练客服情感模型' });
    await expect(row).toBeVisible();
    const grantId = (await row.getAttribute('data-testid'))!.replace('grant-', '');
    await shot(page, 'grants-inbox', lang);
    await page.getByTestId(`grant-approve-${grantId}`).click();
    await expect(page.getByTestId(`grant-${grantId}`)).toHaveAttribute('data-status', 'granted');

    // The buyer downloads through its own signed link.
    await them.reload();
    await expect(them.getByTestId(`my-grant-${grantId}`)).toHaveAttribute('data-status', 'granted');
    await them.getByTestId('release-link').click();
    const href = await them.getByTestId('download-annotations.jsonl').getAttribute('href');
    expect(href).toMatch(/^\/api\/links\/.+\/annotations\.jsonl$/);
    await expect(them.getByTestId('download-annotations.csv')).toHaveCount(0); // not granted
    const got = await them.request.get(href!);
    expect(got.status()).toBe(200);
    expect((await got.text()).trim().split('\n')).toHaveLength(2);

    // Revoked: the same link and a new one are refused, in words.
    await page.getByTestId(`grant-revoke-${grantId}`).click();
    await expect(page.getByTestId(`grant-${grantId}`)).toHaveAttribute('data-status', 'revoked');
    const refused = await them.request.get(href!);
    expect(refused.status()).toBe(403);
    expect((await refused.json() as { code: string }).code).toBe('grant.revoked');
    await them.getByTestId('release-link').click(); // the page still shows the files it had
    await expect(them.getByTestId('release-link-error')).toHaveText(REVOKED[lang]);
    await them.reload();
    await expect(them.getByTestId(`my-grant-${grantId}`)).toHaveAttribute('data-status', 'revoked');
    await expect(them.getByTestId('release-link')).toHaveCount(0);
    await them.context().close();

    // The owner's audit log shows the release, the request, the grant, the download and the revocation.
    await page.goto('/#/audit');
    const audit = page.getByTestId('audit-entries');
    for (const action of ['release.create', 'grant.request', 'grant.grant', 'release.download', 'grant.revoke']) {
      await expect(audit.locator(`tr[data-action="${action}"]`).first()).toBeVisible();
    }
    await shot(page, 'audit-log', lang);
    const check = await page.request.get('/api/audit/verify');
    expect((await check.json() as { ok: boolean }).ok).toBe(true);
  });
}

/** An image project: two tasks on uploaded photos, one on a URL only; all three answered. */
async function photoProject(page: Page, name: string): Promise<number> {
  const id = await createProject(page.request, { name, schema: { fields: [{ name: 'image', type: 'image' }], controls: [{ name: 'kind', type: 'choices', field: 'image', options: ['动物', '物品'] }] } });
  await uploadMedia(page.request, id, [demo('photos', 'media', 'horse.png'), demo('photos', 'media', 'coffee.jpg')]);
  await importJsonl(page.request, id, [
    { data: { image: `/api/projects/${id}/media/horse.png` } },
    { data: { image: `/api/projects/${id}/media/coffee.jpg` } },
    { data: { image: 'https://images.example.org/cat.jpg' } },
  ]);
  for (let i = 0; i < 3; i++) {
    const lease = await nextTask(page.request, id);
    const r = await page.request.post(`/api/assignments/${lease.assignmentId}/submit`, {
      data: { result: { kind: [i === 1 ? '物品' : '动物'] }, leadTimeSeconds: 2 }, headers: { 'Idempotency-Key': `relmedia-${id}-${i}` },
    });
    expect(r.status()).toBe(200);
  }
  return id;
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`a release carries its media; builds show their progress and end (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await login(page, ADMIN);
    const project = await photoProject(page, `E2E release media ${lang}`);
    await page.goto(`/#/projects/${project}/releases`);
    await page.getByTestId('release-create').click();
    await expect(page.getByTestId('release-job-done')).toBeVisible();
    await expect(page.getByTestId('release-1')).toBeVisible();
    await expect(page.getByTestId('release-media')).toContainText(lang === 'en' ? '2 files' : '2 个文件');
    await expect(page.getByTestId('release-external-media')).toContainText('1');
    // The media lie in the release under media/, downloadable through its signed link.
    await page.getByTestId('release-link').click();
    const manifestHref = await page.getByTestId('download-manifest.json').getAttribute('href');
    const manifest = await (await page.request.get(manifestHref!)).json() as { files: { path: string }[]; media: { external: string[] } };
    expect(manifest.files.map((f) => f.path).filter((p) => p.startsWith('media/')).sort()).toEqual(['media/coffee.jpg', 'media/horse.png']);
    expect(manifest.media.external).toEqual(['https://images.example.org/cat.jpg']);
    const horse = await page.request.get(manifestHref!.replace(/manifest\.json$/, 'media/horse.png'));
    expect(horse.status()).toBe(200);

    // The photo horse.png is replaced by other bytes: the tasks are the same, release 2's diff names the medium.
    const replaced = await page.request.post(`/api/projects/${project}/media`, {
      multipart: { file0: { name: 'horse.png', mimeType: 'image/jpeg', buffer: readFileSync(demo('photos', 'media', 'coffee.jpg')) } },
    });
    expect(replaced.status(), await replaced.text()).toBeLessThan(300);
    await page.getByTestId('release-create').click();
    await expect(page.getByTestId('release-jobs').locator('li[data-status=done]')).toHaveCount(2);
    await expect(page.getByTestId('release-2')).toBeVisible();
    await page.getByTestId('release-2').getByRole('button').click();
    await expect(page.getByTestId('release-diff-media')).toContainText(lang === 'en' ? '1 changed' : '变更 1');
    await expect(page.getByTestId('release-diff-media')).toContainText('horse.png');
    await shot(page, 'release-media', lang);
  });
}
