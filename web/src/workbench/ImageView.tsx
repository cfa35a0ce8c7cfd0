import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useT } from '../i18n';
import { labelsOf, type Control, type Keypoint, type Polygon, type Rect } from '../lib/schema';
import { clampMove, inside, resizeFromCorner, rotateAboutCentre, rotationTowards } from '../lib/rotrect';
import { addKeypoint, addPolygon, addRect, editedOrigin, updateRegion } from './state';
import { controlsOn, isTyping, useWb } from './context';
import { buildPyramid, levelFor, visiblePart, type View } from './pixels';
import { MaskLayer, type Brush, type MaskApi } from './MaskLayer';
import type { MaskRegion } from './masks';

type Pt = [number, number];
type Draft = { kind: 'rect'; a: Pt; b: Pt } | { kind: 'poly'; points: Pt[]; cursor: Pt | null };
type Drag =
  | { mode: 'pan'; sx: number; sy: number; view: View }
  | { mode: 'move'; control: string; id: string; start: Pt; orig: Rect | Polygon | Keypoint; moved: boolean }
  | { mode: 'handle'; control: string; id: string; handle: number; orig: Rect | Polygon; moved: boolean }
  | { mode: 'rotate'; control: string; id: string; orig: Rect; moved: boolean }
  | { mode: 'rect'; over?: { control: string; id: string } }
  | { mode: 'paint' };

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
const round = (v: number) => Math.round(v * 100) / 100;
/** A wheel zoom counts as one gesture until the wheel has been still this long. */
const WHEEL_SETTLE_MS = 150;

/** What the canvas draws from: the photo's decoded copies, largest first, and their widths. */
interface Pixels { src: string; w: number; h: number; sources: CanvasImageSource[]; widths: number[] }

/**
 * Image with rectangles, polygons and keypoints; geometry is kept in original image pixels.
 * With `page`, the image is that page of a document: it shows that page's boxes, and a new box
 * gets the page and the image's size as the page's (`pageWidth`, `pageHeight`).
 *
 * The photo is painted into a canvas the size of the view from a pyramid of halved copies, and the
 * regions are an SVG over it. The view (zoom k, offset tx/ty) lives in a ref: a pan or zoom step
 * writes the SVG group's transform and redraws the canvas at the next frame without a React render.
 * Only the zoom is React state (stroke widths, handle and label sizes depend on it), committed when
 * a gesture ends, so during a wheel zoom those sizes scale with the picture for a moment.
 */
export function ImageView({ field, src, page }: { field: string; src: string; page?: number }) {
  const t = useT();
  const wb = useWb();
  const controls = useMemo(() => controlsOn(wb.schema, field, ['rectangles', 'polygons', 'keypoints']), [wb.schema, field]);
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const groupRef = useRef<SVGGElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [nat, setNat] = useState<{ w: number; h: number } | null>(null);
  const [failed, setFailed] = useState(false);
  const [levelCount, setLevelCount] = useState(0);
  const viewRef = useRef<View>({ k: 1, tx: 0, ty: 0 });
  // The zoom the regions were last rendered for.
  const [k, setK] = useState(1);
  const pixels = useRef<Pixels | null>(null);
  const frame = useRef(0);
  const drawn = useRef('');
  const moving = useRef(false);
  const settle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [space, setSpace] = useState(false);
  const drag = useRef<Drag | null>(null);
  const hasAudio = wb.schema.fields.some((f) => f.type === 'audio');
  // Masks are painted on a layer of their own (MaskLayer) while a masks control is active.
  const maskControls = useMemo(() => controlsOn(wb.schema, field, ['masks']), [wb.schema, field]);
  const maskControl = maskControls.find((c) => c.name === wb.active) ?? (controls.length ? undefined : maskControls[0]);
  const maskApi = useRef<MaskApi | null>(null);
  const [brush, setBrush] = useState<Brush>({ size: 24, erase: false });

  const drawControl: Control | undefined = controls.find((c) => c.name === wb.active) ?? controls[0];
  const colorOf = (c: Control, label: string) => labelsOf(c, wb.data).find((l) => l.value === label)?.color ?? '#888';
  const labelOf = (c: Control) => wb.labelFor[c.name] ?? labelsOf(c, wb.data)[0]?.value ?? '';

  /** Paints the visible part of the photo for the current view; nothing when that is already on the canvas. */
  const draw = () => {
    frame.current = 0;
    const canvas = canvasRef.current;
    const box = boxRef.current;
    if (!canvas || !box) return;
    const v = viewRef.current;
    const p = pixels.current;
    const dpr = window.devicePixelRatio || 1;
    const level = p ? levelFor(p.widths, p.w, v.k * dpr) : -1;
    const quality = moving.current ? 'low' : 'high';
    const key = `${canvas.width}x${canvas.height} ${v.k} ${v.tx} ${v.ty} ${p?.src}/${p?.sources.length} ${level} ${quality}`;
    if (key === drawn.current) return;
    drawn.current = key;
    const g = canvas.getContext('2d', { alpha: false })!;
    // Opaque canvas (cheaper to composite in software): the box's own colour around the photo.
    g.fillStyle = getComputedStyle(box).backgroundColor;
    g.fillRect(0, 0, canvas.width, canvas.height);
    if (!p) return;
    const part = visiblePart(v, dpr, p, p.widths[level]! / p.w, canvas.width, canvas.height);
    if (!part) return;
    // Bilinear while the view moves; the better filter once it rests.
    g.imageSmoothingEnabled = true;
    g.imageSmoothingQuality = quality;
    g.drawImage(p.sources[level]!, part.sx, part.sy, part.sw, part.sh, part.dx, part.dy, part.dw, part.dh);
  };

  /** Publishes the view on the SVG (transform; data-zoom/tx/ty for tests) and asks for a canvas frame. */
  const showView = () => {
    const v = viewRef.current;
    const svg = svgRef.current;
    if (svg) {
      svg.setAttribute('data-zoom', String(v.k));
      svg.setAttribute('data-tx', String(v.tx));
      svg.setAttribute('data-ty', String(v.ty));
    }
    groupRef.current?.setAttribute('transform', `translate(${v.tx} ${v.ty}) scale(${v.k})`);
    maskApi.current?.show(v);
    if (!frame.current) frame.current = requestAnimationFrame(draw);
  };

  /** Moves the view; `done` ends the gesture: the regions re-render for the new zoom and the canvas sharpens. */
  const setView = (v: View, done: boolean) => {
    viewRef.current = v;
    clearTimeout(settle.current);
    moving.current = !done;
    if (done) setK(v.k);
    showView();
  };

  const fit = (n = nat) => {
    const box = boxRef.current;
    if (!box || !n) return;
    const k = Math.min(box.clientWidth / n.w, box.clientHeight / n.h) * 0.98;
    setView({ k, tx: (box.clientWidth - n.w * k) / 2, ty: (box.clientHeight - n.h * k) / 2 }, true);
  };

  useEffect(() => {
    // A new source is a new ImageView (TaskView keys it by the source): the state starts afresh.
    pixels.current = null;
    showView();
    let live = true;
    let made: ImageBitmap[] = [];
    const img = new Image();
    img.onload = () => {
      const n = { w: img.naturalWidth, h: img.naturalHeight };
      // The <img> itself is drawn until its decoded copies are ready.
      pixels.current = { src, ...n, sources: [img], widths: [n.w] };
      setNat(n); fit(n);
      buildPyramid(img).then((levels) => {
        made = levels;
        if (!live) { for (const b of levels) b.close(); return; }
        pixels.current = { src, ...n, sources: levels, widths: levels.map((b) => b.width) };
        setLevelCount(levels.length);
        showView();
      }, () => { /* the <img> stays the source: slower, still right */ });
    };
    img.onerror = () => setFailed(true);
    img.src = src;
    return () => {
      live = false;
      img.onload = null; img.onerror = null;
      for (const b of made) b.close();
    };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [src]);

  // The canvas has one pixel per device pixel of the box; it is resized (and redrawn) with the box.
  useEffect(() => {
    const box = boxRef.current;
    const canvas = canvasRef.current;
    if (!box || !canvas) return;
    const ro = new ResizeObserver(() => {
      const dpr = window.devicePixelRatio || 1;
      const w = Math.max(1, Math.round(box.clientWidth * dpr));
      const h = Math.max(1, Math.round(box.clientHeight * dpr));
      if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; drawn.current = ''; }
      showView();
    });
    ro.observe(box);
    return () => ro.disconnect();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [failed]);

  // After every render: the SVG may be new (an image that failed and came back) and the zoom just committed.
  useLayoutEffect(showView);
  useEffect(() => () => { cancelAnimationFrame(frame.current); frame.current = 0; clearTimeout(settle.current); }, []);

  // Wheel zoom around the cursor; registered by hand because React's wheel listener is passive.
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = box.getBoundingClientRect();
      const mx = e.clientX - r.left;
      const my = e.clientY - r.top;
      const v = viewRef.current;
      const k = clamp(v.k * Math.exp(-e.deltaY * 0.0015), 0.02, 40);
      setView({ k, tx: mx - (mx - v.tx) * (k / v.k), ty: my - (my - v.ty) * (k / v.k) }, false);
      settle.current = setTimeout(() => setView(viewRef.current, true), WHEEL_SETTLE_MS);
    };
    box.addEventListener('wheel', onWheel, { passive: false });
    return () => box.removeEventListener('wheel', onWheel);
  // Registered once (a non-passive listener, so the page does not scroll): setView works through refs
  // and a state setter only, so the first render's copy does what any later one would.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** Moves the selected region of this image by whole image pixels; false when none is selected. */
  const nudge = (key: string, by: number): boolean => {
    const sel = wb.state.selected;
    if (wb.readOnly || !nat || !sel || !controls.some((c) => c.name === sel.control) || wb.state.locked?.includes(sel.id)) return false;
    const r = (wb.state.result[sel.control] as (Rect | Polygon | Keypoint)[] | undefined)?.find((x) => x.id === sel.id);
    if (!r) return false;
    const dx = key === 'ArrowLeft' ? -by : key === 'ArrowRight' ? by : 0;
    const dy = key === 'ArrowUp' ? -by : key === 'ArrowDown' ? by : 0;
    let patch: Partial<Rect & Polygon & Keypoint>;
    if ('points' in r) {
      const xs = r.points.map((q) => q[0]); const ys = r.points.map((q) => q[1]);
      const ddx = clamp(dx, -Math.min(...xs), nat.w - Math.max(...xs));
      const ddy = clamp(dy, -Math.min(...ys), nat.h - Math.max(...ys));
      patch = { points: r.points.map(([x, y]) => [round(x + ddx), round(y + ddy)] as Pt) };
    } else if ('width' in r) {
      const [ddx, ddy] = clampMove(r, dx, dy, nat.w, nat.h);
      patch = { x: round(r.x + ddx), y: round(r.y + ddy) };
    } else patch = { x: clamp(r.x + dx, 0, nat.w), y: clamp(r.y + dy, 0, nat.h) };
    wb.update((s) => updateRegion(s, sel.control, sel.id, patch));
    return true;
  };

  /** Turns the selected box of this image by `by` degrees about its centre; false when no box is selected. */
  const turn = (by: number): boolean => {
    const sel = wb.state.selected;
    if (wb.readOnly || !nat || !sel || !controls.some((c) => c.name === sel.control && c.type === 'rectangles') || wb.state.locked?.includes(sel.id)) return false;
    const r = (wb.state.result[sel.control] as Rect[] | undefined)?.find((x) => x.id === sel.id);
    if (!r) return false;
    const next = rotateAboutCentre(r, Math.round((r.rotation ?? 0) + by));
    const patch = { x: round(next.x), y: round(next.y), rotation: next.rotation };
    // A turn that would put a corner off the image is not made (the server would refuse the box).
    if (inside({ ...r, ...patch }, nat.w, nat.h)) wb.update((s) => updateRegion(s, sel.control, sel.id, patch));
    return true;
  };

  /** Zooms around the centre of the view (keyboard zoom; the wheel zooms around the cursor). */
  const zoomBy = (f: number) => {
    const box = boxRef.current;
    if (!box) return;
    const v = viewRef.current;
    const k = clamp(v.k * f, 0.02, 40);
    const cx = box.clientWidth / 2; const cy = box.clientHeight / 2;
    setView({ k, tx: cx - (cx - v.tx) * (k / v.k), ty: cy - (cy - v.ty) * (k / v.k) }, true);
  };

  const closePolygon = () => {
    if (draft?.kind !== 'poly' || !drawControl) return;
    const points = draft.points.map(([x, y]) => [round(x), round(y)] as Pt);
    if (points.length >= 3) wb.update((s) => addPolygon(s, drawControl, { label: labelOf(drawControl), points }));
    setDraft(null);
  };

  /** B brush, E eraser, [ ] brush size, H hides or shows the active control's masks. */
  const maskKey = (key: string): boolean => {
    if (key === 'b' || key === 'e') { setBrush((b) => ({ ...b, erase: key === 'e' })); return true; }
    if (key === '[' || key === ']') { setBrush((b) => ({ ...b, size: clamp(Math.round(b.size * (key === ']' ? 1.25 : 0.8)), 2, 400) })); return true; }
    if (key === 'h' && maskControl) { toggleMasks(); return true; }
    return false;
  };

  const maskIds = () => ((wb.state.result[maskControl?.name ?? ''] as MaskRegion[] | undefined) ?? []).map((m) => m.id);
  const masksHidden = maskIds().length > 0 && maskIds().every((id) => wb.state.hidden?.includes(id));
  const toggleMasks = () => {
    const ids = maskIds();
    wb.update((s) => ({ ...s, hidden: masksHidden ? (s.hidden ?? []).filter((id) => !ids.includes(id)) : [...new Set([...(s.hidden ?? []), ...ids])] }));
  };

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (isTyping(e)) return;
      if (e.key === ' ' && !hasAudio) { e.preventDefault(); setSpace(true); }
      else if (e.key === 'Escape' && draft) { setDraft(null); e.stopImmediatePropagation(); }
      else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && draft?.kind === 'poly') { e.preventDefault(); closePolygon(); }
      else if (e.key === 'Backspace' && draft?.kind === 'poly') {
        e.preventDefault(); e.stopImmediatePropagation();
        setDraft(draft.points.length > 1 ? { ...draft, points: draft.points.slice(0, -1) } : null);
      } else if (maskControl && !e.ctrlKey && !e.metaKey && !e.altKey && maskKey(e.key)) {
        e.preventDefault();
      } else if (e.key.startsWith('Arrow') && !e.ctrlKey && !e.metaKey && !e.altKey && nudge(e.key, e.shiftKey ? 10 : 1)) {
        e.preventDefault();
      } else if (['[', ']', '{', '}'].includes(e.key) && !hasAudio && !e.ctrlKey && !e.metaKey && !e.altKey
        && turn((e.key === '[' || e.key === '{' ? -1 : 1) * (e.shiftKey || e.key === '{' || e.key === '}' ? 15 : 1))) {
        e.preventDefault();
      } else if (e.key === 'f' && !e.ctrlKey && !e.metaKey) fit();
      else if ((e.key === '+' || e.key === '=' || e.key === '-') && !e.ctrlKey && !e.metaKey) zoomBy(e.key === '-' ? 1 / 1.25 : 1.25);
    };
    const up = (e: KeyboardEvent) => { if (e.key === ' ') setSpace(false); };
    window.addEventListener('keydown', down, true);
    window.addEventListener('keyup', up);
    return () => { window.removeEventListener('keydown', down, true); window.removeEventListener('keyup', up); };
  });

  const toImg = (e: { clientX: number; clientY: number }): Pt => {
    const r = boxRef.current!.getBoundingClientRect();
    const v = viewRef.current;
    const x = (e.clientX - r.left - v.tx) / v.k;
    const y = (e.clientY - r.top - v.ty) / v.k;
    return nat ? [clamp(x, 0, nat.w), clamp(y, 0, nat.h)] : [x, y];
  };

  /** As toImg, but not held to the image: the rotation handle may be dragged beyond its edge. */
  const toImgFree = (e: { clientX: number; clientY: number }): Pt => {
    const r = boxRef.current!.getBoundingClientRect();
    const v = viewRef.current;
    return [(e.clientX - r.left - v.tx) / v.k, (e.clientY - r.top - v.ty) / v.k];
  };

  const onPointerDown = (e: React.PointerEvent) => {
    if (!nat) return;
    (e.currentTarget).setPointerCapture(e.pointerId);
    if (space || e.button === 1 || (wb.readOnly && e.button === 0)) {
      drag.current = { mode: 'pan', sx: e.clientX, sy: e.clientY, view: viewRef.current };
      return;
    }
    if (e.button !== 0) return;
    if (maskControl && !e.shiftKey && maskApi.current?.begin(toImgFree(e), false)) {
      drag.current = { mode: 'paint' };
      return;
    }
    const target = e.target as Element;
    const p = toImg(e);
    const handle = target.closest('[data-handle]');
    const rotor = target.closest('[data-rotate]');
    const region = target.closest('[data-region]');
    if (rotor && draft == null) {
      const control = rotor.getAttribute('data-control')!;
      const id = rotor.getAttribute('data-id')!;
      const orig = (wb.state.result[control] as Rect[]).find((r) => r.id === id)!;
      drag.current = { mode: 'rotate', control, id, orig, moved: false };
      return;
    }
    if (handle && draft == null) {
      const control = handle.getAttribute('data-control')!;
      const id = handle.getAttribute('data-id')!;
      const orig = (wb.state.result[control] as (Rect | Polygon)[]).find((r) => r.id === id)!;
      drag.current = { mode: 'handle', control, id, handle: Number(handle.getAttribute('data-handle')), orig, moved: false };
      return;
    }
    // A drag that starts inside a prediction draws a new box (a click still selects it), unless
    // the prediction is selected: then it moves, as a region of one's own does.
    const regionId = region?.getAttribute('data-id');
    const overPrediction = !!regionId && wb.state.predicted.includes(regionId) && wb.state.selected?.id !== regionId && drawControl?.type === 'rectangles';
    if (region && draft == null && !e.shiftKey && !overPrediction) {
      const control = region.getAttribute('data-control')!;
      const id = region.getAttribute('data-id')!;
      const orig = (wb.state.result[control] as (Rect | Polygon | Keypoint)[]).find((r) => r.id === id)!;
      wb.update((s) => ({ ...s, selected: { control, id } }));
      wb.setActive(control);
      drag.current = { mode: 'move', control, id, start: p, orig, moved: false };
      return;
    }
    if (!drawControl) return;
    if (drawControl.type === 'rectangles') {
      setDraft({ kind: 'rect', a: p, b: p });
      drag.current = { mode: 'rect', over: overPrediction ? { control: region!.getAttribute('data-control')!, id: regionId } : undefined };
    } else if (drawControl.type === 'polygons') {
      if (draft?.kind === 'poly') {
        const [fx, fy] = draft.points[0]!;
        if (draft.points.length >= 3 && Math.hypot(fx - p[0], fy - p[1]) * viewRef.current.k < 10) { closePolygon(); return; }
        setDraft({ ...draft, points: [...draft.points, p] });
      } else setDraft({ kind: 'poly', points: [p], cursor: p });
    } else if (drawControl.type === 'keypoints') {
      wb.update((s) => addKeypoint(s, drawControl, { label: labelOf(drawControl), x: round(p[0]), y: round(p[1]) }));
    }
  };

  const onPointerMove = (e: React.PointerEvent) => {
    const d = drag.current;
    if (maskControl) {
      const r = boxRef.current!.getBoundingClientRect();
      maskApi.current?.hover(e.clientX - r.left, e.clientY - r.top, d?.mode !== 'pan' && !space);
    }
    if (d?.mode === 'paint') {
      // Every pointer position since the last event, so a fast stroke keeps its shape.
      const all = e.nativeEvent.getCoalescedEvents?.() ?? [];
      maskApi.current?.move((all.length ? all : [e]).map(toImgFree));
      return;
    }
    if (!d) {
      if (draft?.kind === 'poly') setDraft({ ...draft, cursor: toImg(e) });
      return;
    }
    if (d.mode === 'pan') {
      setView({ ...d.view, tx: d.view.tx + e.clientX - d.sx, ty: d.view.ty + e.clientY - d.sy }, false);
      return;
    }
    const p = toImg(e);
    if (d.mode === 'rect' && draft?.kind === 'rect') { setDraft({ ...draft, b: p }); return; }
    if (!nat) return;
    if (d.mode === 'move') {
      const dx = p[0] - d.start[0];
      const dy = p[1] - d.start[1];
      const o = d.orig;
      let patch: Partial<Rect & Polygon & Keypoint>;
      if ('points' in o) {
        const xs = o.points.map((q) => q[0]); const ys = o.points.map((q) => q[1]);
        const ddx = clamp(dx, -Math.min(...xs), nat.w - Math.max(...xs));
        const ddy = clamp(dy, -Math.min(...ys), nat.h - Math.max(...ys));
        patch = { points: o.points.map(([x, y]) => [round(x + ddx), round(y + ddy)] as Pt) };
      } else if ('width' in o) {
        const [ddx, ddy] = clampMove(o, dx, dy, nat.w, nat.h);
        patch = { x: round(o.x + ddx), y: round(o.y + ddy) };
      } else patch = { x: round(clamp(o.x + dx, 0, nat.w)), y: round(clamp(o.y + dy, 0, nat.h)) };
      // Read before the updater runs: React may call it after `moved` has changed.
      const record = !d.moved;
      d.moved = true;
      wb.update((s) => updateRegion(s, d.control, d.id, patch, record));
    } else if (d.mode === 'handle') {
      const o = d.orig;
      let patch: Partial<Rect & Polygon>;
      if ('points' in o) {
        patch = { points: o.points.map((q, i) => (i === d.handle ? [round(p[0]), round(p[1])] : q)) };
      } else {
        // The corner opposite the dragged one stays put; a turned box is resized along its own axes.
        const next = resizeFromCorner(o, d.handle, p);
        if (!next) return;
        patch = { x: round(next.x), y: round(next.y), width: round(next.width), height: round(next.height) };
        if (!inside({ ...o, ...patch }, nat.w, nat.h)) return;
      }
      const record = !d.moved;
      d.moved = true;
      wb.update((s) => updateRegion(s, d.control, d.id, patch, record));
    } else if (d.mode === 'rotate') {
      // Shift snaps to 15° steps; otherwise whole degrees.
      const raw = rotationTowards(d.orig, toImgFree(e));
      const next = rotateAboutCentre(d.orig, e.shiftKey ? Math.round(raw / 15) * 15 : Math.round(raw));
      const patch = { x: round(next.x), y: round(next.y), rotation: next.rotation };
      if (!inside({ ...d.orig, ...patch }, nat.w, nat.h)) return;
      const record = !d.moved;
      d.moved = true;
      wb.update((s) => updateRegion(s, d.control, d.id, patch, record));
    }
  };

  const onPointerUp = (e: React.PointerEvent) => {
    const d = drag.current;
    drag.current = null;
    if (d?.mode === 'pan') setView(viewRef.current, true);
    if (d?.mode === 'paint') maskApi.current?.end();
    if (d?.mode === 'rect' && draft?.kind === 'rect' && drawControl) {
      // The last pointermove may not have rendered yet: the corner comes from this event.
      const b = toImg(e);
      const x = Math.min(draft.a[0], b[0]); const y = Math.min(draft.a[1], b[1]);
      const width = Math.abs(draft.a[0] - b[0]); const height = Math.abs(draft.a[1] - b[1]);
      if (width * viewRef.current.k > 3 && height * viewRef.current.k > 3)
        wb.update((s) => addRect(s, drawControl, {
          label: labelOf(drawControl), ...(page !== undefined && nat ? { page, pageWidth: nat.w, pageHeight: nat.h } : {}),
          x: round(x), y: round(y), width: round(width), height: round(height), rotation: 0,
        }));
      else if (d.over) {
        const over = d.over;
        wb.update((s) => ({ ...s, selected: over }));
        wb.setActive(over.control);
      }
      setDraft(null);
    }
  };

  const sel = wb.state.selected;
  const handleSize = 8 / k;
  const regions = [];
  const origins = [];
  for (const c of controls) {
    const items = (wb.state.result[c.name] as (Rect | Polygon | Keypoint)[] | undefined) ?? [];
    for (const r of items) {
      if (wb.state.hidden?.includes(r.id)) continue;
      // A document's page shows its own boxes only.
      if (page !== undefined && (r as Rect).page !== page) continue;
      const color = colorOf(c, r.label);
      const locked = !!wb.state.locked?.includes(r.id);
      const isSel = sel?.id === r.id && !locked;
      const pred = wb.state.predicted.includes(r.id);
      // The model's region this one was edited from stays in view, outlined and named.
      const o = editedOrigin(wb.state, r) as Rect | Polygon | Keypoint | undefined;
      if (o) origins.push(<OriginOutline key={`o${r.id}`} o={o} id={r.id} k={k} label={t('wbx.fromModel')} />);
      const common = {
        'data-region': '', 'data-control': c.name, 'data-id': r.id, 'data-testid': `region-${r.id}`,
        stroke: color, strokeWidth: (isSel ? 3 : 2) / k, fill: `${color}${isSel ? '44' : '22'}`,
        strokeDasharray: pred ? `${6 / k} ${4 / k}` : undefined, className: locked ? 'region locked' : 'region',
      };
      if ('width' in r) {
        // Drawn unrotated inside a group turned about the top-left corner, as the model stores it.
        const rot = r.rotation ?? 0;
        const stem = 24 / k;
        regions.push(<g key={r.id} transform={rot ? `rotate(${rot} ${r.x} ${r.y})` : undefined} data-rotation={rot}>
          <rect {...common} x={r.x} y={r.y} width={r.width} height={r.height} />
          <text x={r.x} y={r.y - 4 / k} fontSize={12 / k} fill={color} className="region-label">{r.label}{pred ? ` · ${t('wb.prediction')}` : ''}{rot ? ` ↻${rot}°` : ''}</text>
          {isSel && !wb.readOnly && <>
            {[[r.x, r.y], [r.x + r.width, r.y], [r.x + r.width, r.y + r.height], [r.x, r.y + r.height]].map(([hx, hy], i) => (
              <rect key={i} data-handle={i} data-control={c.name} data-id={r.id} data-testid={`handle-${r.id}-${i}`} className="handle"
                x={hx! - handleSize / 2} y={hy! - handleSize / 2} width={handleSize} height={handleSize} strokeWidth={1 / k} />
            ))}
            <line className="rotate-stem" x1={r.x + r.width / 2} y1={r.y} x2={r.x + r.width / 2} y2={r.y - stem} strokeWidth={1 / k} />
            <circle data-rotate="" data-control={c.name} data-id={r.id} data-testid={`rotate-${r.id}`} className="handle rotate"
              cx={r.x + r.width / 2} cy={r.y - stem} r={handleSize / 1.6} strokeWidth={1 / k}><title>{t('wb.rotate')}</title></circle>
          </>}
        </g>);
      } else if ('points' in r) {
        regions.push(<g key={r.id}>
          <polygon {...common} points={r.points.map((q) => q.join(',')).join(' ')} />
          <text x={r.points[0]![0]} y={r.points[0]![1] - 4 / k} fontSize={12 / k} fill={color} className="region-label">{r.label}{pred ? ` · ${t('wb.prediction')}` : ''}</text>
          {isSel && !wb.readOnly && r.points.map(([hx, hy], i) => (
            <circle key={i} data-handle={i} data-control={c.name} data-id={r.id} data-testid={`handle-${r.id}-${i}`} className="handle" cx={hx} cy={hy} r={handleSize / 2} strokeWidth={1 / k} />
          ))}
        </g>);
      } else {
        regions.push(<g key={r.id}>
          <circle {...common} cx={r.x} cy={r.y} r={(isSel ? 7 : 5) / k} fill={color} />
          <text x={r.x + 7 / k} y={r.y - 7 / k} fontSize={12 / k} fill={color} className="region-label">{r.label}</text>
        </g>);
      }
    }
  }

  let draftEl = null;
  if (draft?.kind === 'rect') {
    draftEl = <rect className="draft" x={Math.min(draft.a[0], draft.b[0])} y={Math.min(draft.a[1], draft.b[1])}
      width={Math.abs(draft.a[0] - draft.b[0])} height={Math.abs(draft.a[1] - draft.b[1])} strokeWidth={2 / k} />;
  } else if (draft?.kind === 'poly') {
    const pts = [...draft.points, ...(draft.cursor ? [draft.cursor] : [])];
    draftEl = <g>
      <polyline className="draft" points={pts.map((q) => q.join(',')).join(' ')} strokeWidth={2 / k} />
      {draft.points.map(([x, y], i) => <circle key={i} className="handle" cx={x} cy={y} r={handleSize / 2} strokeWidth={1 / k} />)}
    </g>;
  }

  return (
    <div className="image-view">
      <div className="image-tools">
        <span data-testid="zoom-level">{t('wb.zoom', { percent: Math.round(k * 100) })}</span>
        <button type="button" data-testid="image-fit" onClick={() => fit()}>{t('wb.fit')}</button>
        {maskControl && <span className="mask-tools" data-testid="mask-tools">
          <b>{t('masks.tool')}</b>
          <button type="button" className={brush.erase ? '' : 'on'} aria-pressed={!brush.erase} data-testid="mask-brush" onClick={() => setBrush((b) => ({ ...b, erase: false }))}><kbd>B</kbd> {t('masks.brush')}</button>
          <button type="button" className={brush.erase ? 'on' : ''} aria-pressed={brush.erase} data-testid="mask-eraser" onClick={() => setBrush((b) => ({ ...b, erase: true }))}><kbd>E</kbd> {t('masks.eraser')}</button>
          <label>{t('masks.size')} <input type="range" min={2} max={400} value={brush.size} data-testid="mask-size" aria-label={t('masks.size')}
            onChange={(e) => setBrush((b) => ({ ...b, size: Number(e.target.value) }))} /> <span data-testid="mask-size-value">{t('masks.sizeValue', { size: brush.size })}</span></label>
          <button type="button" data-testid="mask-visibility" aria-pressed={masksHidden} onClick={toggleMasks}><kbd>H</kbd> {masksHidden ? t('masks.showAll') : t('masks.hideAll')}</button>
          <span className="muted">· {wb.labelFor[maskControl.name] ?? labelsOf(maskControl, wb.data)[0]?.value}</span>
        </span>}
        {!maskControl && drawControl && <span className="muted">{drawControl.type === 'rectangles' ? t('wb.tool.rect') : drawControl.type === 'polygons' ? t('wb.tool.polygon') : t('wb.tool.point')} · {labelOf(drawControl)}</span>}
      </div>
      <div ref={boxRef} className={`image-box${space ? ' panning' : ''}`} data-testid={`image-${field}`}>
        {failed ? <div className="error">{t('wb.mediaError', { name: src })}</div> : <>
          <canvas ref={canvasRef} className="image-pixels" aria-hidden="true" />
          {nat && maskControls.length > 0 && <MaskLayer controls={maskControls} active={maskControl} nat={nat} brush={brush} api={maskApi} />}
          {/* data-zoom, data-tx, data-ty and the group's transform are written by showView, not by React. */}
          <svg ref={svgRef} data-testid="image-canvas" data-natural-width={nat?.w} data-natural-height={nat?.h} data-levels={levelCount || undefined}
            onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onDoubleClick={closePolygon}
            onPointerLeave={() => maskApi.current?.hover(0, 0, false)}>
            <g ref={groupRef}>
              {origins}
              {regions}
              {draftEl}
            </g>
          </svg>
        </>}
      </div>
    </div>
  );
}

/** The outline of the model's region an edited one came from: dashed, grey, named, not clickable. */
function OriginOutline({ o, id, k, label }: { o: Rect | Polygon | Keypoint; id: string; k: number; label: string }) {
  const common = { className: 'origin', strokeWidth: 1.5 / k, strokeDasharray: `${5 / k} ${4 / k}`, 'data-testid': `origin-${id}` };
  if ('width' in o) {
    const rot = o.rotation ?? 0;
    return <g transform={rot ? `rotate(${rot} ${o.x} ${o.y})` : undefined}>
      <rect {...common} x={o.x} y={o.y} width={o.width} height={o.height} />
      <text x={o.x} y={o.y + o.height + 13 / k} fontSize={11 / k} className="origin-label">{o.label} · {label}</text>
    </g>;
  }
  if ('points' in o) {
    return <g>
      <polygon {...common} points={o.points.map((q) => q.join(',')).join(' ')} />
      <text x={o.points[0]![0]} y={o.points[0]![1] + 13 / k} fontSize={11 / k} className="origin-label">{o.label} · {label}</text>
    </g>;
  }
  return <g>
    <circle {...common} cx={o.x} cy={o.y} r={6 / k} />
    <text x={o.x + 7 / k} y={o.y + 13 / k} fontSize={11 / k} className="origin-label">{o.label} · {label}</text>
  </g>;
}
