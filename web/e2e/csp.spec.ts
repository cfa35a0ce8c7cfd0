import { expect, test, type Page } from '@playwright/test';
import { ADMIN, ANNOTATOR, loginUi, useLang, type Lang } from './helpers';

// The UI works under the server's Content-Security-Policy (no inline script or style, media from
// its own origin and the schema preview's data: samples) and the browser reports no violation on
// the main pages in either language: the console stays free of CSP complaints, and no
// securitypolicyviolation event fires.

const LANGS: [Lang, RegExp][] = [['en', /Projects/], ['zh-CN', /项目/]];

/** Collects CSP violations as the page reports them, from the first script on. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) seen.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
  await page.exposeFunction('yzViolation', (v: string) => { seen.push(`event: ${v}`); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { yzViolation: (v: string) => void }).yzViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return seen;
}

async function demoIds(page: Page): Promise<Record<string, string>> {
  const list = await (await page.request.get('/api/projects')).json() as { id: number | string; name: string }[];
  const find = (s: string) => String(list.find((p) => p.name.includes(s))!.id);
  return { news: find('Chinese entities'), photos: find('Photos:'), speech: find('Read speech') };
}

for (const [lang, nav] of LANGS) {
  test(`the UI runs under the content policy without violations (${lang})`, async ({ page }) => {
    const violations = await watchViolations(page);
    await useLang(page, lang);

    const shell = await page.goto('/');
    const csp = shell!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(shell!.headers()['x-frame-options']).toBe('DENY');

    // The console: log-in form, project list, a project's tabs, the new-project form's live preview.
    await loginUi(page, ADMIN);
    const ids = await demoIds(page);
    await page.goto('/#/');
    await expect(page.getByTestId('nav-projects')).toHaveText(nav);
    await expect(page.locator('.project-list > li').first()).toBeVisible();
    for (const tab of ['tasks', 'dashboard', 'quality', 'export', 'settings']) {
      await page.goto(`/#/projects/${ids.news}/${tab}`);
      await expect(page.getByTestId(`tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
    }
    await page.goto('/#/projects/new');
    await expect(page.getByTestId('schema-form')).toBeVisible();
    // The live preview is the page's last work (sample data, data: images): done when it shows.
    await expect(page.getByTestId('schema-preview')).toBeVisible();

    // The workbench as an annotator: text with spans, an image that loads, audio that decodes.
    await page.getByTestId('logout').click();
    await expect(page.getByTestId('login-email')).toBeVisible();
    await loginUi(page, ANNOTATOR);
    await page.goto(`/#/projects/${ids.news}/annotate`);
    await expect(page.getByTestId('text-text')).toBeVisible();
    // The instructions, Markdown rendered into HTML (a table among it).
    await page.getByTestId('instructions-toggle').click();
    await expect(page.getByTestId('instructions').locator('table')).toBeVisible();
    await page.goto(`/#/projects/${ids.photos}/annotate`);
    await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-width', /\d+/);
    await page.goto(`/#/projects/${ids.speech}/annotate`);
    await expect(page.getByTestId('waveform')).toBeVisible();
    await expect(page.getByTestId('waveform')).not.toHaveAttribute('data-duration', '0');
    await expect(page.locator('.waveform canvas')).toBeVisible();
    // A violation is reported through an exposed function, a round trip behind the page: one more
    // round trip delivers any report queued before it.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));

    expect(violations).toEqual([]);
  });
}
