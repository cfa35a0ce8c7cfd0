import { expect, test } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, importJsonl, login } from '../e2e/helpers';
import { summary } from './shared';

// `npm run bench -- timeseries`: does a time series of 1 M points zoom in ≤ 100 ms?
// One task whose field names a CSV of 1,000,000 rows × 2 channels, answered by the test itself on a
// same-origin path (page.route), so the page fetches and parses it as it would any CSV reference.
// A zoom step is timed inside the page from the wheel event to the channels drawn at the new scale
// (the view's layout effect, which bumps `data-drawn`) and to the next animation frame after it.
// Figures go to stdout, one JSON line; nothing here asserts a timing.

const POINTS = Number(process.env.YZ_BENCH_POINTS ?? 1_000_000);
const STEPS = Number(process.env.YZ_BENCH_STEPS ?? 40);

declare global {
  interface Window { __zoom: { start: number; drawn: number[]; frame: number[] } }
}

function csv(n: number): string {
  const rows = ['time,velocity,acceleration'];
  let x = 7;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    rows.push(`${i},${(Math.sin(i / 5000) * 100 + (x / 2147483648) * 10).toFixed(3)},${(Math.cos(i / 777) * 5).toFixed(3)}`);
  }
  return rows.join('\n');
}

test('time series: zoom steps on 1 M points', async ({ page, playwright, baseURL }) => {
  const body = csv(POINTS);
  await page.route('**/bench-data/series.csv', (route) => route.fulfill({ status: 200, contentType: 'text/csv', body }));
  const admin = await playwright.request.newContext({ baseURL });
  await apiAs(admin, ADMIN);
  const projectId = await createProject(admin, {
    name: `Bench: time series ${POINTS} ${Date.now()}`,
    schema: {
      fields: [{ name: 'ts', type: 'timeseries' }],
      controls: [{ name: 'events', type: 'timeseries', field: 'ts', labels: ['Run', 'Spike'] }],
    },
  });
  await importJsonl(admin, projectId, [{ key: 'big', data: { ts: '/bench-data/series.csv' } }]);
  await admin.dispose();

  await login(page, ANNOTATOR);
  const opened = Date.now();
  await page.goto(`/#/projects/${projectId}/annotate`);
  const view = page.getByTestId('timeseries-ts');
  await expect(view).toHaveAttribute('data-points', String(POINTS), { timeout: 120_000 });
  const charts = page.getByTestId('ts-charts-ts');
  await expect(charts).toHaveAttribute('data-drawn', /\d/);
  const loadSeconds = (Date.now() - opened) / 1000;

  await page.evaluate(() => {
    window.__zoom = { start: 0, drawn: [], frame: [] };
    const z = window.__zoom;
    const el = document.querySelector('[data-testid="ts-charts-ts"]')!;
    window.addEventListener('wheel', (e) => { z.start = e.timeStamp; }, true);
    new MutationObserver(() => {
      if (!z.start) return;
      const start = z.start;
      z.start = 0;
      z.drawn.push(performance.now() - start);
      requestAnimationFrame(() => z.frame.push(performance.now() - start));
    }).observe(el, { attributes: true, attributeFilter: ['data-drawn'] });
  });

  const box = (await charts.boundingBox())!;
  const width = Number(await page.evaluate(() => document.querySelector('canvas')!.width));
  const started = Date.now();
  for (let s = 0; s < STEPS; s++) {
    // In, in, in…, then out again; at points spread over the chart.
    const f = 0.1 + 0.8 * ((s * 37) % STEPS) / STEPS;
    await page.mouse.move(box.x + box.width * f, box.y + box.height / 2);
    const before = await charts.getAttribute('data-drawn');
    await page.mouse.wheel(0, s < STEPS / 2 ? -120 : 120);
    await expect(charts).not.toHaveAttribute('data-drawn', before!);
    await expect.poll(() => page.evaluate(() => window.__zoom.frame.length)).toBe(s + 1);
  }
  const seconds = (Date.now() - started) / 1000;
  const z = await page.evaluate(() => window.__zoom);
  const spanShown = await view.evaluate((el) => Number(el.getAttribute('data-t1')) - Number(el.getAttribute('data-t0')));
  const drawn = summary(z.drawn);
  const frame = summary(z.frame);
  console.log(`time series, ${POINTS.toLocaleString()} points × 2 channels, ${width} device px per canvas: loaded (fetch, parse, levels, first draw) in ${loadSeconds.toFixed(1)} s; ${STEPS} zoom steps in ${seconds.toFixed(1)} s`);
  console.log(`  wheel → channels drawn p50 ${drawn.p50} ms, p95 ${drawn.p95} ms, max ${drawn.max} ms; wheel → next frame p50 ${frame.p50} ms, p95 ${frame.p95} ms, max ${frame.max} ms`);
  console.log(JSON.stringify({ bench: 'timeseries-zoom', points: POINTS, channels: 2, canvasPx: width, steps: STEPS, loadSeconds, wheelToDrawnMs: drawn, wheelToFrameMs: frame, finalSpan: spanShown }));
  expect(drawn.n).toBe(STEPS);
});
