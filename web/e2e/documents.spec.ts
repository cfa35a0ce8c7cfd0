import { expect, test, type APIRequestContext } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, demo, drag, exportFileViaDialog, exportViaDialog, imagePoint, importJsonl, login, shot, uploadMedia, useLang } from './helpers';

// The document field end to end: a two-page PDF made here (no fixture file), uploaded as media,
// drawn by pdf.js page by page; a box drawn on page 2 with its OCR text typed, submitted, and the
// export holding the box on page index 1 with the page's size and the text.

/** A PDF of two US Letter pages, each with a filled bar and a line of text, cross-reference table included. */
function twoPagePdf(): Buffer {
  const page = (text: string, y: number) => `0.2 0.4 0.8 rg 72 ${y} 300 40 re f BT /F1 24 Tf 72 ${y + 60} Td (${text}) Tj ET`;
  const streams = [page('Page one', 600), page('Page two: Total 42', 500)];
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 7 0 R >> >> >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>',
    ...streams.map((s) => `<< /Length ${s.length} >>\nstream\n${s}\nendstream`),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

async function uploadPdf(request: APIRequestContext, projectId: number) {
  const r = await request.post(`/api/projects/${projectId}/media`, {
    multipart: { file0: { name: 'report.pdf', mimeType: 'application/pdf', buffer: twoPagePdf() } },
  });
  expect(r.status(), await r.text()).toBeLessThan(300);
  expect((await r.json() as { contentType: string }[])[0]!.contentType).toBe('application/pdf');
}

const SCHEMA = {
  fields: [{ name: 'doc', type: 'document' }],
  controls: [
    { name: 'bbox', type: 'rectangles', field: 'doc', labels: [{ value: 'Text' }, { value: 'Table' }] },
    { name: 'ocr', type: 'transcription', perRegion: ['bbox'] },
  ],
};

for (const lang of ['en', 'zh-CN'] as const) {
  test(`document: a PDF page by page, a box on page 2 with its text, submitted and exported (${lang})`, async ({ page, playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    await apiAs(request, ADMIN);
    const projectId = await createProject(request, { name: `E2E document ${lang}`, schema: SCHEMA });
    await uploadPdf(request, projectId);
    await importJsonl(request, projectId, [{ key: 'doc1', data: { doc: 'media:report.pdf' } }]);

    await useLang(page, lang);
    await login(page, ANNOTATOR);
    await page.goto(`/#/projects/${projectId}/annotate`);
    const pageLabel = page.getByTestId('doc-page');
    await expect(pageLabel).toHaveText(lang === 'en' ? 'Page 1 of 2' : '第 1 页，共 2 页');
    // pdf.js drew the page at 2× its 612 × 792 points.
    await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-width', '1224');
    await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-height', '1584');

    await page.getByTestId('doc-next').click();
    await expect(pageLabel).toHaveText(lang === 'en' ? 'Page 2 of 2' : '第 2 页，共 2 页');
    await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-width', '1224');
    // The blue bar of page 2 lies at x 72..372 pt, y 252..292 pt from the top: 144..744, 504..584 px at 2×.
    await drag(page, await imagePoint(page, 140, 480, 'doc'), await imagePoint(page, 760, 600, 'doc'));
    await expect(page.getByTestId('doc-boxes')).toHaveText(lang === 'en' ? 'Boxes on this page: 1' : '本页有 1 个框');
    await page.getByTestId('attr-ocr').fill('Page two: Total 42');
    await shot(page, 'document-page2', lang);

    // Page 1 shows none of page 2's boxes.
    await page.keyboard.press('Escape');
    await page.getByTestId('doc-prev').click();
    await expect(pageLabel).toHaveText(lang === 'en' ? 'Page 1 of 2' : '第 1 页，共 2 页');
    await expect(page.getByTestId('doc-boxes')).toHaveText(lang === 'en' ? 'Boxes on this page: 0' : '本页有 0 个框');
    await expect(page.locator('[data-testid="image-canvas"] rect.region')).toHaveCount(0);

    await page.getByTestId('submit').click();
    await expect(page.getByTestId('doc-page')).toHaveCount(0);

    await login(page, ADMIN);
    // The app reads who is signed in when it loads: leave it, so the export page loads as the admin's.
    await page.goto('about:blank');
    const rows = await exportViaDialog(page, projectId);
    const result = (rows[0]!.annotations as { result: { bbox: Record<string, number | string>[]; ocr: Record<string, string> } }[])[0]!.result;
    const box = result.bbox[0]!;
    expect([box.page, box.pageWidth, box.pageHeight, box.label]).toEqual([1, 1224, 1584, 'Text']);
    expect(Number(box.x)).toBeGreaterThan(130);
    expect(Number(box.width)).toBeGreaterThan(600);
    expect(result.ocr[String(box.id)]).toBe('Page two: Total 42');
  });
}

// Label Studio's Repeater over a task's array of pages ({ "page": url } items), as the gallery's
// multipage-documents writes it less its per-page rating: a document whose pages are the items, a
// box on page 2 with its text, exported as Label Studio names a Repeater's results (labels_1 on
// page_1) and imported again into a project made from the same config.
const REPEATER_XML = `<View>
  <Repeater on="$document" indexFlag="{{idx}}" mode="pagination">
    <Image name="page_{{idx}}" value="$document[{{idx}}].page" inline="true"/>
    <RectangleLabels name="labels_{{idx}}" toName="page_{{idx}}"><Label value="Title"/><Label value="Date"/></RectangleLabels>
    <TextArea name="transcription_{{idx}}" toName="page_{{idx}}" perRegion="true"/>
  </Repeater>
</View>`;

interface LsItem { from_name: string; to_name: string; type: string; item_index?: number; value: Record<string, unknown> }

for (const lang of ['en', 'zh-CN'] as const) {
  test(`document: a Label Studio Repeater over page images, a box on page 2, exported and imported back (${lang})`, async ({ page, playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    await apiAs(request, ADMIN);
    const projectId = await createProject(request, { name: `E2E repeater ${lang}`, labelStudioXml: REPEATER_XML });
    await uploadMedia(request, projectId, [demo('photos', 'media', 'camera.jpg'), demo('photos', 'media', 'coffee.jpg')]);
    const media = `/api/projects/${projectId}/media/`;
    await importJsonl(request, projectId, [{ key: 'rep1', data: { document: [{ page: `${media}camera.jpg` }, { page: `${media}coffee.jpg` }] } }]);

    await useLang(page, lang);
    await login(page, ANNOTATOR);
    await page.goto(`/#/projects/${projectId}/annotate`);
    const pageLabel = page.getByTestId('doc-page');
    await expect(pageLabel).toHaveText(lang === 'en' ? 'Page 1 of 2' : '第 1 页，共 2 页');
    await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-width', '512');
    await page.getByTestId('doc-next').click();
    await expect(pageLabel).toHaveText(lang === 'en' ? 'Page 2 of 2' : '第 2 页，共 2 页');
    await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-width', '600');
    await drag(page, await imagePoint(page, 100, 100, 'document'), await imagePoint(page, 400, 250, 'document'));
    await expect(page.getByTestId('doc-boxes')).toHaveText(lang === 'en' ? 'Boxes on this page: 1' : '本页有 1 个框');
    await page.getByTestId('attr-transcription').fill('A cup of coffee');
    await shot(page, 'document-repeater', lang);
    await page.keyboard.press('Escape');
    await page.getByTestId('submit').click();
    await expect(page.getByTestId('doc-page')).toHaveCount(0);

    await login(page, ADMIN);
    await page.goto('about:blank');
    const exported = JSON.parse(await exportFileViaDialog(page, projectId, 'labelstudio')) as { data: unknown; annotations: { result: LsItem[] }[] }[];
    const items = exported[0]!.annotations[0]!.result;
    expect(items.map((i) => [i.from_name, i.to_name, i.type, i.item_index])).toEqual([
      ['labels_1', 'page_1', 'rectanglelabels', undefined],
      ['transcription_1', 'page_1', 'textarea', undefined],
    ]);
    expect(items[1]!.value.text).toEqual(['A cup of coffee']);

    // The export loads back: a second project from the same config takes it whole.
    const again = await createProject(request, { name: `E2E repeater again ${lang}`, labelStudioXml: REPEATER_XML });
    const r = await request.post(`/api/projects/${again}/imports?format=labelstudio`, {
      data: JSON.stringify(exported), headers: { 'content-type': 'application/json' },
    });
    expect(r.status(), await r.text()).toBeLessThan(300);
    const rows = await exportViaDialog(page, again);
    const result = (rows[0]!.annotations as { result: { labels: Record<string, number | string>[]; transcription: Record<string, string> } }[])[0]!.result;
    const box = result.labels[0]!;
    expect([box.page, box.pageWidth, box.pageHeight, box.label]).toEqual([1, 600, 400, 'Title']);
    expect(result.transcription[String(box.id)]).toBe('A cup of coffee');
  });
}
