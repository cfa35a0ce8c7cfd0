import { expect, test } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, demo, drag, exportFileViaDialog, exportViaDialog, imagePoint, importJsonl, login, shot, uploadMedia, useLang, type Lang } from './helpers';

// Per-region attributes: a box's own text and choice, on the workbench, in the JSONL and COCO exports,
// and filled in by the OCR model for each box it finds.
const schema = {
  fields: [{ name: 'image', type: 'image' }],
  controls: [
    { name: 'boxes', type: 'rectangles', field: 'image', labels: ['word', 'logo'] },
    { name: 'words', type: 'transcription', perRegion: ['boxes'] },
    { name: 'script', type: 'choices', options: ['Latin', 'Han'], perRegion: ['boxes'] },
  ],
};

const cases: { lang: Lang; text: string; script: string; hint: string }[] = [
  { lang: 'en', text: 'EXIT', script: 'Latin', hint: 'Select a region to give it its words, script.' },
  { lang: 'zh-CN', text: '出口', script: 'Han', hint: '选中一个区域后填写它的words, script。' },
];

for (const c of cases) {
  test(`a drawn box gets its own text and choice, kept in the JSONL and COCO exports (${c.lang})`, async ({ page, browser, request: setup }) => {
    await apiAs(setup, ADMIN);
    const projectId = await createProject(setup, { name: `E2E region attributes ${c.lang} ${Date.now()}`, schema });
    await uploadMedia(setup, projectId, [demo('photos', 'media', 'coffee.jpg')]);
    await importJsonl(setup, projectId, [{ key: 'coffee', data: { image: 'media:coffee.jpg' } }]);

    await useLang(page, c.lang);
    await login(page, ANNOTATOR);
    await page.goto(`/#/projects/${projectId}/annotate`);
    await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-width', '600');
    // Nothing selected: the panel says what selecting a region is for.
    await expect(page.getByTestId('attributes-hint')).toHaveText(c.hint);

    await drag(page, await imagePoint(page, 100, 80), await imagePoint(page, 300, 180));
    const row = page.locator('[data-testid^="region-row-"]').first();
    await row.click();
    const id = (await row.getAttribute('data-testid'))!.replace('region-row-', '');
    const panel = page.getByTestId('region-attributes');
    await expect(panel).toContainText(id);
    await page.getByTestId('attr-words').fill(c.text);
    await page.getByTestId(`attr-script-${c.script}`).click();
    await expect(page.getByTestId(`attr-script-${c.script}`)).toHaveAttribute('aria-checked', 'true');
    await shot(page, 'region-attributes', c.lang);

    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('queue-empty')).toBeVisible();

    const admin = await browser.newPage();
    await login(admin, ADMIN);
    const rows = await exportViaDialog(admin, projectId) as unknown as { key: string; annotations: { result: Record<string, unknown> }[] }[];
    const result = rows.find((r) => r.key === 'coffee')!.annotations[0]!.result as { boxes: { id: string }[]; words: Record<string, string>; script: Record<string, string[]> };
    expect(result.boxes.map((b) => b.id)).toEqual([id]);
    expect(result.words).toEqual({ [id]: c.text });
    expect(result.script).toEqual({ [id]: [c.script] });

    const coco = JSON.parse(await exportFileViaDialog(admin, projectId, 'coco')) as { annotations: { bbox: number[]; attributes: Record<string, unknown> }[] };
    expect(coco.annotations).toHaveLength(1);
    expect(coco.annotations[0]!.attributes).toMatchObject({ region: id, words: c.text, script: c.script });
    const [x, y, w, h] = coco.annotations[0]!.bbox as [number, number, number, number];
    expect([Math.round(x / 10), Math.round(y / 10), Math.round(w / 10), Math.round(h / 10)]).toEqual([10, 8, 20, 10]);
    await admin.close();
  });
}

test('an OCR job gives each box its own text, shown in the box\'s attribute field', async ({ page }) => {
  await useLang(page, 'en');
  await login(page, ADMIN);
  const projectId = await createProject(page.request, { name: `E2E OCR per box ${Date.now()}`, schema });
  // A picture with two lines of text, drawn in the browser.
  const png = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 480;
    canvas.height = 200;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 480, 200);
    g.fillStyle = '#000';
    g.font = 'bold 44px sans-serif';
    g.fillText('EXIT 2026', 40, 70);
    g.fillText('HELLO OCR', 40, 160);
    return canvas.toDataURL('image/png').split(',')[1]!;
  });
  const upload = await page.request.post(`/api/projects/${projectId}/media`, {
    multipart: { file0: { name: 'sign.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') } },
  });
  expect(upload.status(), await upload.text()).toBeLessThan(300);
  await importJsonl(page.request, projectId, [{ key: 'sign', data: { image: 'media:sign.png' } }]);

  const models = await (await page.request.get('/api/models')).json() as { id: number; task: string }[];
  const ocr = models.find((m) => m.task === 'text_in_images')!;
  const started = await page.request.post(`/api/projects/${projectId}/predict-jobs`, { data: { modelId: ocr.id } });
  expect(started.status(), await started.text()).toBe(202);
  const job = await started.json() as { id: number };
  await expect.poll(async () => (await (await page.request.get(`/api/predict-jobs/${job.id}`)).json() as { status: string }).status, { timeout: 90_000 }).toBe('done');

  await page.goto(`/#/projects/${projectId}/annotate`);
  await expect(page.getByTestId('region-ocr1')).toBeVisible();
  await expect(page.getByTestId('region-ocr2')).toBeVisible();
  await page.getByTestId('region-row-ocr1').click();
  await expect(page.getByTestId('attr-words')).toHaveValue('EXIT 2026');
  await shot(page, 'region-attributes-ocr', 'en');
  await page.getByTestId('region-row-ocr2').click();
  await expect(page.getByTestId('attr-words')).toHaveValue('HELLO OCR');
});
