import { expect, test, type APIRequestContext } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, drag, exportViaDialog, imagePoint, importJsonl, login, shot, useLang } from './helpers';

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
