import { expect, test, type Page } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, importJsonl, login, shot, useLang, exportViaApi } from './helpers';

// HTML text spans end to end: Label Studio's gallery config for named entities in HTML
// (HyperText + HyperTextLabels) becomes a project whose html field is shown rendered and sanitised;
// text selected across tags (after an emoji and an entity, so code points, UTF-16 and markup all
// differ) becomes a span over the text content; submitted, exported natively and as Label Studio
// writes it (XPaths, offsets, global offsets). A hostile task runs nothing and loads nothing.

const XML = `<View>
  <HyperTextLabels name="ner" toName="text">
    <Label value="Title" background="green"/>
    <Label value="Author" background="blue"/>
  </HyperTextLabels>
  <HyperText name="text" value="$html"/>
</View>`;

const PAGE = '<h1>静夜思 😀 &amp; notes</h1>\n<p>by <b>Li Bai</b> of <i>Tang</i><br>701–762</p>';

/** Drags the mouse from the start of `from` to the end of `to` (texts of two text nodes in the HTML view). */
async function dragOver(page: Page, from: string, to: string) {
  const [a, b] = await page.evaluate(([f, t]) => {
    const root = document.querySelector<HTMLElement>('[data-testid="html-html"] .html-body')!;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const find = (s: string) => { walker.currentNode = root; for (let n = walker.nextNode(); n; n = walker.nextNode()) { const i = n.textContent!.indexOf(s); if (i >= 0) return [n, i] as const; } throw new Error(s); };
    const box = (n: Node, x: number, y: number) => { const r = document.createRange(); r.setStart(n, x); r.setEnd(n, y); return r.getBoundingClientRect(); };
    const [n1, i1] = find(f); const [n2, i2] = find(t);
    const first = box(n1, i1, i1 + 1); const last = box(n2, i2 + t.length - 1, i2 + t.length);
    return [{ x: first.left + 1, y: first.top + first.height / 2 }, { x: last.right - 1, y: last.top + last.height / 2 }];
  }, [from, to] as const);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`HyperText: text selected in rendered HTML becomes a span, exported natively and for Label Studio (${lang})`, async ({ page, playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    await apiAs(request, ADMIN);
    const projectId = await createProject(request, { name: `E2E html ${lang}`, labelStudioXml: XML });
    await importJsonl(request, projectId, [{ key: 'h1', data: { html: PAGE } }]);

    await useLang(page, lang);
    await login(page, ANNOTATOR);
    await page.goto(`/#/projects/${projectId}/annotate`);
    const view = page.getByTestId('html-html');
    // Rendered, not shown as markup: a heading and bold text, no tags as text.
    await expect(view.locator('h1')).toHaveText('静夜思 😀 & notes');
    await expect(view.locator('b')).toHaveText('Li Bai');
    await expect(view).not.toContainText('<b>');

    // Title: drag over the heading's "& notes" (after the emoji). Author: press 2, drag from "Li" in <b> to "Tang" in <i>.
    await dragOver(page, '& notes', '& notes');
    await expect(page.locator('.region-list').first()).toContainText('& notes');
    await page.keyboard.press('2');
    await dragOver(page, 'Li Bai', 'Tang');
    await expect(page.locator('.region-list').first()).toContainText('Li Bai of Tang');
    await expect(view.locator('.html-mark')).not.toHaveCount(0);
    await shot(page, 'html-spans', lang);

    await page.getByTestId('submit').click();
    await expect(view).toHaveCount(0);

    const native = JSON.parse((await exportViaApi(request, projectId, 'jsonl')).trim().split('\n')[0]!) as { annotations: { result: { ner: Record<string, unknown>[] } }[] };
    const ner = native.annotations[0]!.result.ner.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'id')));
    // Text content: "静夜思 😀 & notes\nby Li Bai of Tang\n701–762"; offsets in code points.
    expect(ner).toEqual([
      { start: 6, end: 13, text: '& notes', label: 'Title' },
      { start: 17, end: 31, text: 'Li Bai of Tang', label: 'Author' },
    ]);

    const ls = JSON.parse(await exportViaApi(request, projectId, 'labelstudio')) as { annotations: { result: { type: string; value: Record<string, unknown> }[] }[] }[];
    const values = ls[0]!.annotations[0]!.result.map((r) => [r.type, r.value]);
    expect(values).toEqual([
      ['hypertextlabels', { start: '/h1[1]/text()[1]', end: '/h1[1]/text()[1]', startOffset: 6, endOffset: 13, globalOffsets: { start: 6, end: 13 }, text: '& notes', hypertextlabels: ['Title'] }],
      ['hypertextlabels', { start: '/p[1]/b[1]/text()[1]', end: '/p[1]/i[1]/text()[1]', startOffset: 0, endOffset: 4, globalOffsets: { start: 17, end: 31 }, text: 'Li Bai of Tang', hypertextlabels: ['Author'] }],
    ]);
    await request.dispose();
  });
}

const HOSTILE = '<p>Safe <b>text</b></p>'
  + '<script>window.yzPwned = "script"</script>'
  + '<img src="/yz-probe-img.png" onerror="window.yzPwned = \'onerror\'">'
  + '<a href="javascript:window.yzPwned=\'link\'" onclick="window.yzPwned=\'click\'">click me</a>'
  + '<iframe srcdoc="<script>parent.yzPwned=1</script>"></iframe>'
  + '<div style="position:fixed;inset:0;background:url(/yz-probe-css.png)" class="modal" id="submit">covered</div>'
  + '<svg><animate onbegin="window.yzPwned=\'svg\'" attributeName="x" dur="1s"/></svg>'
  + '<form action="/api/logout" method="post"><button>Go</button></form>';

test('a hostile HTML task runs nothing, loads nothing and keeps only text and plain elements', async ({ page, playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  await apiAs(request, ADMIN);
  const projectId = await createProject(request, { name: 'E2E html hostile', labelStudioXml: XML });
  await importJsonl(request, projectId, [{ key: 'x1', data: { html: HOSTILE } }]);

  const probes: string[] = [];
  page.on('request', (r) => { if (r.url().includes('yz-probe')) probes.push(r.url()); });
  const dialogs: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  const view = page.getByTestId('html-html');
  await expect(view).toContainText('Safe text');
  await view.getByText('click me').click();
  await page.waitForTimeout(500);

  expect(await page.evaluate(() => (window as unknown as { yzPwned?: unknown }).yzPwned)).toBeUndefined();
  expect(probes).toEqual([]);
  expect(dialogs).toEqual([]);
  const body = view.locator('.html-body');
  await expect(body.locator('script, img, iframe, svg, form, button, style')).toHaveCount(0);
  const attrs = await body.evaluate((el) => Array.from(el.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).map((a) => `${e.localName}@${a.name}`)));
  expect(attrs).toEqual([]);
  // The task's div is text only: it covers nothing and took no id from the page.
  await expect(page.getByTestId('submit')).toBeVisible();
  await expect(view).toContainText('covered');
  await expect(page.getByTestId('html-dropped-html')).toBeVisible();
  await shot(page, 'html-hostile', 'en');
  await request.dispose();
});
