import { expect, test, type Page } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, demo, drag, exportViaDialog, imagePoint, importJsonl, login, shot, uploadMedia, useLang } from './helpers';

const words = {
  en: { brush: 'Brush', eraser: 'Eraser', hide: 'Hide masks', show: 'Show masks', pixels: 'pixels' },
  'zh-CN': { brush: '画笔', eraser: '橡皮擦', hide: '隐藏掩码', show: '显示掩码', pixels: '个像素' },
} as const;

/** The alpha of the mask layer at an image pixel (the layer is the image's own size). */
async function maskAlpha(page: Page, x: number, y: number): Promise<number> {
  return page.getByTestId('mask-canvas').evaluate((c: HTMLCanvasElement, [px, py]) => c.getContext('2d')!.getImageData(px!, py!, 1, 1).data[3]!, [x, y]);
}

/** The pixel count a mask's row in the region list shows. */
async function pixels(page: Page, label: string): Promise<number> {
  const text = await page.locator('[data-testid^="region-row-"]').filter({ hasText: label }).textContent();
  return Number(/([\d,]+)\s*(?:pixels|个像素)/.exec(text ?? '')![1]!.replace(/,/g, ''));
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`masks (${lang}): paint, erase, undo, hide, reload and submit keep the mask`, async ({ page, request: setup }) => {
    const w = words[lang];
    await apiAs(setup, ADMIN);
    const projectId = await createProject(setup, {
      name: `E2E masks ${lang} ${Date.now()}`,
      schema: { fields: [{ name: 'image', type: 'image' }], controls: [{ name: 'seg', type: 'masks', field: 'image', labels: ['cup', 'plate'] }] },
    });
    await uploadMedia(setup, projectId, [demo('photos', 'media', 'coffee.jpg')]);
    await importJsonl(setup, projectId, [{ key: 'coffee', data: { image: 'media:coffee.jpg' } }]);

    await useLang(page, lang);
    await login(page, ANNOTATOR);
    await page.goto(`/#/projects/${projectId}/annotate`);
    await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-width', '600');
    const tools = page.getByTestId('mask-tools');
    await expect(tools).toContainText(w.brush);
    await expect(tools).toContainText(w.eraser);
    await expect(page.getByTestId('mask-canvas')).toHaveAttribute('width', '600');

    // A stroke with the cup label across (150, 200) → (450, 200) of the 600 × 400 photo; ] makes the brush larger.
    await page.keyboard.press('BracketRight');
    await expect(page.getByTestId('mask-size-value')).toContainText('30');
    await drag(page, await imagePoint(page, 150, 200), await imagePoint(page, 450, 200));
    const row = page.locator('[data-testid^="region-row-"]').filter({ hasText: 'cup' });
    await expect(row).toContainText(w.pixels);
    const painted = await pixels(page, 'cup');
    expect(painted).toBeGreaterThan(300);
    expect(await maskAlpha(page, 300, 200)).toBeGreaterThan(0);
    expect(await maskAlpha(page, 300, 100)).toBe(0);

    // The plate label (hotkey 2) paints a mask of its own.
    await page.keyboard.press('2');
    await drag(page, await imagePoint(page, 300, 320), await imagePoint(page, 320, 330));
    await expect(page.locator('[data-testid^="region-row-"]').filter({ hasText: 'plate' })).toBeVisible();

    // The eraser (E) on the cup cuts the stroke in two; undo brings it back, redo takes it away again.
    await page.keyboard.press('1');
    await page.keyboard.press('e');
    await expect(page.getByTestId('mask-eraser')).toHaveAttribute('aria-pressed', 'true');
    await drag(page, await imagePoint(page, 300, 150), await imagePoint(page, 300, 250));
    await expect.poll(() => pixels(page, 'cup')).toBeLessThan(painted);
    const erased = await pixels(page, 'cup');
    expect(await maskAlpha(page, 300, 200)).toBe(0);
    expect(await maskAlpha(page, 200, 200)).toBeGreaterThan(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => pixels(page, 'cup')).toBe(painted);
    expect(await maskAlpha(page, 300, 200)).toBeGreaterThan(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => pixels(page, 'cup')).toBe(erased);
    await page.keyboard.press('b');
    await expect(page.getByTestId('mask-brush')).toHaveAttribute('aria-pressed', 'true');

    // H hides the masks of the control and shows them again.
    await page.keyboard.press('h');
    await expect(page.getByTestId('mask-visibility')).toContainText(w.show);
    await expect.poll(() => maskAlpha(page, 200, 200)).toBe(0);
    await page.keyboard.press('h');
    await expect(page.getByTestId('mask-visibility')).toContainText(w.hide);
    await expect.poll(() => maskAlpha(page, 200, 200)).toBeGreaterThan(0);
    await shot(page, 'annotate-masks', lang);

    // A reload restores the draft, masks included.
    await expect(page.getByTestId('draft-status')).not.toHaveText(/…|\.\.\./, { timeout: 10_000 });
    await page.reload();
    await expect(page.getByTestId('image-canvas')).toHaveAttribute('data-natural-width', '600');
    await expect.poll(() => pixels(page, 'cup')).toBe(erased);
    await expect.poll(() => maskAlpha(page, 200, 200)).toBeGreaterThan(0);
    expect(await maskAlpha(page, 300, 200)).toBe(0);

    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('queue-empty')).toBeVisible();

    const admin = await page.context().browser()!.newPage();
    await login(admin, ADMIN);
    const rows = await exportViaDialog(admin, projectId) as unknown as { key: string; annotations: { result: { seg: { label: string; mask: { size: number[]; counts: string } }[] } }[] }[];
    const seg = rows.find((r) => r.key === 'coffee')!.annotations[0]!.result.seg;
    expect(seg.map((m) => m.label).sort()).toEqual(['cup', 'plate']);
    for (const m of seg) {
      expect(m.mask.size).toEqual([400, 600]);
      expect(m.mask.counts).toMatch(/^[0-o]+$/);
    }
    await admin.close();
  });
}
