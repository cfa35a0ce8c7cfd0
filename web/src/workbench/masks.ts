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
 * rest is known to be empty, so a mask on a 20-megapixel image costs the size of its box.
 */
export function encodeCounts(bitmap: Uint8Array, w: number, h: number, b: Bounds = { minX: 0, minY: 0, maxX: w - 1, maxY: h - 1 }): number[] {
  return joinColumns(Array.from({ length: w }, (_, x) => (x < b.minX || x > b.maxX ? [h] : columnRuns(bitmap, w, h, x, b.minY, b.maxY))));
}

/** The runs of one column (background first, summing to h), reading only rows y0..y1 (the rest is empty). */
export function columnRuns(bitmap: Uint8Array, w: number, h: number, x: number, y0: number, y1: number): number[] {
  const runs: number[] = [];
  let on = false;
  let run = Math.max(0, y0);
  for (let y = Math.max(0, y0), i = y * w + x; y <= Math.min(h - 1, y1); y++, i += w) {
    if ((bitmap[i] !== 0) !== on) { runs.push(run); run = 0; on = !on; }
    run++;
  }
  if (on) { runs.push(run); run = 0; }
  runs.push(run + (h - 1 - Math.min(h - 1, y1)));
  return runs;
}

/** COCO counts of a mask from the runs of its columns, left to right (runs that meet across columns join). */
export function joinColumns(columns: number[][]): number[] {
  const counts = [0];
  let on = false;
  for (const runs of columns) {
    for (let k = 0; k < runs.length; k++) {
      const n = runs[k]!;
      if (n === 0) continue;
      if ((k % 2 === 1) === on) counts[counts.length - 1]! += n;
      else { counts.push(n); on = !on; }
    }
  }
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
 * within `r` of the segment a→b (a round brush dragged along it). The brush's shape is convex, so
 * each row it crosses is one run of pixels, found from the two end circles and the band between
 * them without testing the pixels around it. Answers the box of the pixels that changed (empty
 * when none did): consecutive pieces of a stroke overlap, and only what changed is re-coloured.
 */
export function paintSegment(bitmap: Uint8Array, w: number, h: number, a: [number, number], b: [number, number], r: number, value: 0 | 1): PixelRect {
  const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - r));
  const y1 = Math.min(h - 1, Math.ceil(Math.max(a[1], b[1]) + r));
  const dx = b[0] - a[0]; const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const reach = r * Math.sqrt(len2);
  const r2 = r * r;
  let minX = Infinity; let maxX = -1; let minY = Infinity; let maxY = -1;
  for (let y = y0; y <= y1; y++) {
    const cy = y + 0.5;
    let lo = Infinity; let hi = -Infinity;
    for (const [ex, ey] of [a, b]) {
      const q = r2 - (cy - ey) * (cy - ey);
      if (q >= 0) { const s = Math.sqrt(q); lo = Math.min(lo, ex - s); hi = Math.max(hi, ex + s); }
    }
    if (len2 > 0) {
      // The band: |cross(d, p − a)| ≤ r·|d| and 0 ≤ dot(d, p − a) ≤ |d|², both linear in x.
      const c0 = dx * (cy - a[1]) + dy * a[0];
      const e0 = dy * (cy - a[1]) - dx * a[0];
      let bl = -Infinity; let bh = Infinity;
      if (dy !== 0) { const p1 = (c0 - reach) / dy; const p2 = (c0 + reach) / dy; bl = Math.min(p1, p2); bh = Math.max(p1, p2); } else if (Math.abs(c0) > reach) bl = Infinity;
      if (dx !== 0) { const q1 = -e0 / dx; const q2 = (len2 - e0) / dx; bl = Math.max(bl, Math.min(q1, q2)); bh = Math.min(bh, Math.max(q1, q2)); } else if (e0 < 0 || e0 > len2) bl = Infinity;
      if (bl <= bh) { lo = Math.min(lo, bl); hi = Math.max(hi, bh); }
    }
    const xs = Math.max(0, Math.ceil(lo - 0.5));
    const xe = Math.min(w - 1, Math.floor(hi - 0.5));
    const row = y * w;
    for (let x = xs; x <= xe; x++) {
      if (bitmap[row + x] !== value) {
        bitmap[row + x] = value;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        maxY = y;
      }
    }
  }
  return maxX < 0 ? { x: 0, y: 0, w: 0, h: 0 } : { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 };
}

/** Pixels in a region's mask; 0 when its counts cannot be read. */
export function maskArea(r: MaskRegion): number {
  try {
    return stringToCounts(r.mask.counts).reduce((sum, n, i) => (i % 2 ? sum + n : sum), 0);
  } catch {
    return 0;
  }
}
