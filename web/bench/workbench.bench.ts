import { expect, test, type Page } from '@playwright/test';
import { ADMIN, ANNOTATOR, apiAs, createProject, demoProject, demoTasks, importJsonl, login } from '../e2e/helpers';
import { BIG_W, BIG_H, openBigImageTask, summary } from './shared';

// `npm run bench`: how the workbench feels, measured inside the page (performance.now and
// requestAnimationFrame), never with sleeps. Figures go to stdout as text and one JSON line each;
// docs/benchmarks.md ("Workbench") keeps the results. Nothing here asserts a timing.

const SUBMITS = Number(process.env.YZ_BENCH_SUBMITS ?? 100);
const TASKS = Number(process.env.YZ_BENCH_TASKS ?? 300);
const PAN_ZOOM_MS = Number(process.env.YZ_BENCH_PAN_MS ?? 5000);
const TRACE = process.env.YZ_BENCH_TRACE;


declare global {
  interface Window {
    __bench: { samples: { dom: number; frame: number }[]; t0: number | null; id: string | null; text: string | null };
    __frames: { deltas: number[]; run: boolean };
  }
}

/** Submit keypress → next task's text in the DOM (MutationObserver) and → the next animation frame. */
async function installSubmitProbe(page: Page) {
  await page.evaluate(() => {
    window.__bench = { samples: [], t0: null, id: null, text: null };
    const b = window.__bench;
    const idOf = () => document.querySelector('[data-testid=task-id]')?.textContent ?? null;
    const textOf = () => document.querySelector('[data-testid=text-text]')?.textContent ?? null;
    // Capture phase on window: runs before the page's own Ctrl+Enter handler.
    window.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { b.t0 = performance.now(); b.id = idOf(); b.text = textOf(); }
    }, true);
    new MutationObserver(() => {
      if (b.t0 === null) return;
      const id = idOf();
      const text = textOf();
      if (id === null || id === b.id || !text || text === b.text) return;
      const t0 = b.t0;
      const dom = performance.now() - t0;
      b.t0 = null;
      requestAnimationFrame(() => b.samples.push({ dom, frame: performance.now() - t0 }));
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

test('workbench: submit to next task, text classification', async ({ page, playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  await apiAs(admin, ADMIN);
  const projectId = await createProject(admin, { name: `Bench: text classification ${Date.now()}`, schema: demoProject('emails').schema, overlap: 1 });
  const emails = demoTasks('emails', 60).map((t) => (t.data as { text: string }).text);
  await importJsonl(admin, projectId, Array.from({ length: TASKS }, (_, i) => ({ key: `bench-${i}`, data: { text: `${emails[i % emails.length]}\n\n(#${i})` } })));
  await admin.dispose();

  await login(page, ANNOTATOR);
  // Every queue/next answered: the first task, then one fetch-ahead per task shown.
  let nexts = 0;
  page.on('response', (r) => { if (r.url().includes('/queue/next')) nexts++; });
  await page.goto(`/#/projects/${projectId}/annotate`);
  await expect(page.getByTestId('text-text')).toBeVisible();
  await installSubmitProbe(page);

  for (let i = 0; i < SUBMITS; i++) {
    // The annotator has read the task: the next one has been fetched ahead (as it would be after
    // a few seconds' reading), and the label is chosen. Only then does the clock start.
    await expect.poll(() => nexts).toBeGreaterThanOrEqual(2 + i);
    await page.keyboard.press('1');
    await expect(page.getByTestId('choice-label-spam')).toHaveClass(/\bon\b/);
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction((n) => window.__bench.samples.length >= n, i + 1);
  }
  const samples = await page.evaluate(() => window.__bench.samples);
  const dom = summary(samples.map((s) => s.dom));
  const frame = summary(samples.map((s) => s.frame));
  console.log(`submit → next task text in DOM, ${dom.n} submits: p50 ${dom.p50} ms, p95 ${dom.p95} ms, max ${dom.max} ms`);
  console.log(`submit → next animation frame:              p50 ${frame.p50} ms, p95 ${frame.p95} ms, max ${frame.max} ms`);
  console.log(JSON.stringify({ bench: 'workbench-submit', submits: dom.n, tasks: TASKS, domMs: dom, frameMs: frame }));
  // The submissions reached the server (the figures are not of a page that silently failed).
  const r = await page.request.get(`/api/projects/${projectId}/tasks?state=annotated&limit=500`);
  expect((await r.json() as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(SUBMITS - 1);
});

test('workbench: frame times panning and zooming a 20-megapixel image', async ({ page, browser, playwright, baseURL }) => {
  const jpegBytes = await openBigImageTask(page, playwright.request, baseURL, 'Bench: 20 MP image', { name: 'box', type: 'rectangles', field: 'image', labels: ['thing'] });
  const svg = page.getByTestId('image-canvas');

  const box = (await page.getByTestId('image-image').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.evaluate(() => {
    window.__frames = { deltas: [], run: true };
    const f = window.__frames;
    let last = performance.now();
    const tick = (now: number) => { f.deltas.push(now - last); last = now; if (f.run) requestAnimationFrame(tick); };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  });
  const fitZoom = Number(await svg.getAttribute('data-zoom'));
  // YZ_BENCH_TRACE=file.json: a Chrome trace of the gesture loop, for chrome://tracing or Perfetto.
  if (TRACE) await browser.startTracing(page, { path: TRACE, screenshots: false, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'toplevel', 'blink', 'cc', 'gpu', 'viz', 'benchmark', 'disabled-by-default-cc.debug.scheduler.frames'] });
  await page.evaluate(() => {
    const w = window as unknown as { __long: { start: number; dur: number }[] };
    w.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__long.push({ start: e.startTime, dur: e.duration }); }).observe({ type: 'longtask' });
  });
  const zooms: number[] = [];
  const started = Date.now();
  let rounds = 0;
  while (Date.now() - started < PAN_ZOOM_MS) {
    rounds++;
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -120); // zoom in around the cursor
    zooms.push(Number(await svg.getAttribute('data-zoom')));
    await page.keyboard.down(' '); // Space + drag pans
    await page.mouse.down();
    await page.mouse.move(cx - 300, cy - 200, { steps: 20 });
    await page.mouse.move(cx + 200, cy + 150, { steps: 20 });
    await page.mouse.up();
    await page.keyboard.up(' ');
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, 120); // and out again
    await page.keyboard.press('+');
    await page.keyboard.press('-');
    await page.keyboard.press('f');
  }
  const deltas = await page.evaluate(() => { window.__frames.run = false; return window.__frames.deltas; });
  if (TRACE) await browser.stopTracing();
  const longTasks = await page.evaluate(() => (window as unknown as { __long: { start: number; dur: number }[] }).__long);
  console.log(`long tasks on the main thread: ${longTasks.length}, total ${Math.round(longTasks.reduce((a, b) => a + b.dur, 0))} ms`);
  const frames = summary(deltas);
  const slow = deltas.filter((d) => d > 50).length;
  const seconds = (Date.now() - started) / 1000;
  console.log(`20 MP image (${BIG_W}×${BIG_H}, ${(jpegBytes / 1e6).toFixed(1)} MB JPEG), ${rounds} rounds of wheel zoom, Space+drag pan, +/−/F in ${seconds.toFixed(1)} s:`);
  console.log(`frame time p50 ${frames.p50} ms, p95 ${frames.p95} ms, max ${frames.max} ms; ${slow} of ${frames.n} frames over 50 ms`);
  console.log(JSON.stringify({ bench: 'workbench-image-20mp', width: BIG_W, height: BIG_H, jpegBytes: jpegBytes, seconds, rounds, frameMs: frames, framesOver50ms: slow }));
  // The figures are of a view that really zoomed, not of an idle page.
  expect(Math.min(...zooms)).toBeGreaterThan(fitZoom * 2);
  expect(frames.n).toBeGreaterThan(10);
});
