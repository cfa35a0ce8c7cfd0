import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { ADMIN, ANNOTATOR, apiAs, createProject, demo, importJsonl, login } from '../e2e/helpers';
import type { Control } from '../src/lib/schema';

// 5472 × 3648 = 19.96 megapixels, a 20 MP camera's 3:2 frame.
export const BIG_W = 5472;
export const BIG_H = 3648;

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Count, median, 95th percentile and maximum, to a tenth. */
export function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return { n: s.length, p50: r(quantile(s, 0.5)), p95: r(quantile(s, 0.95)), max: r(s[s.length - 1] ?? NaN) };
}

/**
 * A big picture for the image benchmarks: a demo photo scaled up by the browser's own canvas, with
 * a fine grid over it so the JPEG has detail at every scale, encoded as JPEG like a camera's.
 */
export async function bigJpeg(page: Page, w: number, h: number): Promise<Buffer> {
  const photo = readFileSync(demo('photos', 'media', 'rocket.jpg')).toString('base64');
  const big = await page.evaluate(async ([b64, width, height]) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const src = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
    const canvas = new OffscreenCanvas(width, height);
    const g = canvas.getContext('2d')!;
    g.drawImage(src, 0, 0, width, height);
    g.strokeStyle = 'rgba(255,255,255,0.25)';
    g.lineWidth = 1;
    for (let x = 0; x < width; x += 16) { g.beginPath(); g.moveTo(x + 0.5, 0); g.lineTo(x + 0.5, height); g.stroke(); }
    for (let y = 0; y < height; y += 16) { g.beginPath(); g.moveTo(0, y + 0.5); g.lineTo(width, y + 0.5); g.stroke(); }
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    const buf = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
    return btoa(s);
  }, [photo, w, h] as const);
  return Buffer.from(big, 'base64');
}

/**
 * Logs the annotator in and opens a one-task project whose image is the 20 MP picture, labelled by
 * `control` (on the field `image`), once the picture and its smaller copies are decoded — as it is
 * after the first look at a task. Answers the JPEG's size in bytes.
 */
export async function openBigImageTask(page: Page, request: { newContext: (o: { baseURL?: string }) => Promise<APIRequestContext> }, baseURL: string | undefined, name: string, control: Control): Promise<number> {
  await login(page, ANNOTATOR);
  await page.goto('/#/');
  await expect(page.getByTestId('user-name')).toBeVisible();
  const jpeg = await bigJpeg(page, BIG_W, BIG_H);
  const admin = await request.newContext({ baseURL });
  await apiAs(admin, ADMIN);
  const projectId = await createProject(admin, { name: `${name} ${Date.now()}`, schema: { fields: [{ name: 'image', type: 'image' }], controls: [control] } });
  const up = await admin.post(`/api/projects/${projectId}/media`, { multipart: { file: { name: 'big.jpg', mimeType: 'image/jpeg', buffer: jpeg } } });
  expect(up.status(), await up.text()).toBeLessThan(300);
  await importJsonl(admin, projectId, [{ key: 'big', data: { image: 'media:big.jpg' } }]);
  await admin.dispose();
  await page.goto(`/#/projects/${projectId}/annotate`);
  const svg = page.getByTestId('image-canvas');
  await expect(svg).toHaveAttribute('data-natural-width', String(BIG_W), { timeout: 60_000 });
  await expect(svg).toHaveAttribute('data-levels', /^[1-9]/, { timeout: 60_000 });
  return jpeg.length;
}
