import { expect, test, type Page } from '@playwright/test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN, ANNOTATOR, apiAs, createProject, exportViaDialog, importJsonl, login, shot, uploadMedia, useLang } from './helpers';

// The video view and the tracks control (issue 17): a box drawn at frame 1, moved at frame 31 (a
// second keyframe), the box between them interpolated at frame 16; submitted; the export has the
// track with both keyframes, and a scene marked on the timeline with [ and ] as a segment. Once in each language, with the words of that language.

const clip = join(dirname(fileURLToPath(import.meta.url)), 'media', 'clip.webm');
const schema = {
  fields: [{ name: 'video', type: 'video' }],
  controls: [
    { name: 'box', type: 'tracks', field: 'video', labels: [{ value: 'Car', hotkey: '1' }, { value: 'Person', hotkey: '2' }] },
    { name: 'scenes', type: 'segments', field: 'video', labels: ['Day'] },
  ],
};
const words: Record<'en' | 'zh-CN', { frame: (n: number) => RegExp; hide: string }> = {
  en: { frame: (n) => new RegExp(`Frame ${n} / 7[45]`), hide: 'Hide box from here' },
  'zh-CN': { frame: (n) => new RegExp(`第 ${n} 帧 / 共 7[45] 帧`), hide: '从此帧起隐藏框' },
};

/** The frame the paused video shows and the overlay was drawn for, or 0 while they differ or a seek is in flight. */
async function settledFrame(page: Page): Promise<number> {
  return page.evaluate(() => {
    const v = document.querySelector('video')!;
    const drawn = Number(document.querySelector<HTMLElement>('[data-testid=video-overlay]')!.dataset.frame);
    const shown = Math.floor(v.currentTime * 25 + 1e-6) + 1;
    return !v.seeking && v.paused && drawn === shown ? drawn : 0;
  });
}

/** The overlay's boxes while paused, as `id: [x, y, width, height]` in percent. */
async function boxes(page: Page): Promise<Record<string, number[]>> {
  const text = (await page.getByTestId('video-overlay').getAttribute('data-boxes')) ?? '';
  return Object.fromEntries(text.split(' ').filter(Boolean).map((s) => { const [id, v] = s.split(':'); return [id!, v!.split(',').map(Number)]; }));
}

for (const lang of ['en', 'zh-CN'] as const) {
  test(`video (${lang}): a tracked box with two keyframes, interpolated between them, submitted and exported`, async ({ page, request }) => {
    await useLang(page, lang);
    await apiAs(request, ADMIN);
    const id = await createProject(request, { name: `E2E video ${lang}`, schema });
    await uploadMedia(request, id, [clip]);
    await importJsonl(request, id, [{ key: 'clip', data: { video: 'media:clip.webm' } }]);

    await login(page, ANNOTATOR);
    await page.goto(`/#/projects/${id}/annotate`);
    const overlay = page.getByTestId('video-overlay');
    await expect(page.getByTestId('video-frame')).toHaveText(words[lang].frame(1));
    await expect(page.getByTestId('video-waveform')).toBeVisible();

    // Frame 1: draw a box from (10%, 20%) to (40%, 50%).
    const r = (await overlay.boundingBox())!;
    const at = (px: number, py: number) => [r.x + (px / 100) * r.width, r.y + (py / 100) * r.height] as const;
    await page.mouse.move(...at(10, 20));
    await page.mouse.down();
    await page.mouse.move(...at(25, 35), { steps: 4 });
    await page.mouse.move(...at(40, 50), { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => Object.keys(await boxes(page))).toEqual(['t1']);
    const [x0, y0, w0, h0] = (await boxes(page)).t1!;
    expect(x0).toBeCloseTo(10, 0); expect(y0).toBeCloseTo(20, 0); expect(w0).toBeCloseTo(30, 0); expect(h0).toBeCloseTo(30, 0);

    // 30 frames on (Shift+→ three times), then move the box right and down by 20% (a new keyframe).
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
    await expect(page.getByTestId('video-frame')).toHaveText(words[lang].frame(31));
    await expect(overlay).toHaveAttribute('data-frame', '31');
    await page.mouse.move(...at(25, 35));
    await page.mouse.down();
    await page.mouse.move(...at(35, 45), { steps: 4 });
    await page.mouse.move(...at(45, 55), { steps: 4 });
    await page.mouse.up();
    await expect(page.getByTestId('keyframe-31')).toBeAttached();
    await expect(page.getByTestId('keyframe-1')).toBeAttached();
    await expect(page.getByText(words[lang].hide)).toBeVisible();
    await expect.poll(async () => (await boxes(page)).t1?.[0]).toBeCloseTo(30, 0);

    // Frame 16, half way: the box is half way too.
    // The overlay draws each frame the video presents, so while the steps' seeks land it may show a
    // frame on the way: wait until the video has settled on 16 and read the frame and its boxes together.
    for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowLeft');
    await expect.poll(() => settledFrame(page)).toBe(16);
    const [x, y, w, h] = (await boxes(page)).t1!;
    expect(x).toBeCloseTo(20, 0); expect(y).toBeCloseTo(30, 0); expect(w).toBeCloseTo(30, 0); expect(h).toBeCloseTo(30, 0);

    // A scene on the timeline: [ at frame 16, ten frames on, ] — a segment of the `segments` control.
    await page.keyboard.press('[');
    await page.keyboard.press('Shift+ArrowRight');
    await expect(overlay).toHaveAttribute('data-frame', '26');
    await page.keyboard.press(']');
    const scene = page.locator('[data-testid=video-timeline] .segment');
    await expect(scene).toHaveCount(1);
    await expect(scene).toContainText('Day');
    await page.keyboard.press('Shift+ArrowLeft');
    await expect(overlay).toHaveAttribute('data-frame', '16');
    // The picture too (the boxes are drawn at once, the frame when its seek lands): shown, not seeking.
    await expect.poll(() => page.evaluate(() => { const v = document.querySelector('video')!; return v.seeking ? 0 : Math.floor(v.currentTime * 25 + 1e-6) + 1; })).toBe(16);
    await shot(page, 'video-tracks', lang);

    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('video-overlay')).toHaveCount(0);

    // The export has the track with both keyframes, as they were drawn.
    await login(page, ADMIN);
    await page.goto('about:blank');
    type Result = { box: { label: string; sequence: { frame: number; x: number }[] }[]; scenes: { label: string; start: number; end: number }[] };
    const rows = await exportViaDialog(page, id) as unknown as { key: string; annotations: { result: Result }[] }[];
    const result = rows.find((row) => row.key === 'clip')!.annotations[0]!.result;
    const track = result.box[0]!;
    expect(track.label).toBe('Car');
    expect(track.sequence.map((k) => k.frame)).toEqual([1, 31]);
    expect(track.sequence[1]!.x).toBeCloseTo(30, 0);
    // Whole frames at 25 fps: from the start of frame 16 (0.60 s) to the end of frame 26 (1.04 s).
    expect(result.scenes).toHaveLength(1);
    expect(result.scenes[0]!.label).toBe('Day');
    expect(result.scenes[0]!.start).toBeCloseTo(0.6, 3);
    expect(result.scenes[0]!.end).toBeCloseTo(1.04, 3);
  });
}

test('video: a drag on the timeline shows scrub proxy frames with their own boxes, and the release the exact frame', async ({ page, request }) => {
  await apiAs(request, ADMIN);
  const id = await createProject(request, { name: 'E2E video scrub', schema });
  await uploadMedia(request, id, [clip]);
  // One track moving from x 0% at frame 1 to x 74% at frame 75: the box's x tells its frame (x = frame − 1).
  const track = { id: 'mover', label: 'Car', framesCount: 75, duration: 3, sequence: [
    { frame: 1, x: 0, y: 40, width: 10, height: 20, enabled: true }, { frame: 75, x: 74, y: 40, width: 10, height: 20, enabled: true }] };
  await importJsonl(request, id, [{ key: 'scrub', data: { video: 'media:clip.webm' }, predictions: [{ model: 'e2e', result: { box: [track] } }] }]);
  // The server makes the proxy in the background (ffmpeg): wait for it.
  await expect.poll(async () => ((await (await request.get(`/api/projects/${id}/scrub?name=clip.webm`)).json()) as { status: string }).status, { timeout: 60_000 }).toBe('ready');

  await login(page, ANNOTATOR);
  await page.goto(`/#/projects/${id}/annotate`);
  await expect(page.getByTestId('video-scrub')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('video-frame')).toHaveText(words.en.frame(1));
  await expect.poll(() => page.evaluate(() => document.querySelector('video')!.readyState)).toBeGreaterThanOrEqual(2);

  // Drag from the start to 60% of the timeline (frame 46 of 75) and hold there, pointer still down.
  const timeline = page.getByTestId('video-timeline');
  const r = (await timeline.boundingBox())!;
  const y = r.y + r.height / 2;
  await page.mouse.move(r.x + 1, y);
  await page.mouse.down();
  await page.mouse.move(r.x + r.width * 0.3, y, { steps: 5 });
  await page.mouse.move(r.x + r.width * 0.6, y, { steps: 5 });
  const overlay = page.getByTestId('video-overlay');
  await expect(overlay).toHaveAttribute('data-picture', 'proxy');
  const held = await page.evaluate(() => {
    const cv = document.querySelector<HTMLCanvasElement>('[data-testid=video-overlay]')!;
    const pc = document.querySelector<HTMLCanvasElement>('[data-testid=video-proxy]')!;
    const v = document.querySelector('video')!;
    // The proxy picture is on its canvas, at the proxy's own size, shown over the hidden video, which was never asked to seek.
    return { frame: Number(cv.dataset.frame), proxy: getComputedStyle(pc).visibility, video: getComputedStyle(v).visibility, width: pc.width,
      videoFrame: Math.floor(v.currentTime * 25 + 1e-6) + 1, seeking: v.seeking };
  });
  expect(held.proxy).toBe('visible');
  expect(held.video).toBe('hidden');
  expect(held.width).toBeGreaterThan(0);
  expect(held.videoFrame).toBe(1);
  expect(held.seeking).toBe(false);
  const asked = Math.floor(0.6 * 3 * 25 + 1e-6) + 1;
  expect(Math.abs(held.frame - asked)).toBeLessThanOrEqual(1);
  await expect(page.getByTestId('video-frame')).toHaveText(words.en.frame(held.frame));

  // The release: the video seeks to the exact frame and, once it presents it, shows it itself; the boxes are that frame's.
  await page.mouse.up();
  await expect(overlay).toHaveAttribute('data-picture', 'video');
  await expect.poll(() => settledFrame(page)).toBe(held.frame);
  const x = (await boxes(page)).mover![0]!;
  expect(x).toBeCloseTo(held.frame - 1, 1);
  // No proxy picture is left over the video: the full-size frame shows, and the overlay holds the boxes alone.
  const after = await page.evaluate(() => {
    const cv = document.querySelector<HTMLCanvasElement>('[data-testid=video-overlay]')!;
    const pc = document.querySelector<HTMLCanvasElement>('[data-testid=video-proxy]')!;
    return { proxy: getComputedStyle(pc).visibility, video: getComputedStyle(document.querySelector('video')!).visibility,
      alpha: cv.getContext('2d')!.getImageData(Math.round(cv.width * 0.5), Math.round(cv.height * 0.15), 1, 1).data[3] };
  });
  expect(after).toEqual({ proxy: 'hidden', video: 'visible', alpha: 0 });
});
