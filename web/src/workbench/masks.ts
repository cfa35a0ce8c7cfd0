// Pure logic of the masks control: COCO run lengths (as pycocotools writes them), painting a brush
// stroke into a bitmap at image resolution, and the bounds that keep both cheap on big images.
// The server's MaskRle (src/Yunzhong.Core/Quality/MaskRle.cs) reads and writes the same strings.

/** A region of a masks control: COCO's compressed RLE object, size [height, width]. */
export interface MaskRegion { id: string; label: string; mask: { size: [number, number]; counts: string } }

/** A rectangle of pixels: x, y, width, height. */
export interface PixelRect { x: number; y: number; w: number; h: number }

/** Inclusive bounds of what a bitmap may hold; empty when maxX < minX. */
export interface Bounds { minX: number; minY: number; maxX: number; maxY: number }

export const emptyBounds = (): Bounds => ({ minX: Infinity, minY: Infinity, maxX: -1, maxY: -1 });

export function growBounds(b: Bounds, r: PixelRect): void {
  if (r.w <= 0 || r.h <= 0) return;
  b.minX = Math.min(b.minX, r.x); b.minY = Math.min(b.minY, r.y);
  b.maxX = Math.max(b.maxX, r.x + r.w - 1); b.maxY = Math.max(b.maxY, r.y + r.h - 1);
}

/**
 * Run lengths of a row-major bitmap (non-zero = in the mask) in COCO's order: down each column,
 * columns left to right, background first. Only the columns and rows inside `b` are read: the
 * rest is known to be empty, so a stroke on a 20-megapixel image costs the size of its box.
 */
export function encodeCounts(bitmap: Uint8Array, w: number, h: number, b: Bounds = { minX: 0, minY: 0, maxX: w - 1, maxY: h - 1 }): number[] {
  if (b.maxX < b.minX) return [w * h];
  const counts: number[] = [];
  let on = false;
  const x0 = Math.max(0, b.minX); const x1 = Math.min(w - 1, b.maxX);
  const y0 = Math.max(0, b.minY); const y1 = Math.min(h - 1, b.maxY);
  let run = x0 * h; // the empty columns before the box
  for (let x = x0; x <= x1; x++) {
    // Background above the box: it continues a background run or starts one.
    if (on && y0 > 0) { counts.push(run); run = 0; on = false; }
    run += y0;
    for (let y = y0, i = y0 * w + x; y <= y1; y++, i += w) {
      if ((bitmap[i] !== 0) !== on) { counts.push(run); run = 0; on = !on; }
      run++;
    }
    if (on && y1 < h - 1) { counts.push(run); run = 0; on = false; }
    run += h - 1 - y1;
  }
  if (on && x1 < w - 1) { counts.push(run); run = 0; }
  run += (w - 1 - x1) * h;
  counts.push(run);
  return counts;
}

/** Sets the pixels of `counts` in a row-major bitmap to `value` (others untouched); answers the bounds of what was set. */
export function decodeCounts(counts: number[], w: number, h: number, bitmap: Uint8Array, value = 1): Bounds {
  const b = emptyBounds();
  let p = 0;
  for (let k = 0; k < counts.length; k++) {
    const n = counts[k]!;
    if (k % 2 === 1 && n > 0) {
      for (let q = p; q < p + n;) {
        const x = Math.floor(q / h);
        const y = q - x * h;
        const len = Math.min(h - y, p + n - q); // the rest of this run in this column
        for (let yy = y, i = y * w + x; yy < y + len; yy++, i += w) bitmap[i] = value;
        growBounds(b, { x, y, w: 1, h: len });
        q += len;
      }
    }
    p += n;
  }
  return b;
}

/** pycocotools' rleToString: 5 bits a character from '0', later counts as the difference to the one two before. */
export function countsToString(counts: number[]): string {
  let s = '';
  for (let i = 0; i < counts.length; i++) {
    // Math.floor keeps an arithmetic shift right for numbers past 32 bits.
    let x = counts[i]! - (i > 2 ? counts[i - 2]! : 0);
    let more = true;
    while (more) {
      let c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** pycocotools' rleFrString; throws on a character out of range or a string ending inside a count. */
export function stringToCounts(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new Error('the counts end inside a count');
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new Error(`'${s[p]}' is not a run-length character`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++; k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

/**
 * Paints (value 1) or erases (0) a stroke piece into the bitmap: every pixel whose centre lies
 * within `r` of the segment a→b (a round brush dragged along it). Touches only the segment's
 * box; answers that box (empty when it misses the image).
 */
export function paintSegment(bitmap: Uint8Array, w: number, h: number, a: [number, number], b: [number, number], r: number, value: 0 | 1): PixelRect {
  const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - r));
  const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - r));
  const x1 = Math.min(w - 1, Math.ceil(Math.max(a[0], b[0]) + r));
  const y1 = Math.min(h - 1, Math.ceil(Math.max(a[1], b[1]) + r));
  if (x1 < x0 || y1 < y0) return { x: 0, y: 0, w: 0, h: 0 };
  const dx = b[0] - a[0]; const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const r2 = r * r;
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5 - a[1];
    const row = y * w;
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - a[0];
      // Distance² from the pixel centre to the segment.
      const t = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
      const ex = px - t * dx; const ey = py - t * dy;
      if (ex * ex + ey * ey <= r2) bitmap[row + x] = value;
    }
  }
  return { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** A region's mask as the result holds it. */
export function maskRegion(id: string, label: string, bitmap: Uint8Array, w: number, h: number, b?: Bounds): MaskRegion {
  return { id, label, mask: { size: [h, w], counts: countsToString(encodeCounts(bitmap, w, h, b)) } };
}

/** Whether a bitmap has any pixel set inside `b`. */
export function anySet(bitmap: Uint8Array, w: number, b: Bounds): boolean {
  for (let y = Math.max(0, b.minY); y <= b.maxY; y++) {
    const row = y * w;
    for (let x = Math.max(0, b.minX); x <= b.maxX; x++) if (bitmap[row + x]) return true;
  }
  return false;
}

/** Pixels in a region's mask; 0 when its counts cannot be read. */
export function maskArea(r: MaskRegion): number {
  try {
    return stringToCounts(r.mask.counts).reduce((sum, n, i) => (i % 2 ? sum + n : sum), 0);
  } catch {
    return 0;
  }
}
