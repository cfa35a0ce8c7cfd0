import { expect, test } from '@playwright/test';
import { BIG_W, BIG_H, openBigImageTask, summary } from './shared';

// `npm run bench -- masks`: does mask painting keep up with the pointer on a 20-megapixel image?
// Measured inside the page: for every pointermove of a stroke, the time from the event to the next
// animation frame (what the annotator waits to see the paint) and the time the page's handlers
// took; for every stroke, pointerup to the region list showing the new mask (the mask encoded
// into the result). Figures go to stdout, one JSON line per brush size. Nothing here asserts a timing.

const STROKES = Number(process.env.YZ_BENCH_STROKES ?? 12);


declare global {
  interface Window { __mask: { frame: number[]; handler: number[]; commit: number[]; start: number; up: number } }
}

test('masks: painting latency on a 20-megapixel image', async ({ page, playwright, baseURL }) => {
  await openBigImageTask(page, playwright.request, baseURL, 'Bench: masks on 20 MP', { name: 'seg', type: 'masks', field: 'image', labels: ['road', 'car'] });
  const svg = page.getByTestId('image-canvas');
  await expect(page.getByTestId('mask-canvas')).toHaveAttribute('width', String(BIG_W));

  await page.evaluate(() => {
    window.__mask = { frame: [], handler: [], commit: [], start: 0, up: 0 };
    const m = window.__mask;
    // Capture on window runs before the page's handlers, bubbling on window after them.
    window.addEventListener('pointermove', (e) => {
      if (!e.buttons) return;
      m.start = performance.now();
      const at = e.timeStamp;
      requestAnimationFrame(() => m.frame.push(performance.now() - at));
    }, true);
    window.addEventListener('pointermove', (e) => { if (e.buttons && m.start) { m.handler.push(performance.now() - m.start); m.start = 0; } });
    window.addEventListener('pointerup', () => { m.up = performance.now(); }, true);
    new MutationObserver(() => { if (m.up) { m.commit.push(performance.now() - m.up); m.up = 0; } })
      .observe(document.querySelector('[data-testid=task-view] .regions')!, { subtree: true, childList: true, characterData: true });
  });

  const box = (await page.getByTestId('image-image').boundingBox())!;
  const zoom = Number(await svg.getAttribute('data-zoom'));
  for (const size of [24, 120]) {
    await page.getByTestId('mask-size').fill(String(size));
    await page.evaluate(() => { const m = window.__mask; m.frame = []; m.handler = []; m.commit = []; });
    const started = Date.now();
    for (let s = 0; s < STROKES; s++) {
      // A zigzag across the picture, 60 pointer moves, a new row each stroke.
      const y = box.y + box.height * (0.1 + 0.8 * (s / STROKES));
      await page.mouse.move(box.x + box.width * 0.1, y);
      await page.mouse.down();
      for (let i = 1; i <= 60; i++) await page.mouse.move(box.x + box.width * (0.1 + 0.8 * i / 60), y + (i % 2 ? 12 : -12));
      await page.mouse.up();
      await expect.poll(() => page.evaluate(() => window.__mask.up)).toBe(0);
    }
    const seconds = (Date.now() - started) / 1000;
    const m = await page.evaluate(() => window.__mask);
    const frame = summary(m.frame);
    const handler = summary(m.handler);
    const commit = summary(m.commit);
    const radius = Math.round(size / 2 / zoom);
    console.log(`20 MP masks, brush ${size} px on screen (radius ${radius} image px at zoom ${Math.round(zoom * 1000) / 10} %), ${STROKES} strokes of 60 moves in ${seconds.toFixed(1)} s:`);
    console.log(`  pointermove → next frame p50 ${frame.p50} ms, p95 ${frame.p95} ms, max ${frame.max} ms; handlers p50 ${handler.p50} ms, p95 ${handler.p95} ms; pointerup → mask in the result p50 ${commit.p50} ms, p95 ${commit.p95} ms`);
    console.log(JSON.stringify({ bench: 'masks-20mp', width: BIG_W, height: BIG_H, brushPx: size, radiusImagePx: radius, strokes: STROKES, seconds, moveToFrameMs: frame, handlerMs: handler, commitMs: commit }));
    expect(frame.n).toBeGreaterThan(STROKES * 30);
    expect(commit.n).toBe(STROKES);
  }
  const count = await page.locator('[data-testid^="region-row-"]').count();
  expect(count).toBe(1);
});
