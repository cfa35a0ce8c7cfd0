// Pure logic of the time series view: the data as users have it (inline columns or CSV), min/max
// levels for drawing a million points in a few hundred pixel columns, the time window, and ranges.
import type { Control, Result } from '../lib/schema';
import { addRegion, type Region, type WbState } from './state';

/** A range on the time axis: numbers, or ISO times when the axis holds times (as the server keeps them). */
export interface TimeRange { id: string; start: number | string; end: number | string; label: string; instant?: boolean }

export interface Channel { name: string; values: Float64Array }
export interface Series {
  /** Ascending times (Unix ms when `iso`), or row indexes when the data has no time column. */
  time: Float64Array;
  /** Whether the time column held ISO times, so ranges are written back as ISO times. */
  iso: boolean;
  channels: Channel[];
}

/** A time as the server reads it (Core TimeAxis): a finite number, or an ISO 8601 time as Unix ms. */
export function readTime(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'string' && /^\d{4}/.test(v)) {
    // The server reads a time without an offset as UTC; so does this ("2024-05-01 10:00:00" too).
    const s = v.includes('T') || !v.includes(' ') ? v : v.replace(' ', 'T');
    const t = Date.parse(/([zZ]|[+-]\d\d:?\d\d)$/.test(s) || !s.includes('T') ? s : `${s}Z`);
    return Number.isFinite(t) ? t : NaN;
  }
  return NaN;
}

function numbers(v: unknown): Float64Array {
  const a: unknown[] = Array.isArray(v) ? v : [];
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) { const x = a[i]; out[i] = typeof x === 'number' ? x : NaN; }
  return out;
}

function fromColumns(cols: Record<string, unknown[]>, timeKey: string, wanted?: string[]): Series {
  const rawTime = cols[timeKey];
  const iso = Array.isArray(rawTime) && typeof rawTime[0] === 'string';
  const names = wanted ?? Object.keys(cols).filter((k) => k !== timeKey && Array.isArray(cols[k]));
  const channels = names.filter((n) => Array.isArray(cols[n])).map((name) => ({ name, values: numbers(cols[name]) }));
  const n = channels[0]?.values.length ?? (Array.isArray(rawTime) ? rawTime.length : 0);
  const time = new Float64Array(n);
  for (let i = 0; i < n; i++) time[i] = Array.isArray(rawTime) ? readTime(rawTime[i]) : i;
  return { time, iso, channels };
}

/** A series from a field's inline value: `{ time, channels: { name: [...] } }` or Label Studio's flat `{ time, name: [...] }`. */
export function seriesOf(value: unknown, timeColumn = 'time', wanted?: string[]): Series | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  const nested = o.channels && typeof o.channels === 'object' && !Array.isArray(o.channels) && timeColumn !== 'channels';
  const cols = (nested ? { ...(o.channels as Record<string, unknown[]>), [timeColumn]: o[timeColumn] } : o) as Record<string, unknown[]>;
  return fromColumns(cols, timeColumn, wanted);
}

/** A series from CSV text with a header row (comma, or the separator given); quotes are honoured. */
export function seriesFromCsv(text: string, timeColumn = 'time', wanted?: string[], sep = ','): Series {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const split = (line: string) => (line.includes('"') ? splitQuoted(line, sep) : line.split(sep));
  const head = split(lines[0] ?? '').map((h) => h.trim());
  const cols: Record<string, unknown[]> = {};
  for (const h of head) cols[h] = new Array(Math.max(0, lines.length - 1));
  for (let r = 1; r < lines.length; r++) {
    const cells = split(lines[r]!);
    for (let c = 0; c < head.length; c++) {
      const cell = (cells[c] ?? '').trim();
      const num = cell === '' ? NaN : Number(cell);
      cols[head[c]!]![r - 1] = head[c] === timeColumn && Number.isNaN(num) ? cell : Number.isNaN(num) ? null : num;
    }
  }
  return fromColumns(cols, timeColumn, wanted);
}

function splitQuoted(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

// ---- min/max levels ----

/**
 * Min and max of blocks of 2^k points for every level k ≥ 1 (level 0 is the data itself), built once
 * per channel in O(n). A pixel column's min and max over any run of points then takes O(log n) blocks,
 * so drawing a window costs O(pixels · log n) however many points it spans, and zoom does not stall.
 */
export interface Levels { n: number; min: Float64Array[]; max: Float64Array[] }

export function buildLevels(values: Float64Array): Levels {
  const min: Float64Array[] = [values];
  const max: Float64Array[] = [values];
  while (min[min.length - 1]!.length > 1) {
    const lo = min[min.length - 1]!;
    const hi = max[max.length - 1]!;
    const m = Math.ceil(lo.length / 2);
    const nlo = new Float64Array(m);
    const nhi = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      const a = 2 * j;
      const b = a + 1 < lo.length ? a + 1 : a;
      nlo[j] = minOf(lo[a]!, lo[b]!);
      nhi[j] = maxOf(hi[a]!, hi[b]!);
    }
    min.push(nlo);
    max.push(nhi);
  }
  return { n: values.length, min, max };
}

// NaN (a missing value) gives way to any number.
const minOf = (a: number, b: number) => (a < b || b !== b ? a : b);
const maxOf = (a: number, b: number) => (a > b || b !== b ? a : b);

/** Min and max of the points [a, b) in O(log n) blocks; NaN when the run has no value. */
export function rangeMinMax(l: Levels, a: number, b: number): [number, number] {
  let lo = NaN;
  let hi = NaN;
  a = Math.max(0, a);
  b = Math.min(l.n, b);
  for (let k = 0; a < b; k++) {
    const mn = l.min[k]!;
    const mx = l.max[k]!;
    if (a & 1) { lo = minOf(mn[a]!, lo); hi = maxOf(mx[a]!, hi); a++; }
    if (b & 1) { b--; lo = minOf(mn[b]!, lo); hi = maxOf(mx[b]!, hi); }
    a >>= 1;
    b >>= 1;
  }
  return [lo, hi];
}

/** The first index whose time is ≥ t (times ascending). */
export function lowerBound(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * One min/max pair per pixel column of the window [t0, t1): column c covers the times
 * [t0 + c·w, t0 + (c+1)·w). Work is O(columns · log n), never O(points).
 */
export function columns(time: Float64Array, l: Levels, t0: number, t1: number, width: number): { min: Float64Array; max: Float64Array } {
  const min = new Float64Array(width).fill(NaN);
  const max = new Float64Array(width).fill(NaN);
  const w = (t1 - t0) / width;
  let a = lowerBound(time, t0);
  for (let c = 0; c < width; c++) {
    const b = lowerBound(time, t0 + (c + 1) * w);
    if (b > a) [min[c], max[c]] = rangeMinMax(l, a, b);
    a = b;
  }
  return { min, max };
}

// ---- the window ----

export interface Window { t0: number; t1: number }

/** The whole series' time span (a point series gets a unit span). */
export function fullWindow(s: Series): Window {
  const n = s.time.length;
  const t0 = n ? s.time[0]! : 0;
  const t1 = n ? s.time[n - 1]! : 1;
  return t1 > t0 ? { t0, t1 } : { t0, t1: t0 + 1 };
}

/** Zooms by `factor` (< 1 in, > 1 out) around the time `at`, kept inside `full`; no narrower than `minSpan`. */
export function zoom(w: Window, factor: number, at: number, full: Window, minSpan: number): Window {
  const span = Math.min(full.t1 - full.t0, Math.max(minSpan, (w.t1 - w.t0) * factor));
  const f = (at - w.t0) / (w.t1 - w.t0 || 1);
  return clampWindow({ t0: at - f * span, t1: at - f * span + span }, full);
}

/** Moves the window by `dt`, kept inside `full`. */
export function pan(w: Window, dt: number, full: Window): Window {
  return clampWindow({ t0: w.t0 + dt, t1: w.t1 + dt }, full);
}

function clampWindow(w: Window, full: Window): Window {
  const span = Math.min(w.t1 - w.t0, full.t1 - full.t0);
  const t0 = Math.min(Math.max(w.t0, full.t0), full.t1 - span);
  return { t0, t1: t0 + span };
}

// ---- ranges ----

export function rangesOf(result: Result, control: string): TimeRange[] {
  const v = result[control];
  return Array.isArray(v) ? (v as TimeRange[]) : [];
}

/** A time for a range: an ISO time on an axis of times, else the number as is. */
export function timeValue(t: number, iso: boolean): number | string {
  return iso ? new Date(t).toISOString() : Math.round(t * 1e6) / 1e6;
}

/** Adds the range between two times (either order) with a label; equal times make an instant. */
export function addRange(s: WbState, c: Control, a: number, b: number, label: string, iso: boolean): WbState {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return s;
  const start = timeValue(Math.min(a, b), iso);
  const end = timeValue(Math.max(a, b), iso);
  const region: Omit<TimeRange, 'id'> = start === end ? { start, end, instant: true, label } : { start, end, label };
  // Not selected, as spans are not: picking the next label must not relabel the range just made.
  return addRegion(s, c, region as unknown as Omit<Region, 'id'>, false);
}
