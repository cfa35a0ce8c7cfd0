import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useT } from '../i18n';
import { labelsOf, type Control, type Field } from '../lib/schema';
import { controlsOn, useWb } from './context';
import { select } from './state';
import {
  addRange, buildLevels, columns, fullWindow, pan, rangesOf, readTime, seriesFromCsv, seriesOf, zoom,
  type Levels, type Series, type TimeRange, type Window,
} from './timeseries';

const HEIGHT = 110;
const PALETTE = ['#2e86ab', '#e4572e', '#76b041', '#a25ebf', '#f2a541', '#17bebb'];

type Loaded = { series: Series; levels: Levels[] } | { error: string } | null;

/** The series of a field: inline columns at once, a CSV reference fetched; levels built once per channel. */
function useSeries(field: Field, value: unknown, url: (v: string) => string): Loaded {
  const inline = useMemo(() => (typeof value === 'string' ? null : seriesOf(value, field.timeColumn, field.channels)), [value, field]);
  const [fetched, setFetched] = useState<Series | { error: string } | null>(null);
  useEffect(() => {
    if (typeof value !== 'string') return;
    let live = true;
    fetch(url(value))
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((text) => { if (live) setFetched(seriesFromCsv(text, field.timeColumn, field.channels)); })
      .catch((e: unknown) => { if (live) setFetched({ error: String((e as Error).message ?? e) }); });
    return () => { live = false; };
  }, [value, url, field]);
  const s = inline ?? fetched;
  return useMemo(() => (!s ? null : 'error' in s ? s : { series: s, levels: s.channels.map((ch) => buildLevels(ch.values)) }), [s]);
}

function formatTime(t: number, iso: boolean, span: number): string {
  if (!iso) return Math.abs(t) >= 1e5 || span < 1 ? t.toPrecision(6) : String(Math.round(t * 100) / 100);
  const s = new Date(t).toISOString();
  return span < 60_000 ? s.slice(11, 23) : span < 86_400_000 ? s.slice(11, 19) : s.slice(0, 16).replace('T', ' ');
}

/**
 * A time series field: one canvas per channel, drawn from min/max levels (O(pixels) per redraw), with
 * the labelled ranges over every channel. Wheel zooms at the pointer, Shift+drag pans, drag brushes a
 * range with the chosen label; by keyboard ←/→ move the cursor, +/− zoom, 0 shows all, [ and ] mark a range.
 */
export function TimeSeriesView({ field, value }: { field: Field; value: unknown }) {
  const t = useT();
  const { schema, state, update, readOnly, active, labelFor, setActive, mediaUrl } = useWb();
  const controls = controlsOn(schema, field.name, ['timeseries']);
  const c: Control | undefined = controls.find((x) => x.name === active) ?? controls[0];
  const labels = c ? labelsOf(c) : [];
  const colors = new Map(labels.map((l) => [l.value, l.color ?? '#888']));
  const label = c ? labelFor[c.name] ?? labels[0]?.value : undefined;
  const loaded = useSeries(field, value, mediaUrl);
  const data = loaded && 'series' in loaded ? loaded : null;
  const full = useMemo(() => (data ? fullWindow(data.series) : { t0: 0, t1: 1 }), [data]);
  const [win, setWin] = useState<Window | null>(null);
  const w = win ?? full;
  const [cursor, setCursor] = useState<number | null>(null);
  const [mark, setMark] = useState<number | null>(null);
  const [brush, setBrush] = useState<{ a: number; b: number } | null>(null);
  const [width, setWidth] = useState(800);
  const box = useRef<HTMLDivElement>(null);
  const canvases = useRef<(HTMLCanvasElement | null)[]>([]);
  const ranges = c ? rangesOf(state.result, c.name) : [];
  const iso = data?.series.iso ?? false;
  const n = data?.series.time.length ?? 0;
  // The narrowest window: a few points across, so zoom stops where single points are drawn.
  const minSpan = n > 1 ? ((full.t1 - full.t0) / (n - 1)) * 4 : 1;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, Math.floor(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const timeAt = useCallback((clientX: number) => {
    const r = box.current!.getBoundingClientRect();
    return w.t0 + ((clientX - r.left) / r.width) * (w.t1 - w.t0);
  }, [w]);

  // Draw: per channel, one min/max pair per device pixel column; ranges and the cursor on top. Before
  // the browser paints (a layout effect), so a zoom step never shows the old picture at the new scale.
  const drawn = useRef(0);
  useLayoutEffect(() => {
    if (!data) return;
    const dpr = window.devicePixelRatio || 1;
    const px = Math.max(1, Math.round(width * dpr));
    const x = (tt: number) => ((tt - w.t0) / (w.t1 - w.t0)) * px;
    data.series.channels.forEach((_ch, i) => {
      const cv = canvases.current[i];
      if (!cv) return;
      if (cv.width !== px) cv.width = px;
      const h = Math.round(HEIGHT * dpr);
      if (cv.height !== h) cv.height = h;
      const g = cv.getContext('2d')!;
      g.clearRect(0, 0, px, h);
      for (const r of ranges) {
        const a = x(readTime(r.start));
        const b = x(readTime(r.end));
        const col = colors.get(r.label) ?? '#888';
        const sel = state.selected?.id === r.id;
        g.fillStyle = `${col}${sel ? '55' : '33'}`;
        g.fillRect(a, 0, Math.max(b - a, 2 * dpr), h);
        if (sel || r.instant) { g.fillStyle = col; g.fillRect(a, 0, Math.max(1, dpr), h); if (!r.instant) g.fillRect(b - dpr, 0, Math.max(1, dpr), h); }
      }
      if (brush) { g.fillStyle = '#0003'; g.fillRect(x(Math.min(brush.a, brush.b)), 0, Math.abs(x(brush.b) - x(brush.a)), h); }
      const { min, max } = columns(data.series.time, data.levels[i]!, w.t0, w.t1, px);
      let lo = Infinity; let hi = -Infinity;
      for (let k = 0; k < px; k++) { if (min[k]! < lo) lo = min[k]!; if (max[k]! > hi) hi = max[k]!; }
      if (!(hi >= lo)) return;
      const pad = (hi - lo) * 0.08 || 1;
      const y = (v: number) => h - ((v - lo + pad) / (hi - lo + 2 * pad)) * h;
      g.strokeStyle = PALETTE[i % PALETTE.length]!;
      g.lineWidth = Math.max(1, dpr);
      g.beginPath();
      let on = false;
      for (let k = 0; k < px; k++) {
        if (Number.isNaN(min[k]!)) continue;
        const yHi = y(max[k]!); const yLo = y(min[k]!);
        if (!on) { g.moveTo(k + 0.5, yHi); on = true; } else g.lineTo(k + 0.5, yHi);
        g.lineTo(k + 0.5, yLo);
      }
      g.stroke();
      if (cursor !== null) { g.fillStyle = '#000a'; g.fillRect(x(cursor), 0, Math.max(1, dpr), h); }
      if (mark !== null) { g.fillStyle = '#d7263d'; g.fillRect(x(mark), 0, Math.max(1, dpr), h); }
    });
    // How many times the channels were drawn: the benchmark times a zoom step up to this change.
    box.current?.setAttribute('data-drawn', String(++drawn.current));
  });

  // Wheel zoom needs a listener that may prevent the page from scrolling (React's is passive).
  useEffect(() => {
    const el = box.current;
    if (!el || !data) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const at = timeAt(e.clientX);
      setWin((cur) => zoom(cur ?? full, e.deltaY < 0 ? 0.8 : 1.25, at, full, minSpan));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [data, full, minSpan, timeAt]);

  const drag = useRef<{ x: number; t: number; pan: boolean; win: Window } | null>(null);
  const onDown = (e: React.PointerEvent) => {
    if (!data || e.button !== 0) return;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    const tt = timeAt(e.clientX);
    drag.current = { x: e.clientX, t: tt, pan: e.shiftKey || readOnly || !label, win: w };
    if (c) setActive(c.name);
  };
  const onMove = (e: React.PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const r = box.current!.getBoundingClientRect();
    if (d.pan) setWin(pan(d.win, -((e.clientX - d.x) / r.width) * (d.win.t1 - d.win.t0), full));
    else setBrush({ a: d.t, b: timeAt(e.clientX) });
  };
  const onUp = (e: React.PointerEvent) => {
    const d = drag.current;
    drag.current = null;
    if (!d) return;
    setBrush(null);
    if (d.pan) return;
    if (Math.abs(e.clientX - d.x) < 3) {
      // A click: select the innermost range under the pointer, or leave the cursor there.
      const hit = ranges.filter((r) => readTime(r.start) <= d.t && d.t <= readTime(r.end) + (w.t1 - w.t0) / width * 3)
        .sort((a, b) => (readTime(a.end) - readTime(a.start)) - (readTime(b.end) - readTime(b.start)))[0];
      if (hit && c) update((s) => select(s, { control: c.name, id: hit.id }));
      setCursor(d.t);
      return;
    }
    if (c && label) update((s) => addRange(s, c, d.t, timeAt(e.clientX), label, iso));
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (!data || e.ctrlKey || e.metaKey || e.altKey) return;
    const span = w.t1 - w.t0;
    const at = cursor ?? (w.t0 + w.t1) / 2;
    const step = span * (e.shiftKey ? 0.1 : 0.01);
    let handled = true;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const next = Math.min(full.t1, Math.max(full.t0, at + (e.key === 'ArrowLeft' ? -step : step)));
      setCursor(next);
      if (next < w.t0 || next > w.t1) setWin(pan(w, next < w.t0 ? next - w.t0 : next - w.t1, full));
    } else if (e.key === '+' || e.key === '=') setWin(zoom(w, 0.5, at, full, minSpan));
    else if (e.key === '-' || e.key === '_') setWin(zoom(w, 2, at, full, minSpan));
    else if (e.key === '0') setWin(null);
    else if (e.key === '[') setMark(at);
    else if (e.key === ']' && mark !== null && c && label && !readOnly) {
      update((s) => addRange(s, c, mark, at, label, iso));
      setMark(null);
    } else handled = false;
    // Keys handled here must not reach the workbench's global keys (digits pick labels there).
    if (handled) { e.preventDefault(); e.stopPropagation(); }
  };

  if (!loaded) return <section className="timeseries muted" data-testid={`timeseries-${field.name}`}>{t('ts.loading')}</section>;
  if ('error' in loaded) return <section className="timeseries error" data-testid={`timeseries-${field.name}`}>{t('ts.loadFailed', { reason: loaded.error })}</section>;

  const spanNow = w.t1 - w.t0;
  const shown = Math.round((spanNow / (full.t1 - full.t0)) * 1000) / 10;
  return (
    <section className="timeseries" aria-label={t('ts.series', { name: field.name })} data-testid={`timeseries-${field.name}`}
      data-t0={w.t0} data-t1={w.t1} data-points={n}>
      <div className="ts-bar">
        <span className="muted small">{t('ts.points', { count: n.toLocaleString() })} · {t('ts.shown', { pct: shown })}</span>
        <button type="button" className="tool" data-testid="ts-zoom-in" aria-label={t('ts.zoomIn')} title={t('ts.zoomIn')} onClick={() => setWin(zoom(w, 0.5, cursor ?? (w.t0 + w.t1) / 2, full, minSpan))}>+</button>
        <button type="button" className="tool" data-testid="ts-zoom-out" aria-label={t('ts.zoomOut')} title={t('ts.zoomOut')} onClick={() => setWin(zoom(w, 2, cursor ?? (w.t0 + w.t1) / 2, full, minSpan))}>−</button>
        <button type="button" className="tool" data-testid="ts-reset" onClick={() => setWin(null)}>{t('ts.all')}</button>
      </div>
      {!readOnly && c && <p className="muted small">{t('ts.hint')}</p>}
      <div ref={box} className="ts-charts" tabIndex={0} data-testid={`ts-charts-${field.name}`} aria-label={t('ts.charts')}
        onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp} onKeyDown={onKey}>
        {data!.series.channels.map((ch, i) => (
          <div key={ch.name} className="ts-channel">
            <span className="ts-legend" style={{ color: PALETTE[i % PALETTE.length] }}>{ch.name}</span>
            <canvas ref={(el) => { canvases.current[i] = el; }} data-testid={`ts-channel-${ch.name}`} style={{ width: '100%', height: HEIGHT }} />
          </div>
        ))}
      </div>
      <div className="ts-axis muted small" aria-hidden>
        <span>{formatTime(w.t0, iso, spanNow)}</span>
        {cursor !== null && <span data-testid="ts-cursor">{formatTime(cursor, iso, spanNow)}{mark !== null ? ` · [ ${formatTime(mark, iso, spanNow)}` : ''}</span>}
        <span>{formatTime(w.t1, iso, spanNow)}</span>
      </div>
    </section>
  );
}

/** A range in the region list: its ends as the axis writes them. */
export function describeRange(r: TimeRange): string {
  // Numbers to six significant digits (a brushed end is a pixel's time, not a round number); times as written.
  const f = (v: number | string) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : v);
  return r.instant ? `@ ${f(r.start)}` : `${f(r.start)} – ${f(r.end)}`;
}
