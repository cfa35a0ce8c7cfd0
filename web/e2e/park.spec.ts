import { expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN, apiAs, login, shot, useLang, type Schemas } from './helpers';

// The contract flow of the park: the client offers a project to a vendor picked from the park's list,
// the vendor's admin accepts and puts a team on it, the client starts it, a vendor annotator (no member
// of the client) works tasks, the client sees the progress and accepts the work, the vendor sets its
// team's pay rate, and the month's statements show the bill and the annotator's pay. Then the
// operator's console: the park overview, the county chart, and a drill-down into one vendor.

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
    const progressOf = async () => (await (await page.request.get(`/api/projects/${emails.id}/vendor-progress`)).json() as Schemas['VendorProgressView'])
      .vendors.find((v) => v.vendorOrganizationId === vendorId) ?? { quota: 0, used: 0, submitted: 0 };
    const before = await progressOf();
    await page.getByTestId('offer-project').selectOption(String(emails.id));
    // The vendor is picked from the park's list, by name and counties, not typed as a number.
    await expect(page.getByTestId('offer-vendor').locator('option', { hasText: '大同标注示范企业' })).toHaveText(/平城区|Pingcheng/);
    await page.getByTestId('offer-vendor').selectOption(String(vendorId));
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
    const annotations: number[] = [];
    for (let i = 0; i < 2; i++) {
      const next = await worker.request.post(`/api/projects/${emails.id}/queue/next`);
      expect(next.status(), await next.text()).toBe(200);
      const lease = await next.json() as Schemas['NextResponse'];
      const submit = await worker.request.post(`/api/assignments/${lease.assignmentId}/submit`, { data: { result: { label: ['ham'] } } });
      expect(submit.status(), await submit.text()).toBe(200);
      annotations.push((await submit.json() as Schemas['SubmitResponse']).annotationId);
    }

    // The client sees the vendor's progress on the contract.
    await page.reload();
    await expect(clientRow.getByTestId('contract-progress')).toContainText(lang === 'en' ? '2 / 3 used · 2 delivered' : '已用 2 / 3 · 已交付 2');
    // Its view of each vendor on the project: the vendor's quota, delivery and people, and a line of its days.
    await page.getByTestId('vendor-progress-project').selectOption(String(emails.id));
    // One line per vendor, its contracts on the project added up: this one's 3 units, 2 used and delivered, over the earlier ones'.
    const progress = page.getByTestId(`vendor-progress-${vendorId}`);
    const [q, u, d] = [before.quota + 3, before.used + 2, before.submitted + 2];
    await expect(progress).toContainText(lang === 'en' ? `${u} / ${q} used · ${d} delivered` : `已用 ${u} / ${q} · 已交付 ${d}`);
    await expect(progress).toContainText('大同标注示范企业');
    await expect(page.getByTestId('chart-vendor-progress').locator('polyline')).not.toHaveCount(0);
    await shot(page, 'park-client-progress', lang);

    // The client accepts both answers: accepted work is what is billed and paid.
    for (const a of annotations) {
      const r = await page.request.post(`/api/annotations/${a}/review`, { data: { action: 'accept' } });
      expect(r.status(), await r.text()).toBe(200);
    }

    // The vendor pays its team 平城一组 ¥0.06 a unit on this contract, set in its console.
    await vendorPage.reload();
    await row.getByTestId('contract-pay').click();
    const rates = vendorPage.getByTestId(`contract-${offered.id}-rates`);
    const team = (await (await vendorPage.request.get(`/api/organizations/${vendorId}/teams`)).json() as Schemas['TeamView'][]).find((x) => x.name === '平城一组')!;
    await rates.getByTestId('pay-rate-default').fill('0.05');
    await rates.getByTestId(`pay-rate-team-${team.id}`).fill('0.06');
    await rates.getByTestId('pay-rates-save').click();
    await expect(rates.getByTestId('pay-rates-saved')).toBeVisible();

    // The vendor's statement of this month: the bill to the client (2 × ¥0.0725 = ¥0.15, to the fen) and the annotator's pay (2 × ¥0.06).
    const month = new Date().toISOString().slice(0, 7);
    const statements = vendorPage.getByTestId('statements');
    await expect(statements.getByTestId('statement-month')).toHaveValue(month);
    const bill = statements.getByTestId(`bill-${offered.id}`);
    await expect(bill).toContainText('¥0.0725');
    await expect(bill.locator('td').nth(2)).toHaveText('2');
    await expect(bill.locator('td').nth(4)).toHaveText('¥0.15');
    const pay = statements.getByTestId(`pay-${mine.id}-${offered.id}`);
    await expect(pay).toContainText(lang === 'en' ? 'annotating' : '标注');
    await expect(pay.locator('td').nth(3)).toHaveText('2');
    await expect(pay.locator('td').nth(4)).toHaveText('¥0.06');
    await expect(pay.locator('td').nth(5)).toHaveText('¥0.12');
    await expect(statements.getByTestId('statement-closed')).toHaveText(lang === 'en' ? 'Open: figures still change' : '未关账：数字仍会变化');
    const csv = await (await vendorPage.request.get(await statements.getByTestId('statement-csv').getAttribute('href') ?? '')).text();
    expect(csv).toContain(`pay,,${vendorId},${offered.id},${mine.id},annotating,2,0.06,0.12`);
    await statements.scrollIntoViewIfNeeded();
    await shot(vendorPage, 'park-vendor-statement', lang);

    // The client's statement bills the same line, and shows no pay of the vendor's people.
    await page.reload();
    const clientStatement = page.getByTestId('statements');
    await expect(clientStatement.getByTestId(`bill-${offered.id}`).locator('td').nth(4)).toHaveText('¥0.15');
    await expect(clientStatement.getByTestId('statement-pay')).toHaveCount(0);

    // The client closes it: the vendor's people get no more of the project.
    await clientRow.getByTestId('contract-close').click();
    await expect(clientRow.getByTestId('contract-state')).toHaveText(lang === 'en' ? 'Closed' : '已结束');
    expect((await worker.request.post(`/api/projects/${emails.id}/queue/next`)).status()).toBe(404);
  });

  test(`the operator sees the park, its counties and drills into a vendor; the vendor edits a site (${lang})`, async ({ page, browser }) => {
    await useLang(page, lang);
    await apiAs(page.request, ADMIN);
    const me = await (await page.request.get('/api/me')).json() as Schemas['MeResponse'];
    const operator = me.organizations.find((o) => o.kind === 'operator')!;
    await page.addInitScript((id) => localStorage.setItem('yz.org', id), String(operator.id));
    await page.goto('/');
    await page.getByTestId('nav-park').click();
    const overview = page.getByTestId('park-overview');
    await expect(overview.getByRole('heading', { level: 1 })).toHaveText(lang === 'en' ? 'Park overview' : '园区总览');
    await expect(page.getByTestId('park-simulated')).toContainText(lang === 'en' ? 'Simulated history' : '模拟历史');
    // The simulated history fills the cards and charts: a line over the ninety days, every county of Datong in the table.
    const perDay = page.getByTestId('chart-tasks-per-day');
    await expect(perDay.locator('polyline').first()).toBeVisible();
    expect((await perDay.locator('polyline').first().getAttribute('points'))!.split(' ').length).toBeGreaterThan(60);
    const counties = page.getByTestId('park-counties');
    await expect(counties.locator('tbody tr')).toHaveCount(10);
    await expect(counties.getByTestId('county-140213')).toContainText(lang === 'en' ? 'Pingcheng District' : '平城区');
    await expect(counties.getByTestId('county-140226')).toContainText(lang === 'en' ? 'Zuoyun County' : '左云县');
    await expect(page.getByTestId('chart-park-counties')).toContainText(lang === 'en' ? 'Lingqiu County' : '灵丘县');
    expect(Number((await page.getByTestId('card-annotations').locator('b').textContent())!.replace(/,/g, ''))).toBeGreaterThan(1000);
    // Tasks per day come with the dashboard's days (the simulated history works each task about once, 9 in 10 annotations).
    const tasks = Number((await page.getByTestId('card-tasks').locator('b').textContent())!.replace(/,/g, ''));
    const annotations = Number((await page.getByTestId('card-annotations').locator('b').textContent())!.replace(/,/g, ''));
    expect(tasks).toBeGreaterThan(annotations / 2);
    expect(tasks).toBeLessThanOrEqual(annotations);
    const vendors = page.getByTestId('park-vendors').locator('tbody tr');
    await expect(vendors).toHaveCount(3);
    // Retention cohorts as curves and a table; people employed per county.
    await expect(page.getByTestId('park-retention').locator('tbody tr')).not.toHaveCount(0);
    await expect(page.getByTestId('chart-retention').locator('polyline')).not.toHaveCount(0);
    await expect(page.getByTestId('park-employment').getByTestId('employment-140213')).toContainText(lang === 'en' ? 'Pingcheng District' : '平城区');
    await shot(page, 'park-overview', lang);

    // Drill into the top vendor: its own cards, days and counties.
    const top = (await vendors.first().getByTestId('vendor-link').textContent())!;
    await vendors.first().getByTestId('vendor-link').click();
    await expect(page.getByTestId('park-vendor-name')).toHaveText(top);
    await expect(page.getByTestId('chart-tasks-per-day').locator('polyline')).not.toHaveCount(0);
    await expect(page.getByTestId('park-counties').locator('tbody tr')).not.toHaveCount(0);
    await expect(page.getByTestId('vendor-sites').locator('tbody tr')).not.toHaveCount(0);
    await shot(page, 'park-vendor-page', lang);

    // The vendor's admin gives a site more seats and shorter hours in its console.
    const vendorPage = await asVendor(browser, lang);
    await vendorPage.goto('/#/park');
    const site = vendorPage.getByTestId('sites').locator('tbody tr').filter({ hasText: '云冈职场' });
    await site.getByTestId('site-edit').click();
    const form = vendorPage.getByTestId('site-edit-form');
    const seats = lang === 'en' ? '7' : '8';
    await form.getByTestId('site-seats').fill(seats);
    await form.getByTestId('site-opens').fill('09:00');
    await form.getByTestId('site-save').click();
    await expect(site.getByTestId('site-seats-in-use')).toContainText(lang === 'en' ? `of ${seats} in use` : `/ ${seats}`);
    await expect(site).toContainText('09:00–20:00');
  });

  test(`a team lead, no manager, finds the team's work and quality from the menu (${lang})`, async ({ page }) => {
    await useLang(page, lang);
    await apiAs(page.request, 'lead@demo.yunzhong');
    const me = await (await page.request.get('/api/me')).json() as Schemas['MeResponse'];
    const vendor = me.organizations.find((o) => o.kind === 'vendor')!;
    expect(vendor.roles).not.toContain('manager');
    await page.addInitScript((id) => localStorage.setItem('yz.org', id), String(vendor.id));
    await page.goto('/');
    await expect(page.getByTestId('nav-park')).toHaveCount(0);
    await page.getByTestId('nav-my-team').click();
    await expect(page.getByTestId('team-name')).toHaveText('平城一组');
    await expect(page.getByTestId('team-members').locator('tbody tr')).toHaveCount(7);
    await expect(page.getByTestId('chart-tasks-per-day').locator('polyline')).not.toHaveCount(0);
    await shot(page, 'park-team-lead', lang);
  });
}
