import { expect, test } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, demo, drag, exportViaDialog, imagePoint, importJsonl, login, shot, uploadMedia, useLang } from './helpers';

test('a box turned by keys and by its handle is saved with its rotation, about its centre', async ({ page, browser, request: setup }) => {
  await apiAs(setup, ADMIN);
  const projectId = await createProject(setup, {
    name: 'E2E rotated boxes',
    schema: { fields: [{ name: 'image', type: 'image' }], controls: [{ name: 'boxes', type: 'rectangles', field: 'image', labels: ['cup', 'plate'] }] },
  });
  await uploadMedia(setup, projectId, [demo('photos', 'media', 'coffee.jpg')]);
  await importJsonl(setup, projectId, [{ key: 'coffee', data: { image: 'media:coffee.jpg' } }]);

  await useLang(page, 'en');
  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${projectId}/annotate`);
  const svg = page.getByTestId('image-canvas');
  await expect(svg).toHaveAttribute('data-natural-width', '600');

  // 200 × 100 box centred on (300, 200) of the 600 × 400 photo.
  const a = await imagePoint(page, 200, 150);
  await drag(page, a, await imagePoint(page, 400, 250));
  const row = page.locator('[data-testid^="region-row-"]').filter({ hasText: 'cup' });
  await expect(row).toBeVisible();
  await row.click();
  const id = (await row.getAttribute('data-testid'))!.replace('region-row-', '');
  const group = page.getByTestId(`region-${id}`).locator('xpath=..');

  // Shift+] turns by 15°, [ back by 1°.
  await page.keyboard.press('Shift+BracketRight');
  await page.keyboard.press('Shift+BracketRight');
  await expect(row).toContainText('↻30°');
  await page.keyboard.press('BracketLeft');
  await expect(row).toContainText('↻29°');
  await expect(group).toHaveAttribute('data-rotation', '29');

  // The round handle above the top edge, dragged to point the box's top 60° clockwise from up.
  const c = await imagePoint(page, 300, 200);
  const handle = (await page.getByTestId(`rotate-${id}`).boundingBox())!;
  const reach = 160 * c.k;
  const towards = (60 - 90) * Math.PI / 180;
  await drag(page, { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 }, { x: c.x + reach * Math.cos(towards), y: c.y + reach * Math.sin(towards) });
  await expect(row).toContainText('↻60°');
  await expect(group).toHaveAttribute('transform', /^rotate\(60 /);
  // On screen the box is turned: its bounding box is now taller than the 100 px it was drawn.
  const onScreen = (await page.getByTestId(`region-${id}`).boundingBox())!;
  expect(onScreen.height / c.k).toBeGreaterThan(180);
  await shot(page, 'annotate-rotated-box', 'en');

  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('queue-empty')).toBeVisible();

  const admin = await browser.newPage();
  await login(admin, ADMIN);
  const rows = await exportViaDialog(admin, projectId) as unknown as { key: string; annotations: { result: { boxes: { x: number; y: number; width: number; height: number; rotation: number }[] } }[] }[];
  const [box] = rows.find((r) => r.key === 'coffee')!.annotations[0]!.result.boxes;
  expect(box!.rotation).toBe(60);
  const tol = 2 / c.k + 0.5;
  expect(Math.abs(box!.width - 200)).toBeLessThanOrEqual(tol);
  expect(Math.abs(box!.height - 100)).toBeLessThanOrEqual(tol);
  // Stored as Label Studio does (turned about the top-left corner), yet turned about the centre on screen.
  const r = 60 * Math.PI / 180;
  const cx = box!.x + (box!.width / 2) * Math.cos(r) - (box!.height / 2) * Math.sin(r);
  const cy = box!.y + (box!.width / 2) * Math.sin(r) + (box!.height / 2) * Math.cos(r);
  expect(Math.abs(cx - 300)).toBeLessThanOrEqual(tol);
  expect(Math.abs(cy - 200)).toBeLessThanOrEqual(tol);
  await admin.close();
});
