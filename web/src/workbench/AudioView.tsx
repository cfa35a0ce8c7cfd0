import { useEffect, useMemo, useRef, useState } from 'react';
import { useT } from '../i18n';
import { labelsOf, type Control, type Segment } from '../lib/schema';
import { addSegment, setSegmentText, updateRegion } from './state';
import { controlsOn, isTyping, useWb } from './context';

// Enough min/max pairs for the widest zoom (the canvas is at most MAX_WIDTH pixels wide).
const BUCKETS = 16000;
const MAX_WIDTH = 16000;
const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];

/** Min/max per bucket of the first channel: enough to draw a waveform at any width we use. */
export function peaksOf(samples: Float32Array, buckets: number): Float32Array {
  const out = new Float32Array(buckets * 2);
  const per = samples.length / buckets;
  for (let b = 0; b < buckets; b++) {
    let lo = 0; let hi = 0;
    const end = Math.min(samples.length, Math.floor((b + 1) * per));
    for (let i = Math.floor(b * per); i < end; i++) { const v = samples[i]!; if (v < lo) lo = v; if (v > hi) hi = v; }
    out[b * 2] = lo; out[b * 2 + 1] = hi;
  }
  return out;
}

/** Draws peaks across the canvas at its CSS size (the audio view's waveform, and the video view's audio track). */
export function drawPeaks(cv: HTMLCanvasElement, peaks: Float32Array) {
  const w = cv.clientWidth; const h = cv.clientHeight;
  const dpr = window.devicePixelRatio || 1;
  cv.width = w * dpr; cv.height = h * dpr;
  const g = cv.getContext('2d')!;
  g.scale(dpr, dpr);
  g.clearRect(0, 0, w, h);
  g.fillStyle = '#5b7db1';
  const n = peaks.length / 2;
  for (let x = 0; x < w; x++) {
    const b0 = Math.floor((x / w) * n); const b1 = Math.max(b0 + 1, Math.floor(((x + 1) / w) * n));
    let lo = 0; let hi = 0;
    for (let b = b0; b < b1; b++) { lo = Math.min(lo, peaks[b * 2]!); hi = Math.max(hi, peaks[b * 2 + 1]!); }
    g.fillRect(x, h / 2 - hi * h / 2, 1, Math.max(1, (hi - lo) * h / 2));
  }
}

/** The first channel's peaks of a media file, decoded in the browser; throws when it cannot be fetched or has no audio to decode. */
export async function fetchPeaks(src: string, buckets = BUCKETS): Promise<{ peaks: Float32Array; duration: number }> {
  const res = await fetch(src, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(String(res.status));
  const buf = await res.arrayBuffer();
  const ctx = new AudioContext();
  try {
    const decoded = await ctx.decodeAudioData(buf);
    return { peaks: peaksOf(decoded.getChannelData(0), buckets), duration: decoded.duration };
  } finally { void ctx.close(); }
}

export const fmt = (s: number) => `${Math.floor(s / 60)}:${(s % 60).toFixed(2).padStart(5, '0')}`;

export function AudioView({ field, src }: { field: string; src: string }) {
  const t = useT();
  const wb = useWb();
  const segControls = useMemo(() => controlsOn(wb.schema, field, ['segments']), [wb.schema, field]);
  const perSeg = useMemo(() => wb.schema.controls.filter((c) => c.type === 'transcription' && c.perSegment && segControls.some((s) => s.name === c.perSegment)), [wb.schema, segControls]);
  const audio = useRef<HTMLAudioElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const wave = useRef<HTMLDivElement>(null);
  const [peaks, setPeaks] = useState<Float32Array | null>(null);
  const [duration, setDuration] = useState(0);
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [failed, setFailed] = useState(false);
  const [mark, setMark] = useState<number | null>(null);
  const [dragSel, setDragSel] = useState<{ a: number; b: number } | null>(null);
  const [zoom, setZoom] = useState(1);
  const scroller = useRef<HTMLDivElement>(null);
  // The visible width: zooming in stops where the waveform would pass the widest canvas.
  const [viewWidth, setViewWidth] = useState(0);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const segControl: Control | undefined = segControls.find((c) => c.name === wb.active) ?? segControls[0];
  const labelOf = (c: Control) => wb.labelFor[c.name] ?? labelsOf(c)[0]?.value ?? '';

  useEffect(() => {
    // A new source is a new AudioView (TaskView keys it by the source): peaks and failure start afresh.
    let dead = false;
    void (async () => {
      try {
        const decoded = await fetchPeaks(src);
        if (!dead) { setPeaks(decoded.peaks); setDuration(decoded.duration); }
      } catch { if (!dead) setFailed(true); }
    })();
    return () => { dead = true; };
  }, [src]);

  // The play head follows the audio element on animation frames rather than timeupdate events,
  // which fire only a few times a second.
  useEffect(() => {
    if (!playing) return;
    let raf = 0;
    const tick = () => { if (audio.current) setTime(audio.current.currentTime); raf = requestAnimationFrame(tick); };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing]);

  // Keep the play head in view when zoomed in.
  useEffect(() => {
    const sc = scroller.current;
    if (!sc || zoom === 1 || !duration) return;
    const x = (time / duration) * sc.scrollWidth;
    if (x < sc.scrollLeft || x > sc.scrollLeft + sc.clientWidth - 20) sc.scrollLeft = Math.max(0, x - sc.clientWidth / 4);
  }, [time, zoom, duration]);

  useEffect(() => {
    if (canvas.current && peaks) drawPeaks(canvas.current, peaks);
  }, [peaks, zoom]);

  const seek = (s: number) => {
    const a = audio.current;
    if (!a) return;
    a.currentTime = Math.max(0, Math.min(duration || a.duration || 0, s));
    setTime(a.currentTime);
  };
  const toggle = () => {
    const a = audio.current;
    if (!a) return;
    if (a.paused) void a.play(); else a.pause();
  };
  const markAt = (which: '[' | ']') => {
    const now = audio.current?.currentTime ?? 0;
    if (which === '[') { setMark(now); return; }
    if (mark != null && segControl && !wb.readOnly) {
      const c = segControl;
      wb.update((s) => addSegment(s, c, { label: labelOf(c), start: round3(mark), end: round3(now) }));
    }
    setMark(null);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      // With a text field beside the audio, arrows belong to the text caret while spans are active.
      const textCaret = wb.schema.controls.some((c) => c.type === 'spans' && c.name === wb.active);
      if (textCaret && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) return;
      if (e.key === ' ') { e.preventDefault(); toggle(); }
      else if (e.key === 'ArrowLeft') { e.preventDefault(); seek((audio.current?.currentTime ?? 0) - (e.shiftKey ? 5 : 1)); }
      else if (e.key === 'ArrowRight') { e.preventDefault(); seek((audio.current?.currentTime ?? 0) + (e.shiftKey ? 5 : 1)); }
      else if (e.key === '[' || e.key === ']') { e.preventDefault(); markAt(e.key); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const timeAt = (clientX: number) => {
    const r = wave.current!.getBoundingClientRect();
    return Math.max(0, Math.min(duration, ((clientX - r.left) / r.width) * duration));
  };
  const dragRef = useRef<{ a: number; x: number; onSegment: boolean; captured: boolean } | null>(null);
  const edgeRef = useRef<{ control: string; id: string; edge: 'start' | 'end'; moved: boolean } | null>(null);
  const onDown = (e: React.PointerEvent) => {
    if (!duration || e.button !== 0) return;
    const edge = (e.target as Element).closest('[data-edge]');
    if (edge && !wb.readOnly) {
      (e.currentTarget).setPointerCapture(e.pointerId);
      const seg = edge.closest('[data-segment]')!;
      edgeRef.current = { control: seg.getAttribute('data-control')!, id: seg.getAttribute('data-segment')!, edge: edge.getAttribute('data-edge') as 'start' | 'end', moved: false };
      return;
    }
    // A drag draws a new segment wherever it starts, over other segments and predictions too; the
    // pointer is captured only once it moves, so a click on a segment still selects it.
    dragRef.current = { a: timeAt(e.clientX), x: e.clientX, onSegment: !!(e.target as Element).closest('[data-segment]'), captured: false };
  };
  const onMove = (e: React.PointerEvent) => {
    const ed = edgeRef.current;
    if (ed) {
      const g = ((wb.state.result[ed.control] as Segment[] | undefined) ?? []).find((x) => x.id === ed.id);
      if (!g) return;
      const at = round3(timeAt(e.clientX));
      // An edge cannot cross the other edge of its segment.
      const patch = ed.edge === 'start' ? { start: Math.min(at, g.end - 0.01) } : { end: Math.max(at, g.start + 0.01) };
      const record = !ed.moved;
      ed.moved = true;
      wb.update((s) => updateRegion(s, ed.control, ed.id, patch, record));
      return;
    }
    const d = dragRef.current;
    if (d && Math.abs(e.clientX - d.x) > 4) {
      if (!d.captured) { d.captured = true; e.currentTarget.setPointerCapture(e.pointerId); }
      setDragSel({ a: d.a, b: timeAt(e.clientX) });
    }
  };
  const onUp = (e: React.PointerEvent) => {
    if (edgeRef.current) { edgeRef.current = null; return; }
    const d = dragRef.current;
    dragRef.current = null;
    setDragSel(null);
    if (!d) return;
    // A click: on a segment it selects it (its own handler); elsewhere it moves the play head.
    if (Math.abs(e.clientX - d.x) <= 4) { if (!d.onSegment) seek(d.a); return; }
    if (segControl && !wb.readOnly) {
      const c = segControl;
      const b = timeAt(e.clientX);
      wb.update((s) => addSegment(s, c, { label: labelOf(c), start: round3(d.a), end: round3(b) }));
    }
  };

  const pct = (s: number) => `${duration ? (s / duration) * 100 : 0}%`;
  const segments: { c: Control; g: Segment }[] = [];
  for (const c of segControls) for (const g of (wb.state.result[c.name] as Segment[] | undefined) ?? []) segments.push({ c, g });
  segments.sort((x, y) => x.g.start - y.g.start);

  return (
    <div className="audio-view" data-testid={`audio-${field}`}>
      <audio ref={audio} src={src} preload="auto" onPlay={() => setPlaying(true)} onPause={() => setPlaying(false)}
        onLoadedMetadata={(e) => { if (!duration) setDuration(e.currentTarget.duration); }} onError={() => setFailed(true)} />
      <div className="audio-tools">
        <button type="button" data-testid="audio-play" onClick={toggle}>{playing ? t('wb.pause') : t('wb.play')}</button>
        <span data-testid="audio-time" className="mono">{fmt(time)} / {fmt(duration)}</span>
        <label>{t('wb.speed')}{' '}
          <select data-testid="audio-speed" value={speed} onChange={(e) => { const v = Number(e.target.value); setSpeed(v); if (audio.current) audio.current.playbackRate = v; }}>
            {SPEEDS.map((s) => <option key={s} value={s}>{s}×</option>)}
          </select>
        </label>
        {!wb.readOnly && <>
          <button type="button" data-testid="audio-mark-start" onClick={() => markAt('[')}>[ {t('wb.markStart')}</button>
          <button type="button" data-testid="audio-mark-end" onClick={() => markAt(']')}>] {t('wb.markEnd')}</button>
        </>}
        {segControl && <span className="muted">{labelOf(segControl)}</span>}
        <span className="grow" />
        <button type="button" data-testid="audio-zoom-out" aria-label={t('wb.zoomOut')} disabled={zoom <= 1} onClick={() => setZoom((z) => Math.max(1, z / 2))}>−</button>
        <span className="small muted" data-testid="audio-zoom">{t('wb.zoom', { percent: zoom * 100 })}</span>
        <button type="button" data-testid="audio-zoom-in" aria-label={t('wb.zoomIn')}
          disabled={viewWidth * zoom * 2 > MAX_WIDTH} onClick={() => setZoom((z) => z * 2)}>+</button>
      </div>
      {failed && <div className="error">{t('wb.mediaError', { name: src })}</div>}
      <div ref={scroller} className="wave-scroll">
      <div ref={wave} className="waveform" data-testid="waveform" data-duration={duration} style={{ width: `${zoom * 100}%` }}
        onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp}>
        {!peaks && !failed && <div className="muted center">{t('wb.decoding')}</div>}
        <canvas ref={canvas} />
        {segments.map(({ c, g }) => {
          const color = labelsOf(c).find((l) => l.value === g.label)?.color ?? '#888';
          const isSel = wb.state.selected?.id === g.id;
          return <div key={g.id} data-segment={g.id} data-control={c.name} data-testid={`region-${g.id}`}
            className={`segment${isSel ? ' sel' : ''}${wb.state.predicted.includes(g.id) ? ' predicted' : ''}`}
            style={{ left: pct(g.start), width: pct(g.end - g.start), background: `${color}44`, borderColor: color }}
            onClick={() => { wb.update((s) => ({ ...s, selected: { control: c.name, id: g.id } })); seek(g.start); }}>
            <span className="segment-label" style={{ background: color }}>{g.label}</span>
            {!wb.readOnly && <><span className="seg-edge start" data-edge="start" data-testid={`edge-${g.id}-start`} /><span className="seg-edge end" data-edge="end" data-testid={`edge-${g.id}-end`} /></>}
          </div>;
        })}
        {mark != null && <div className="mark" style={{ left: pct(mark) }} />}
        {dragSel && <div className="segment draft" style={{ left: pct(Math.min(dragSel.a, dragSel.b)), width: pct(Math.abs(dragSel.b - dragSel.a)) }} />}
        <div className="playhead" style={{ left: pct(time) }} />
      </div>
      </div>
      {perSeg.length > 0 && segments.length > 0 && (
        <div className="segment-list">
          {segments.map(({ c, g }) => (
            <div key={g.id} className={`segment-row${wb.state.selected?.id === g.id ? ' sel' : ''}`}>
              <button type="button" className="link mono" onClick={() => { seek(g.start); wb.update((s) => ({ ...s, selected: { control: c.name, id: g.id } })); }}>
                {fmt(g.start)}–{fmt(g.end)}
              </button>
              <select value={g.label} disabled={wb.readOnly} onChange={(e) => { const v = e.target.value; wb.update((s) => updateRegion(s, c.name, g.id, { label: v })); }}>
                {labelsOf(c).map((l) => <option key={l.value}>{l.value}</option>)}
              </select>
              {perSeg.filter((tc) => tc.type === 'transcription' && tc.perSegment === c.name).map((tc) => {
                const m = wb.state.result[tc.name] as Record<string, string> | undefined;
                return <textarea key={tc.name} data-testid={`transcript-${g.id}`} rows={1} className="grows" placeholder={t('wb.transcript')} readOnly={wb.readOnly}
                  value={m?.[g.id] ?? ''} onChange={(e) => { const v = e.target.value; wb.update((s) => setSegmentText(s, tc.name, g.id, v)); }} />;
              })}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export function round3(v: number) { return Math.round(v * 1000) / 1000; }
