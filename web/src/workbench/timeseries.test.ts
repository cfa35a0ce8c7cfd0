import { describe, expect, it } from 'vitest';
import type { TimeSeriesControl } from '../lib/schema';
import { emptyState } from './state';
import {
  addRange, buildLevels, columns, fullWindow, pan, rangeMinMax, rangesOf, readTime, seriesFromCsv, seriesOf, zoom,
} from './timeseries';

const c: TimeSeriesControl = { name: 'events', type: 'timeseries', field: 'ts', labels: ['Run', 'Spike'] };

/** Deterministic noise, so a failure can be replayed. */
function noise(n: number, seed = 7): Float64Array {
  const out = new Float64Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) % 2147483648; out[i] = (x / 2147483648) * 200 - 100; }
  return out;
}

function bruteMinMax(v: Float64Array, a: number, b: number): [number, number] {
  let lo = NaN; let hi = NaN;
  for (let i = a; i < b; i++) {
    if (Number.isNaN(v[i]!)) continue;
    if (!(lo <= v[i]!)) lo = v[i]!;
    if (!(hi >= v[i]!)) hi = v[i]!;
  }
  return [lo, hi];
}

describe('time series data', () => {
  it('reads nested and flat inline columns, and the row index without a time column', () => {
    const nested = seriesOf({ time: [0, 1, 2], channels: { v: [1, null, 3], a: [0, 0, 1] } })!;
    expect(nested.channels.map((ch) => ch.name)).toEqual(['v', 'a']);
    expect([...nested.time]).toEqual([0, 1, 2]);
    expect(Number.isNaN(nested.channels[0]!.values[1]!)).toBe(true);
    const flat = seriesOf({ t: ['2024-05-01T10:00:00Z', '2024-05-01T10:00:01Z'], v: [1, 2] }, 't')!;
    expect(flat.iso).toBe(true);
    expect(flat.time[1]! - flat.time[0]!).toBe(1000);
    const indexed = seriesOf({ v: [5, 6, 7] })!;
    expect([...indexed.time]).toEqual([0, 1, 2]);
    expect(seriesOf('x.csv')).toBeNull();
  });

  it('reads CSV with a header, quotes, a chosen time column and chosen channels', () => {
    const s = seriesFromCsv('stamp,"speed, m/s",other\n2024-05-01 10:00:00,1.5,9\n2024-05-01 10:00:02,"2",8\n', 'stamp', ['speed, m/s']);
    expect(s.iso).toBe(true);
    expect(s.channels.map((ch) => ch.name)).toEqual(['speed, m/s']);
    expect([...s.channels[0]!.values]).toEqual([1.5, 2]);
    expect(s.time[1]! - s.time[0]!).toBe(2000);
  });

  it('reads times as the server does: numbers, ISO times with or without an offset as UTC', () => {
    expect(readTime(12.5)).toBe(12.5);
    expect(readTime('2024-05-01T12:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(readTime('2024-05-01 10:00:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(readTime('soon')).toBeNaN();
  });
});

describe('min/max levels', () => {
  it('answers every run like a scan of the points, gaps included', () => {
    const v = noise(1000);
    v[10] = NaN; v[11] = NaN;
    const l = buildLevels(v);
    for (const [a, b] of [[0, 1000], [0, 1], [10, 12], [9, 13], [3, 999], [511, 513], [500, 500], [997, 1000], [123, 777]] as const) {
      const got = rangeMinMax(l, a, b);
      const want = bruteMinMax(v, a, b);
      expect(got, `${a}..${b}`).toEqual(want);
    }
  });

  it('gives one min/max per pixel column that matches a scan of the column’s points', () => {
    const n = 100_003;
    const v = noise(n, 3);
    const time = Float64Array.from({ length: n }, (_, i) => i * 10);
    const l = buildLevels(v);
    const cols = columns(time, l, 20_000, 520_000, 400);
    // Column c covers times [20000 + c·1250, 20000 + (c+1)·1250): 125 points each.
    for (const c of [0, 1, 57, 399]) {
      const a = (20_000 + c * 1250) / 10;
      expect([cols.min[c], cols.max[c]]).toEqual(bruteMinMax(v, a, a + 125));
    }
    // Zoomed past single points: columns between two points are empty.
    const near = columns(time, l, 0, 40, 8);
    expect(Number.isNaN(near.min[1]!)).toBe(true);
    expect(near.min[0]).toBe(v[0]);
  });

  it('holds a million points in under twice their size and answers the whole window like a scan', () => {
    const big = noise(1_000_000);
    const time = Float64Array.from({ length: big.length }, (_, i) => i);
    const l = buildLevels(big);
    // The levels hold one block per 2^k points: under twice the data, not a copy per zoom level.
    expect(l.min.reduce((s, a) => s + a.length, 0)).toBeLessThan(2 * big.length + 64);
    const cols = columns(time, l, 0, big.length, 1000);
    expect([Math.min(...cols.min), Math.max(...cols.max)]).toEqual(bruteMinMax(big, 0, big.length));
  });
});

describe('window and ranges', () => {
  const full = { t0: 0, t1: 1000 };

  it('zooms around the pointer and pans inside the data', () => {
    const w = zoom(full, 0.5, 250, full, 1);
    expect(w).toEqual({ t0: 125, t1: 625 });
    expect(zoom(w, 4, 250, full, 1)).toEqual(full);
    expect(pan(w, -1000, full)).toEqual({ t0: 0, t1: 500 });
    expect(zoom(full, 1e-9, 500, full, 2).t1 - zoom(full, 1e-9, 500, full, 2).t0).toBe(2);
    expect(fullWindow(seriesOf({ time: [5], v: [1] })!)).toEqual({ t0: 5, t1: 6 });
  });

  it('adds ranges in the axis’s own terms, instants when both ends meet', () => {
    let s = addRange(emptyState(), c, 40, 12.5, 'Run', false);
    s = addRange(s, c, Date.UTC(2024, 4, 1, 10), Date.UTC(2024, 4, 1, 10), 'Spike', true);
    expect(rangesOf(s.result, 'events')).toEqual([
      { id: 'i1', start: 12.5, end: 40, label: 'Run' },
      { id: 'i2', start: '2024-05-01T10:00:00.000Z', end: '2024-05-01T10:00:00.000Z', instant: true, label: 'Spike' },
    ]);
    expect(addRange(s, c, NaN, 1, 'Run', false)).toBe(s);
  });
});
