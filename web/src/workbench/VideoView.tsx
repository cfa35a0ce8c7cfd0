import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useT } from '../i18n';
import { labelsOf, type Control, type Segment, type Track } from '../lib/schema';
import { drawPeaks, fetchPeaks, fmt, round3 } from './AudioView';
import { controlsOn, isTyping, useWb } from './context';
import { rangeReader, readFrameRate } from './framerate';
import { ScrubFrames, mediaOf, type ScrubInfo } from './scrub';
import { api } from '../api';
import { addRegion, addSegment, updateRegion } from './state';
import { DEFAULT_FPS, boxAt, frameAt, setKeyframe, timeOf, toggleFrom, type FrameBox } from './tracks';

// Decoding the audio track needs the whole file in memory: past this size the waveform is left out.
const MAX_WAVE_BYTES = 64 * 1024 * 1024;

const SCRUB_TEXT = {
  queued: 'video.scrub.queued', running: 'video.scrub.running', ready: 'video.scrub.ready',
  failed: 'video.scrub.failed', unavailable: 'video.scrub.unavailable',
} as const;

interface Drag { kind: 'draw' | 'move'; x0: number; y0: number; box: FrameBox; control: string; id?: string; moved: boolean }

type RVFC = (cb: (now: number, meta: { mediaTime: number }) => void) => number;
const HAS_RVFC = typeof HTMLVideoElement !== 'undefined' && 'requestVideoFrameCallback' in HTMLVideoElement.prototype;

declare global {
  // The video benchmark's probe (bench/video.bench.ts): where the page has one, each overlay draw
  // reports its frame, how long it took and, when it drew a scrub proxy frame that had not been
  // drawn before, 'proxy' (the picture and its boxes went to the canvas together). Absent in normal
  // use (one optional call per draw).
  interface Window { __yzVideoDraw?: (frame: number, ms: number, picture?: 'proxy') => void }
}

/**
 * A video field: the picture with tracked boxes drawn on a canvas over it, frame stepping and a
 * timeline with the segments of `segments` controls and the keyframes of the selected track.
 * Frames are drawn outside React: each presented frame (requestVideoFrameCallback where the browser
 * has it, else animation frames) interpolates the tracks for that frame onto the canvas and writes
 * the frame counter, so playing and scrubbing re-render nothing.
 *
 * Seeks are one at a time. Chromium, given a new time while a seek is pending, drops the pending one
 * without presenting its frame, so a drag that asks for a frame every animation frame showed nothing
 * until it stopped (the video benchmark, docs/benchmarks.md). The newest frame asked for waits for
 * `seeked` and the ones between are skipped; a drag seeks with `fastSeek` where the browser has it
 * (to a keyframe near the pointer) and the release seeks to the exact frame.
 *
 * Where the server made a scrub proxy of the video (small JPEG frames in chunks, scrub.ts), a drag
 * seeks nothing: each pointer move draws the proxy frame under the pointer, decoded off the main
 * thread, on a canvas of the proxy's own size (CSS scales it; the overlay draws the boxes of that same
 * frame over it); while the pointer's chunk is on its way, the nearest frame there is (the proxy's
 * storyboard, kept decoded around the pointer, so it is drawn within the move itself), with its own
 * boxes. On release the video seeks to the exact frame at full size; the proxy picture stays over it
 * until the video presents that frame, so the picture and the boxes always belong to one frame.
 */
export function VideoView({ field, src }: { field: string; src: string }) {
  const t = useT();
  const wb = useWb();
  // The file's own frame rate, read from its header; 25 until it is read, or when the header does not say.
  const [fps, setFps] = useState(DEFAULT_FPS);
  const trackControls = useMemo(() => controlsOn(wb.schema, field, ['tracks']), [wb.schema, field]);
  const segControls = useMemo(() => controlsOn(wb.schema, field, ['segments']), [wb.schema, field]);
  const video = useRef<HTMLVideoElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const proxyCanvas = useRef<HTMLCanvasElement>(null); // the proxy frame on show, at the proxy's own size (CSS scales it)
  const counter = useRef<HTMLSpanElement>(null);
  const playhead = useRef<HTMLDivElement>(null);
  const timeline = useRef<HTMLDivElement>(null);
  const waveCanvas = useRef<HTMLCanvasElement>(null);
  const [duration, setDuration] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [failed, setFailed] = useState(false);
  const [peaks, setPeaks] = useState<Float32Array | null>(null);
  const [mark, setMark] = useState<number | null>(null);
  const [frame, setFrame] = useState(1); // the paused frame, for the controls that need it (not updated while playing)
  const drag = useRef<Drag | null>(null);
  const scrub = useRef(false);
  const want = useRef<{ frame: number; exact: boolean } | null>(null); // the newest frame asked for, until its seek is done
  // The frame stepped or scrubbed to while paused: where the next step starts, and where the video must
  // end up once its seeks are done (the element's own time is read only while it plays).
  const pos = useRef<number | null>(null);
  const healed = useRef(false);
  const asked = useRef<{ frame: number; exact: boolean } | null>(null); // the seek in flight
  const lastFrame = duration ? Math.max(1, Math.round(duration * fps)) : Infinity;
  const [scrubOf, setScrubOf] = useState<{ src: string; info: ScrubInfo } | null>(null);
  const scrubInfo = scrubOf?.src === src ? scrubOf.info : null;
  const proxy = useRef<ScrubFrames | null>(null);
  // The frame whose proxy picture is on the proxy canvas, over the video, until the video presents that frame itself.
  const held = useRef<{ frame: number } | null>(null);
  const fresh = useRef(false); // the held frame's boxes have not been drawn yet
  const asking = useRef(false); // within the drag's ask: a frame handed now is drawn now, in the pointer's animation frame
  // While a proxy frame covers it the video is hidden: the compositor then blends no 1080p layer under
  // each canvas update (software compositing spent most of a drag's frame on it).
  const dropHeld = () => {
    held.current = null;
    if (proxyCanvas.current) proxyCanvas.current.style.visibility = '';
    if (video.current) video.current.style.visibility = '';
  };

  const trackControl: Control | undefined = trackControls.find((c) => c.name === wb.active) ?? trackControls[0];
  const segControl: Control | undefined = segControls.find((c) => c.name === wb.active) ?? segControls[0];
  const labelOf = (c: Control) => wb.labelFor[c.name] ?? labelsOf(c)[0]?.value ?? '';

  // The draw loop's function, replaced after every render (so it reads the latest result without
  // waiting for one); a paused video presents no new frame, so edits and selection draw at once.
  const draw = useRef<(f: number) => void>(() => {});
  const { result, selected, hidden } = wb.state;
  const paint = (asked: number) => {
    const cv = overlay.current;
    const v = video.current;
    if (!cv || !v) return;
    const t0 = performance.now();
    // A proxy frame on show decides the frame whose boxes are drawn.
    const pic = held.current;
    const f = pic ? pic.frame : asked;
    const w = cv.clientWidth; const h = cv.clientHeight;
    const dpr = window.devicePixelRatio || 1;
    if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) { cv.width = Math.round(w * dpr); cv.height = Math.round(h * dpr); }
    const g = cv.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const tcs = trackControls; const lf = lastFrame;
    const box: FrameBox = { x: 0, y: 0, width: 0, height: 0 };
    // While paused, the boxes drawn are also written on the canvas (what the e2e test reads); never while playing or scrubbing.
    const record = v.paused && !scrub.current;
    const shown: string[] = [];
    const d = drag.current;
    g.font = '12px sans-serif';
    const tabs = new Map<string, number>();
    for (const c of tcs) {
      const colors = new Map(labelsOf(c).map((l) => [l.value, l.color]));
      for (const tr of (result[c.name] as Track[] | undefined) ?? []) {
        if (hidden?.includes(tr.id)) continue;
        const b = d?.kind === 'move' && d.id === tr.id && d.moved ? d.box : boxAt(tr, f, lf, box);
        if (!b) continue;
        const color = colors.get(tr.label) ?? '#e4572e';
        const sel = selected?.id === tr.id;
        g.strokeStyle = color;
        g.lineWidth = sel ? 3 : 1.5;
        g.strokeRect((b.x / 100) * w, (b.y / 100) * h, (b.width / 100) * w, (b.height / 100) * h);
        if (record) shown.push(`${tr.id}:${b.x.toFixed(2)},${b.y.toFixed(2)},${b.width.toFixed(2)},${b.height.toFixed(2)}`);
        // The label on a tab of the box's colour, readable over any picture.
        const lx = (b.x / 100) * w; const ly = (b.y / 100) * h;
        g.fillStyle = color;
        let tab = tabs.get(tr.label);
        if (tab === undefined) { tab = g.measureText(tr.label).width + 6; tabs.set(tr.label, tab); }
        g.fillRect(lx, ly, tab, 16);
        g.fillStyle = '#fff';
        g.fillText(tr.label, lx + 3, ly + 12);
      }
    }
    if (d?.kind === 'draw' && d.moved) {
      g.setLineDash([5, 4]); g.strokeStyle = '#fff'; g.lineWidth = 1.5;
      g.strokeRect((d.box.x / 100) * w, (d.box.y / 100) * h, (d.box.width / 100) * w, (d.box.height / 100) * h);
      g.setLineDash([]);
    }
    const total = Number.isFinite(lf) ? lf : 0;
    if (counter.current) counter.current.textContent = `${t('video.frame', { frame: f, total })} · ${fmt(pic ? (f - 1) / fps : v.currentTime)}`;
    if (playhead.current && v.duration && !scrub.current) playhead.current.style.left = `${(v.currentTime / v.duration) * 100}%`;
    cv.dataset.frame = String(f);
    cv.dataset.picture = pic ? 'proxy' : 'video';
    if (record) cv.dataset.boxes = shown.join(' ');
    const first = pic !== null && fresh.current;
    fresh.current = false;
    window.__yzVideoDraw?.(f, performance.now() - t0, first ? 'proxy' : undefined);
  };
  useLayoutEffect(() => {
    draw.current = (f: number) => paint(f);
    draw.current(frame);
  });

  // Where the proxy stands: asked again while it is being made.
  useEffect(() => {
    const m = mediaOf(src);
    if (!m) return;
    let dead = false;
    let timer = 0;
    const ask = () => {
      api.scrubProxy(m.projectId, m.name).then((info) => {
        if (dead) return;
        setScrubOf({ src, info });
        if (info.status === 'queued' || info.status === 'running') timer = window.setTimeout(ask, 3000);
      }, () => { /* no proxy to be had: the view seeks */ });
    };
    ask();
    return () => { dead = true; window.clearTimeout(timer); };
  }, [src]);

  // The proxy's frames, once it is ready and counts frames at the rate the view does.
  useEffect(() => {
    const i = scrubInfo;
    if (i?.status !== 'ready' || !i.frames || !i.chunkFrames || !i.chunkUrl || !i.fps || Math.abs(i.fps - fps) > 0.01) return;
    const frames = new ScrubFrames({ frames: i.frames, chunkFrames: i.chunkFrames, chunkUrl: i.chunkUrl, storyboardUrl: i.storyboardUrl });
    let raf = 0;
    frames.onFrame = (f, picture) => {
      const v = video.current; const pc = proxyCanvas.current;
      // After the release only the frame released on is wanted, and not once the video shows it itself.
      if (!pc || (!scrub.current && (f !== pos.current || (v && !v.seeking && frameAt(v.currentTime, fps) === f && !held.current)))) return;
      // The picture is drawn at once at its own size (the canvas's CSS scales it), and its boxes with it:
      // within the pointer's move, now, in that animation frame; for a frame decoded later, in the next
      // animation frame, before which nothing is presented, so the picture and its boxes go out together.
      if (pc.width !== picture.width || pc.height !== picture.height) { pc.width = picture.width; pc.height = picture.height; }
      pc.getContext('2d', { alpha: false })!.drawImage(picture, 0, 0); // opaque: nothing under it is blended
      held.current = { frame: f };
      fresh.current = true;
      pc.style.visibility = 'visible';
      if (v) v.style.visibility = 'hidden';
      if (asking.current) { cancelAnimationFrame(raf); raf = 0; draw.current(f); return; }
      if (!raf) raf = requestAnimationFrame(() => { raf = 0; const h = held.current; if (h && fresh.current) draw.current(h.frame); });
    };
    proxy.current = frames;
    return () => {
      cancelAnimationFrame(raf);
      frames.close();
      proxy.current = null;
      dropHeld();
    };
  }, [scrubInfo, fps]);

  // One draw per presented frame: requestVideoFrameCallback gives the frame's own media time.
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    let stop = false;
    const rvfc = (v as unknown as { requestVideoFrameCallback?: RVFC }).requestVideoFrameCallback?.bind(v);
    // The video presents frame f: once it is the proxy frame on show, or the frame released on (the
    // proxy frame on show may be a stand-in near it), the video's own picture takes over.
    const presented = (f: number) => {
      const h = held.current;
      if (h && !scrub.current && !v.seeking && (h.frame === f || f === pos.current)) dropHeld();
      draw.current(f);
    };
    if (rvfc) {
      const onFrame = (_: number, meta: { mediaTime: number }) => { if (stop) return; presented(frameAt(meta.mediaTime, fps)); rvfc(onFrame); };
      rvfc(onFrame);
    } else {
      const loop = () => { if (stop) return; presented(frameAt(v.currentTime, fps)); requestAnimationFrame(loop); };
      requestAnimationFrame(loop);
    }
    return () => { stop = true; };
  }, [fps]);

  useEffect(() => {
    let dead = false;
    readFrameRate(rangeReader(src)).then((r) => { if (!dead) setFps(r ?? DEFAULT_FPS); }, () => { /* unreadable: stays at 25 */ });
    return () => { dead = true; };
  }, [src]);

  useEffect(() => {
    let dead = false;
    void (async () => {
      try {
        const head = await fetch(src, { method: 'HEAD', credentials: 'same-origin' });
        // Unanswered or too large: no waveform rather than a whole video fetched for one.
        if (!head.ok || Number(head.headers.get('content-length') ?? 0) > MAX_WAVE_BYTES) return;
        const decoded = await fetchPeaks(src);
        if (!dead) setPeaks(decoded.peaks);
      } catch { /* no audio track: the video has no waveform */ }
    })();
    return () => { dead = true; };
  }, [src]);

  useEffect(() => { if (waveCanvas.current && peaks) drawPeaks(waveCanvas.current, peaks); }, [peaks]);

  const clampFrame = (f: number) => Math.max(1, Math.min(Number.isFinite(lastFrame) ? lastFrame : f, f));
  const startSeek = (v: HTMLVideoElement, to: { frame: number; exact: boolean }) => {
    asked.current = to;
    const time = timeOf(to.frame, fps);
    if (!to.exact && 'fastSeek' in v && typeof v.fastSeek === 'function') v.fastSeek(time); else v.currentTime = time;
  };
  /** Asks for a frame: seeks now when no seek is in flight, else when the one in flight is done (the newest ask wins). */
  const seekTo = (f: number, exact: boolean) => {
    const v = video.current;
    if (!v) return;
    want.current = { frame: f, exact };
    if (!v.seeking) startSeek(v, want.current);
  };
  const onSeeked = () => {
    const v = video.current;
    const w = want.current; const a = asked.current;
    if (v && w && a && (w.frame !== a.frame || (w.exact && !a.exact))) { startSeek(v, w); return; }
    want.current = null; asked.current = null;
    // Every step lands: were a step's seek lost between two others (seen once under heavy load, one
    // frame short after fifteen quick steps), the settled video is sent once more to the frame asked.
    if (v && v.paused && !scrub.current && pos.current != null && frameAt(v.currentTime, fps) !== pos.current && !healed.current) {
      healed.current = true;
      startSeek(v, { frame: pos.current, exact: true });
      return;
    }
    healed.current = false;
    // The frame released on has landed: the video shows it again in place of its proxy frame (or of
    // the stand-in near it that was on show when the drag ended).
    const landed = v ? frameAt(v.currentTime, fps) : 0;
    if (v && held.current && !scrub.current && (held.current.frame === landed || landed === pos.current)) { dropHeld(); draw.current(landed); return; }
    // requestVideoFrameCallback draws the frame when it is presented; without it, draw now.
    if (!HAS_RVFC) draw.current(currentFrame());
  };
  const seekFrame = (f: number, release = false) => {
    const v = video.current;
    if (!v) return;
    const to = clampFrame(f);
    // A step or a jump shows the video's own frames; a release keeps the proxy frame on show until
    // the video presents the frame released on.
    if (!release) dropHeld();
    v.pause();
    pos.current = to;
    seekTo(to, true);
    setFrame(to);
    draw.current(to);
  };
  const currentFrame = () => {
    const v = video.current;
    if (v && !v.paused) return frameAt(v.currentTime, fps);
    return want.current?.frame ?? pos.current ?? (v ? frameAt(v.currentTime, fps) : 1);
  };
  const toggle = () => {
    const v = video.current;
    if (!v) return;
    if (v.paused) { dropHeld(); void v.play(); } else { v.pause(); seekFrame(currentFrame()); }
  };
  // Marks are whole frames: [ at the start of the frame shown, ] at its end, so a scene covers the
  // frames seen at both marks (either order).
  const markAt = (which: '[' | ']') => {
    const f = currentFrame();
    if (which === '[') { setMark(f); return; }
    if (mark != null && segControl && !wb.readOnly) {
      const c = segControl;
      const from = Math.min(mark, f); const to = Math.max(mark, f);
      wb.update((s) => addSegment(s, c, { label: labelOf(c), start: round3((from - 1) / fps), end: round3(Math.min(duration || Infinity, to / fps)) }));
    }
    setMark(null);
  };

  const selectedTrack = (() => {
    const sel = wb.state.selected;
    const c = sel && trackControls.find((x) => x.name === sel.control);
    return c ? ((wb.state.result[c.name] as Track[] | undefined) ?? []).find((x) => x.id === sel.id) : undefined;
  })();
  const toggleOff = () => {
    const sel = wb.state.selected;
    if (!sel || !selectedTrack || wb.readOnly) return;
    const f = currentFrame();
    const next = toggleFrom(selectedTrack, f, fps, lastFrame);
    wb.update((s) => updateRegion<Track>(s, sel.control, sel.id, { sequence: next.sequence }));
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === ' ') { e.preventDefault(); toggle(); }
      else if (e.key === 'ArrowLeft' || e.key === ',') { e.preventDefault(); seekFrame(currentFrame() - (e.shiftKey ? 10 : 1)); }
      else if (e.key === 'ArrowRight' || e.key === '.') { e.preventDefault(); seekFrame(currentFrame() + (e.shiftKey ? 10 : 1)); }
      else if (e.key === '[' || e.key === ']') { e.preventDefault(); markAt(e.key); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  // ---- drawing and moving boxes on the picture ----
  const pctAt = (e: React.PointerEvent) => {
    const r = overlay.current!.getBoundingClientRect();
    return { x: Math.max(0, Math.min(100, ((e.clientX - r.left) / r.width) * 100)), y: Math.max(0, Math.min(100, ((e.clientY - r.top) / r.height) * 100)) };
  };
  const onDown = (e: React.PointerEvent) => {
    if (e.button !== 0 || wb.readOnly || !trackControl) return;
    const v = video.current;
    if (v && !v.paused) v.pause();
    const f = currentFrame();
    const p = pctAt(e);
    e.currentTarget.setPointerCapture(e.pointerId);
    // The selected track first, then the others, topmost (last drawn) first.
    const hits: { c: Control; tr: Track }[] = [];
    for (const c of trackControls) for (const tr of (wb.state.result[c.name] as Track[] | undefined) ?? []) hits.push({ c, tr });
    hits.reverse().sort((a, b) => Number(b.tr.id === wb.state.selected?.id) - Number(a.tr.id === wb.state.selected?.id));
    for (const { c, tr } of hits) {
      if (wb.state.hidden?.includes(tr.id)) continue;
      const b = boxAt(tr, f, lastFrame);
      if (b && p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height) {
        drag.current = { kind: 'move', x0: p.x, y0: p.y, box: { ...b }, control: c.name, id: tr.id, moved: false };
        wb.update((s) => ({ ...s, selected: { control: c.name, id: tr.id } }));
        return;
      }
    }
    drag.current = { kind: 'draw', x0: p.x, y0: p.y, box: { x: p.x, y: p.y, width: 0, height: 0 }, control: trackControl.name, moved: false };
  };
  const onMove = (e: React.PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const p = pctAt(e);
    if (d.kind === 'draw') {
      d.box = { x: Math.min(d.x0, p.x), y: Math.min(d.y0, p.y), width: Math.abs(p.x - d.x0), height: Math.abs(p.y - d.y0) };
    } else {
      const tr = ((wb.state.result[d.control] as Track[] | undefined) ?? []).find((x) => x.id === d.id);
      const b = tr && boxAt(tr, currentFrame(), lastFrame);
      if (!b) return;
      d.box = { x: Math.max(0, Math.min(100 - b.width, b.x + p.x - d.x0)), y: Math.max(0, Math.min(100 - b.height, b.y + p.y - d.y0)), width: b.width, height: b.height };
    }
    d.moved = true;
    draw.current(currentFrame());
  };
  const onUp = () => {
    const d = drag.current;
    drag.current = null;
    if (!d || !d.moved) { draw.current(currentFrame()); return; }
    const f = currentFrame();
    const c = trackControls.find((x) => x.name === d.control)!;
    if (d.kind === 'draw') {
      if (d.box.width < 0.5 || d.box.height < 0.5) { draw.current(f); return; }
      const first = setKeyframe({ id: '', label: labelOf(c), sequence: [] }, f, d.box, fps);
      const extra = Number.isFinite(lastFrame) ? { framesCount: lastFrame, duration: round3(duration) } : {};
      wb.update((s) => addRegion<Track>(s, c, { label: first.label, sequence: first.sequence, ...extra }));
    } else {
      const tr = ((wb.state.result[d.control] as Track[] | undefined) ?? []).find((x) => x.id === d.id);
      if (tr) { const next = setKeyframe(tr, f, d.box, fps); wb.update((s) => updateRegion<Track>(s, d.control, tr.id, { sequence: next.sequence })); }
    }
  };

  // ---- the timeline: scrub by dragging, segments and keyframes on it ----
  const timeAt = (clientX: number) => {
    const r = timeline.current!.getBoundingClientRect();
    return Math.max(0, Math.min(duration, ((clientX - r.left) / r.width) * duration));
  };
  // A drag re-renders nothing: it moves the playhead with the pointer and asks for frames (one seek
  // in flight); the overlay draws each frame as it is presented. The release seeks to the exact
  // frame and renders once.
  const onScrub = (e: React.PointerEvent) => {
    if (!duration) return;
    if (e.type === 'pointerdown') {
      scrub.current = true;
      e.currentTarget.setPointerCapture(e.pointerId);
      video.current?.pause();
    } else if (!scrub.current) return;
    const time = timeAt(e.clientX);
    const f = clampFrame(frameAt(time, fps));
    const frames = proxy.current?.covers(f) ? proxy.current : null;
    if (e.type === 'pointerup' || e.type === 'pointercancel') {
      scrub.current = false;
      pos.current = f;
      frames?.ask(f, true);
      seekFrame(f, frames !== null);
      return;
    }
    if (playhead.current) playhead.current.style.left = `${(time / duration) * 100}%`;
    pos.current = f;
    // With a proxy the drag draws its frames and seeks nothing; the release seeks once, exactly.
    if (frames) {
      asking.current = true;
      try { frames.ask(f); } finally { asking.current = false; }
    } else seekTo(f, false);
  };
  const pct = (s: number) => `${duration ? (s / duration) * 100 : 0}%`;
  const segments: { c: Control; g: Segment }[] = [];
  for (const c of segControls) for (const g of (wb.state.result[c.name] as Segment[] | undefined) ?? []) segments.push({ c, g });

  const offHere = selectedTrack ? !boxAt(selectedTrack, frame, lastFrame) : false;
  return (
    <div className="video-view" data-testid={`video-${field}`}>
      <div className="video-stage">
        <video ref={video} src={src} preload="auto" playsInline data-testid="video-element"
          onPlay={() => { pos.current = null; setPlaying(true); }} onPause={() => setPlaying(false)} onSeeked={onSeeked}
          onLoadedMetadata={(e) => setDuration(e.currentTarget.duration)} onError={() => setFailed(true)} />
        <canvas ref={proxyCanvas} className="video-proxy" data-testid="video-proxy" />
        <canvas ref={overlay} className="video-overlay" data-testid="video-overlay"
          onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp} onPointerCancel={onUp} />
      </div>
      <div className="audio-tools">
        <button type="button" data-testid="video-play" onClick={toggle}>{playing ? t('wb.pause') : t('wb.play')}</button>
        <button type="button" data-testid="video-prev" aria-label={t('video.prevFrame')} onClick={() => seekFrame(currentFrame() - 1)}>◀︎ 1</button>
        <button type="button" data-testid="video-next" aria-label={t('video.nextFrame')} onClick={() => seekFrame(currentFrame() + 1)}>1 ▶︎</button>
        <span ref={counter} data-testid="video-frame" className="mono" />
        {trackControl && !wb.readOnly && selectedTrack && (
          <button type="button" data-testid="video-toggle-off" onClick={toggleOff}>{offHere ? t('video.onFromHere') : t('video.offFromHere')}</button>
        )}
        {segControl && !wb.readOnly && <>
          <button type="button" data-testid="video-mark-start" onClick={() => markAt('[')}>[ {t('wb.markStart')}</button>
          <button type="button" data-testid="video-mark-end" onClick={() => markAt(']')}>] {t('wb.markEnd')}</button>
        </>}
        <span className="grow" />
        {scrubInfo && scrubInfo.status !== 'none' && (
          <span className="small muted" data-testid="video-scrub" data-status={scrubInfo.status} title={scrubInfo.error ?? undefined}>
            {t(SCRUB_TEXT[scrubInfo.status])}
          </span>
        )}
        <span className="small muted">{t('video.keys', { fps })}</span>
      </div>
      {failed && <div className="error">{t('wb.mediaError', { name: src })}</div>}
      <div ref={timeline} className="video-timeline" data-testid="video-timeline" data-duration={duration}
        onPointerDown={onScrub} onPointerMove={onScrub} onPointerUp={onScrub} onPointerCancel={onScrub}>
        {peaks && <canvas ref={waveCanvas} className="video-wave" data-testid="video-waveform" />}
        {segments.map(({ c, g }) => {
          const color = labelsOf(c).find((l) => l.value === g.label)?.color ?? '#888';
          return <div key={g.id} data-testid={`region-${g.id}`} className={`segment${wb.state.selected?.id === g.id ? ' sel' : ''}`}
            style={{ left: pct(g.start), width: pct(g.end - g.start), background: `${color}44`, borderColor: color }}
            onPointerDown={(e) => { e.stopPropagation(); wb.update((s) => ({ ...s, selected: { control: c.name, id: g.id } })); seekFrame(frameAt(g.start, fps)); }}>
            <span className="segment-label" style={{ background: color }}>{g.label}</span>
          </div>;
        })}
        {selectedTrack?.sequence.map((k) => (
          <div key={k.frame} className={`keyframe${k.enabled ? '' : ' off'}`} data-testid={`keyframe-${k.frame}`} title={t('video.frame', { frame: k.frame, total: Number.isFinite(lastFrame) ? lastFrame : 0 })}
            style={{ left: pct((k.frame - 1) / fps) }} />
        ))}
        {mark != null && <div className="mark" style={{ left: pct((mark - 1) / fps) }} />}
        <div ref={playhead} className="playhead" />
      </div>
    </div>
  );
}
