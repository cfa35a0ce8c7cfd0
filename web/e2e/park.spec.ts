import { expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN, apiAs, login, shot, useLang, type Schemas } from './helpers';

// The contract flow of the park: the client offers a project to a vendor, the vendor's admin accepts
// and puts a team on it, the client starts it, a vendor annotator (no member of the client) works
// tasks, and the client sees the progress. The statement and pay come after (the pay console's spec).

const VENDOR_ADMIN = 'vendor-admin@demo.yunzhong';
const VENDOR_ANNOTATOR = 'v1-annotator02@demo.yunzhong'; // in team 平城一组, at 平城一号职场 (open round the clock)

async function asVendor(browser: Browser, lang: 'en' | 'zh-CN'): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await useLang(page, lang);
  await apiAs(page.request, VENDOR_ADMIN);
  const me = await (await page.request.get('/api/me')).json() as Schemas['MeResponse'];
  const vendor = me.organizations.find((o) => o.kind === 'vendor')!;
  await page.addInitScript((id) => localStorage.setItem('yz.org', id), String(vendor.id));
  return page;
}

// One after the other: a vendor's person works under the oldest active contract of the project, so each
// run closes its contract at the end.
test.describe.configure({ mode: 'serial' });

for (const lang of ['en', 'zh-CN'] as const) {
  test(`a client offers, the vendor accepts and staffs, its annotator works, the client sees progress (${lang})`, async ({ page, browser }) => {
    const vendorPage = await asVendor(browser, lang);
    const me = await (await vendorPage.request.get('/api/me')).json() as Schemas['MeResponse'];
    const vendorId = me.organizations.find((o) => o.kind === 'vendor')!.id;

    await useLang(page, lang);
    await login(page, ADMIN);
    await page.goto('/#/park');
    const projects = await (await page.request.get('/api/projects')).json() as { id: number; name: string }[];
    const emails = projects.find((p) => p.name.includes('Email:'))!;
    await page.getByTestId('offer-project').selectOption(String(emails.id));
    await page.getByTestId('offer-vendor').fill(String(vendorId));
    await page.getByTestId('offer-quota').fill('3');
    await page.getByTestId('offer-price').fill('0.0725');
    await page.getByTestId('offer-submit').click();
    const contracts = async () => (await (await page.request.get('/api/contracts')).json() as Schemas['ContractView'][]);
    await expect.poll(async () => (await contracts()).filter((c) => c.projectId === emails.id && c.unitPrice === '0.0725' && c.state === 'proposed').length).toBeGreaterThan(0);
    const offered = (await contracts()).find((c) => c.projectId === emails.id && c.unitPrice === '0.0725' && c.state === 'proposed')!;
    const clientRow = page.getByTestId(`contract-${offered.id}`);
    await expect(clientRow).toContainText('¥0.0725');

    // The vendor's admin accepts it and puts team 平城一组 on it.
    await vendorPage.goto('/#/park');
    const row = vendorPage.getByTestId(`contract-${offered.id}`);
    await row.getByTestId('contract-accept').click();
    await expect(row.getByTestId('contract-state')).toHaveText(lang === 'en' ? 'Accepted' : '已接受');
    await row.getByTestId('put-team').selectOption({ label: '平城一组' });
    await expect(row).toContainText('平城一组');
    await shot(vendorPage, 'park-vendor-console', lang);

    // The client starts the work.
    await page.reload();
    await clientRow.getByTestId('contract-activate').click();
    await expect(clientRow.getByTestId('contract-state')).toHaveText(lang === 'en' ? 'Active' : '执行中');

    // The vendor's annotator, not a member of the client, works two tasks through the queue.
    const worker = await (await browser.newContext()).newPage();
    await apiAs(worker.request, VENDOR_ANNOTATOR);
    const mine = await (await worker.request.get('/api/me')).json() as Schemas['MeResponse'];
    expect(mine.organizations.some((o) => o.kind === 'client')).toBe(false);
    for (let i = 0; i < 2; i++) {
      const next = await worker.request.post(`/api/projects/${emails.id}/queue/next`);
      expect(next.status(), await next.text()).toBe(200);
      const lease = await next.json() as Schemas['NextResponse'];
      const submit = await worker.request.post(`/api/assignments/${lease.assignmentId}/submit`, { data: { result: { label: ['ham'] } } });
      expect(submit.status(), await submit.text()).toBe(200);
    }

    // The client sees the vendor's progress on the contract.
    await page.reload();
    await expect(clientRow.getByTestId('contract-progress')).toContainText(lang === 'en' ? '2 / 3 used · 2 delivered' : '已用 2 / 3 · 已交付 2');
    await shot(page, 'park-client-progress', lang);

    // The client closes it: the vendor's people get no more of the project.
    await clientRow.getByTestId('contract-close').click();
    await expect(clientRow.getByTestId('contract-state')).toHaveText(lang === 'en' ? 'Closed' : '已结束');
    expect((await worker.request.post(`/api/projects/${emails.id}/queue/next`)).status()).toBe(404);
  });
}
