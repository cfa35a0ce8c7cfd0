import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { demo } from '../e2e/helpers';

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
