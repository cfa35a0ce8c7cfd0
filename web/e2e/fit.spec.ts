import { expect, test, type Page } from '@playwright/test';
import { ADMIN, apiAs, shot, useLang, type Lang, type Schemas } from './helpers';

// Every top-level page fits a 1280 px wide screen in both languages: no page wider than the window,
// the top navigation on screen whole (it was ~1400 px wide in English), nothing cut at its right edge.
// A screenshot of each, per organisation kind, lands in web/screenshots/<lang>/fit-*.png.

const WIDTH = 1280;

/** The pages the navigation of the demo admin links to in the current organisation. */
async function navPages(page: Page): Promise<string[]> {
  const hrefs = await page.locator('header.top > a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  return [...new Set(hrefs.filter((h) => h.startsWith('#/')).map((h) => h.slice(1)))];
}

async function fits(page: Page, what: string) {
  // The page has drawn what it loads (no "Loading…" left), then nothing is wider than the window.
  await expect(page.locator('main').first()).not.toContainText(/Loading…|加载中/);
  const wide = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth,
    header: document.querySelector('header.top')!.scrollWidth,
    // Anything in the header whose right edge is past the window.
    past: [...document.querySelectorAll('header.top > *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5).map((e) => e.textContent),
  }));
  expect(wide.doc, `${what}: page width`).toBeLessThanOrEqual(WIDTH);
  expect(wide.header, `${what}: header width`).toBeLessThanOrEqual(WIDTH);
  expect(wide.past, `${what}: header items past the right edge`).toEqual([]);
}

for (const lang of ['en', 'zh-CN'] as Lang[]) {
  test(`every top-level page fits ${WIDTH} px (${lang})`, async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: WIDTH, height: 800 });
    await useLang(page, lang);
    await apiAs(page.request, ADMIN);
    const projects = await (await page.request.get('/api/projects')).json() as { id: number; name: string }[];
    const news = projects.find((p) => p.name.includes('Chinese entities'))!.id;
    // The demo admin holds the client and the operator; the vendor's admin the vendor.
    for (const [who, kind] of [[ADMIN, 'client'], [ADMIN, 'operator'], ['vendor-admin@demo.yunzhong', 'vendor']] as const) {
      await apiAs(page.request, who);
      const me = await (await page.request.get('/api/me')).json() as Schemas['MeResponse'];
      const org = me.organizations.find((o) => o.kind === kind)!;
      await page.goto('/#/');
      await page.evaluate((id) => localStorage.setItem('yz.org', id), String(org.id));
      await page.reload();
      await expect(page.getByTestId('org-switch')).toHaveValue(String(org.id));
      for (const path of await navPages(page)) {
        await page.goto(`/#${path}`);
        await fits(page, `${kind} ${path}`);
        await shot(page, `fit-${kind}${path.replace(/\//g, '-')}`, lang);
      }
      if (kind === 'client') {
        for (const tab of ['tasks', 'import', 'dashboard', 'quality', 'export', 'settings']) {
          await page.goto(`/#/projects/${news}/${tab}`);
          await expect(page.getByTestId(`tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
          await fits(page, `project ${tab}`);
          await shot(page, `fit-project-${tab}`, lang);
        }
      }
    }
  });
}
