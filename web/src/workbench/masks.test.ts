import { describe, expect, it } from 'vitest';
import { columnRuns, countsToString, decodeCounts, encodeCounts, emptyBounds, growBounds, joinColumns, paintSegment, stringToCounts } from './masks';

// 3 rows × 5 columns, row-major:  01100 / 01110 / 00001. Down the columns: 000 110 110 010 001.
const five = Uint8Array.from([0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1]);

describe('COCO run lengths', () => {
  it('runs down the columns, background first, written as pycocotools writes them', () => {
    const counts = encodeCounts(five, 5, 3);
    expect(counts).toEqual([3, 2, 1, 2, 2, 1, 3, 1]);
    // The 4th as 2 − 2, the 5th as 2 − 1, the 6th as 1 − 2 = −1: 'O' (31 + 48, the sign bit set).
    expect(countsToString(counts)).toBe('32101O10');
  });

  it('reads only the box it is given, with the same counts', () => {
    const w = 40, h = 30;
    const bitmap = new Uint8Array(w * h);
    const b = emptyBounds();
    growBounds(b, paintSegment(bitmap, w, h, [10, 10], [20, 12], 3, 1));
    expect(encodeCounts(bitmap, w, h, b)).toEqual(encodeCounts(bitmap, w, h));
    expect(encodeCounts(new Uint8Array(12), 4, 3, emptyBounds())).toEqual([12]);
    // A mask touching the first pixel starts with an empty background run.
    expect(encodeCounts(Uint8Array.from([1, 0, 0, 0]), 2, 2, { minX: 0, minY: 0, maxX: 0, maxY: 0 })).toEqual([0, 1, 3]);
  });

  it('joins the runs of columns into the same counts as a scan of the whole mask', () => {
    const w = 30, h = 20;
    const bitmap = new Uint8Array(w * h);
    paintSegment(bitmap, w, h, [3, 2], [25, 18], 4, 1);
    paintSegment(bitmap, w, h, [0, 19], [29, 19], 1, 1);
    const columns = Array.from({ length: w }, (_, x) => columnRuns(bitmap, w, h, x, 0, h - 1));
    const back = new Uint8Array(w * h);
    decodeCounts(joinColumns(columns), w, h, back);
    expect(back).toEqual(bitmap);
    // Reading only some rows gives the same runs when the rest is empty.
    expect(columnRuns(five, 5, 3, 4, 2, 2)).toEqual([2, 1, 0]);
    expect(columnRuns(five, 5, 3, 0, 1, 1)).toEqual([3]);
    expect(joinColumns([[3], [0, 2, 1], [0, 2, 1], [1, 1, 1], [2, 1, 0]])).toEqual([3, 2, 1, 2, 2, 1, 3, 1]);
  });

  it.each([
    [[3, 2, 1, 3, 3], '32112'],
    [[0, 10, 5, 2, 83], '0:5H^2'],
    [[100], 'T3'],
    [[16], '`0'],
  ])('string of %j is %s and reads back', (counts, s) => {
    expect(countsToString(counts)).toBe(s);
    expect(stringToCounts(s)).toEqual(counts);
  });

  it('refuses strings that are not counts', () => {
    expect(() => stringToCounts('3 ')).toThrow(/not a run-length character/);
    expect(() => stringToCounts('3T')).toThrow(/inside a count/);
  });

  it('decodes into a bitmap and answers the bounds', () => {
    const out = new Uint8Array(15);
    const b = decodeCounts([3, 2, 1, 2, 2, 1, 3, 1], 5, 3, out);
    expect([...out]).toEqual([...five]);
    expect(b).toEqual({ minX: 1, minY: 0, maxX: 4, maxY: 2 });
  });
});

describe('painting', () => {
  it('paints pixels within the radius of the segment and erases them again', () => {
    const w = 20, h = 10;
    const bitmap = new Uint8Array(w * h);
    const r = paintSegment(bitmap, w, h, [5, 5], [15, 5], 1, 1);
    // Centres within 1 of the segment: x 4..15 on rows 4 and 5 (the round ends reach 4.5 and 15.5).
    expect(r).toEqual({ x: 4, y: 4, w: 12, h: 2 });
    // Row 4 and 5 (centres 4.5, 5.5) are within 1 of y = 5 from x 5 to 15; row 3 is not.
    expect(bitmap[4 * w + 10]).toBe(1);
    expect(bitmap[5 * w + 10]).toBe(1);
    expect(bitmap[3 * w + 10]).toBe(0);
    expect(bitmap[6 * w + 10]).toBe(0);
    // Painting it again changes nothing; erasing with a wider brush clears it.
    expect(paintSegment(bitmap, w, h, [5, 5], [15, 5], 1, 1).w).toBe(0);
    paintSegment(bitmap, w, h, [5, 5], [15, 5], 2, 0);
    expect(bitmap.every((v) => v === 0)).toBe(true);
  });

  it('paints the same pixels as testing each pixel against the segment', () => {
    const w = 64, h = 48;
    const cases: [[number, number], [number, number], number][] = [
      [[10.3, 20.7], [50.1, 30.2], 6.5], [[30, 5], [31, 40], 3.2], [[20, 20], [20, 20], 9.9], [[60, 2], [3, 45], 4], [[-5, 10], [70, 12], 2.5],
    ];
    for (const [a, b, r] of cases) {
      const got = new Uint8Array(w * h);
      paintSegment(got, w, h, a, b, r, 1);
      const dx = b[0] - a[0]; const dy = b[1] - a[1]; const len2 = dx * dx + dy * dy;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const px = x + 0.5 - a[0]; const py = y + 0.5 - a[1];
        const t = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
        const d2 = (px - t * dx) ** 2 + (py - t * dy) ** 2;
        // Pixels a hair from the edge may go either way in floating point; all others must match.
        if (Math.abs(Math.sqrt(d2) - r) > 1e-9) expect(got[y * w + x], `${a.join()} ${b.join()} ${r} at ${x},${y}`).toBe(d2 <= r * r ? 1 : 0);
      }
    }
  });

  it('clips to the image', () => {
    const bitmap = new Uint8Array(4);
    expect(paintSegment(bitmap, 2, 2, [-10, -10], [-9, -9], 1, 1)).toEqual({ x: 0, y: 0, w: 0, h: 0 });
    expect(paintSegment(bitmap, 2, 2, [1, 1], [1, 1], 5, 1)).toEqual({ x: 0, y: 0, w: 2, h: 2 });
    expect(paintSegment(bitmap, 2, 2, [1, 1], [1, 1], 5, 1)).toEqual({ x: 0, y: 0, w: 0, h: 0 });
    expect([...bitmap]).toEqual([1, 1, 1, 1]);
  });
});
