import { useEffect, useLayoutEffect, useRef } from 'react';
import { labelsOf, type Control } from '../lib/schema';
import { useWb } from './context';
import {
  columnRuns, countsToString, decodeCounts, emptyBounds, growBounds, joinColumns, paintSegment, stringToCounts,
  type Bounds, type MaskRegion, type PixelRect,
} from './masks';
import type { View } from './pixels';
import { newId, setValue, type WbState } from './state';

type Pt = [number, number];

/** What ImageView asks of the mask layer: strokes in image pixels, the view, the brush cursor. */
export interface MaskApi {
  begin(p: Pt, erase: boolean): boolean;
  move(points: Pt[]): void;
  end(): void;
  show(v: View): void;
  hover(x: number, y: number, visible: boolean): void;
}

export interface Brush { size: number; erase: boolean }

/**
 * One label's pixels at image resolution, the box they may reach, and each column's runs as last
 * encoded (null: changed since), so a stroke re-encodes only the columns it touched.
 */
interface Layer { control: string; label: string; color: [number, number, number]; bitmap: Uint8Array | null; bounds: Bounds; cols: (number[] | null)[] }

const ALPHA = 120;

function rgb(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h.slice(0, 6);
  const n = Number.parseInt(full, 16);
  return Number.isNaN(n) ? [136, 136, 136] : [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The masks' regions of a control rewritten for one label: one region, or none when it is empty. */
export function withLabelMask(s: WbState, control: string, label: string, region: MaskRegion | null): WbState {
  const old = (Array.isArray(s.result[control]) ? s.result[control] : []) as MaskRegion[];
  const replaced = new Set(old.filter((r) => r.label === label).map((r) => r.id));
  const at = old.findIndex((r) => r.label === label);
  const rest = old.filter((r) => r.label !== label);
  const next = region ? [...rest.slice(0, at < 0 ? rest.length : at), region, ...rest.slice(at < 0 ? rest.length : at)] : rest;
  const n = setValue(s, control, next);
  // An edited prediction is the annotator's own from now on.
  return n === s ? s : { ...n, predicted: n.predicted.filter((id) => !replaced.has(id)) };
}

/**
 * The masks of an image, painted at the image's own resolution: one bitmap per label (a typed
 * array, allocated when the label is first drawn or loaded) and one canvas the size of the image,
 * scaled by the view's CSS transform. A stroke writes the pixels within the brush of each
 * pointer segment and re-colours only that segment's box (putImageData of the dirty rectangle),
 * so a 20-megapixel image costs what the brush touches. When the stroke ends, the label's mask is
 * encoded (COCO runs, reading only the box its pixels may reach) into the result: undo, drafts
 * and submit all see the same value.
 */
export function MaskLayer({ controls, active, nat, brush, api }: {
  controls: Control[]; active: Control | undefined; nat: { w: number; h: number }; brush: Brush; api: { current: MaskApi | null };
}) {
  const wb = useWb();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const cursorRef = useRef<HTMLDivElement>(null);
  const layers = useRef<Layer[]>([]);
  const written = useRef<Record<string, unknown>>({});
  const hiddenKey = useRef('');
  const stroke = useRef<{ layer: Layer; last: Pt; value: 0 | 1; radius: number } | null>(null);
  const view = useRef<View>({ k: 1, tx: 0, ty: 0 });
  const { w, h } = nat;

  /** Colours the pixels of `r` from the layers (the last label painted over the others). */
  const compose = (r: PixelRect) => {
    const g = canvasRef.current?.getContext('2d');
    if (!g || r.w <= 0 || r.h <= 0) return;
    const img = g.createImageData(r.w, r.h);
    const out = img.data;
    const visible = layers.current.filter((l) => l.bitmap && l.bounds.maxX >= r.x && l.bounds.minX < r.x + r.w
      && l.bounds.maxY >= r.y && l.bounds.minY < r.y + r.h && !isHidden(l));
    if (visible.length) {
      for (let y = 0; y < r.h; y++) {
        const src = (r.y + y) * w + r.x;
        let o = y * r.w * 4;
        for (let x = 0; x < r.w; x++, o += 4) {
          for (let k = visible.length - 1; k >= 0; k--) {
            const l = visible[k]!;
            if (l.bitmap![src + x]) { out[o] = l.color[0]; out[o + 1] = l.color[1]; out[o + 2] = l.color[2]; out[o + 3] = ALPHA; break; }
          }
        }
      }
    }
    g.putImageData(img, r.x, r.y);
  };

  const isHidden = (l: Layer) => {
    const regions = (wb.state.result[l.control] as MaskRegion[] | undefined) ?? [];
    return regions.some((m) => m.label === l.label && wb.state.hidden?.includes(m.id));
  };

  const composeBounds = (b: Bounds) => {
    if (b.maxX >= b.minX) compose({ x: b.minX, y: b.minY, w: b.maxX - b.minX + 1, h: b.maxY - b.minY + 1 });
  };

  const layerOf = (control: string, label: string): Layer => {
    let l = layers.current.find((x) => x.control === control && x.label === label);
    if (!l) {
      const c = controls.find((x) => x.name === control);
      const color = c ? labelsOf(c).find((x) => x.value === label)?.color ?? '#888888' : '#888888';
      l = { control, label, color: rgb(color), bitmap: null, bounds: emptyBounds(), cols: [] };
      layers.current.push(l);
    }
    if (!l.bitmap) { l.bitmap = new Uint8Array(w * h); l.cols = new Array<number[] | null>(w).fill(null); }
    return l;
  };

  /** Reads a control's regions from the result into its layers (a load, an undo, a removed region). */
  const load = (control: string, value: unknown) => {
    const dirty = emptyBounds();
    for (const l of layers.current.filter((x) => x.control === control && x.bitmap)) {
      if (l.bounds.maxX >= l.bounds.minX) { l.bitmap!.fill(0); growBounds(dirty, { x: l.bounds.minX, y: l.bounds.minY, w: l.bounds.maxX - l.bounds.minX + 1, h: l.bounds.maxY - l.bounds.minY + 1 }); }
      l.bounds = emptyBounds();
      l.cols.fill(null);
    }
    for (const m of (Array.isArray(value) ? value : []) as MaskRegion[]) {
      if (!m?.mask || m.mask.size?.[0] !== h || m.mask.size?.[1] !== w) continue;
      let counts: number[];
      try { counts = stringToCounts(m.mask.counts); } catch { continue; }
      const l = layerOf(control, m.label);
      const b = decodeCounts(counts, w, h, l.bitmap!);
      if (b.maxX >= b.minX) {
        const r = { x: b.minX, y: b.minY, w: b.maxX - b.minX + 1, h: b.maxY - b.minY + 1 };
        growBounds(l.bounds, r);
        growBounds(dirty, r);
      }
    }
    composeBounds(dirty);
  };

  // The result changed by something other than a stroke of this layer: read it again.
  useLayoutEffect(() => {
    const key = (wb.state.hidden ?? []).join('\u0000');
    const hiddenChanged = key !== hiddenKey.current;
    hiddenKey.current = key;
    for (const c of controls) {
      const v = wb.state.result[c.name];
      if (v !== written.current[c.name]) { written.current[c.name] = v; load(c.name, v); }
    }
    if (hiddenChanged) for (const l of layers.current) composeBounds(l.bounds);
  });

  const commitStroke = (l: Layer) => {
    const b = l.bounds;
    const columns = l.cols.map((c, x) => c ?? (l.cols[x] = x < b.minX || x > b.maxX ? [h] : columnRuns(l.bitmap!, w, h, x, b.minY, b.maxY)));
    const counts = joinColumns(columns);
    const empty = counts.length === 1;
    if (empty) l.bounds = emptyBounds();
    const mask = { size: [h, w] as [number, number], counts: countsToString(counts) };
    const control = l.control;
    wb.update((s: WbState) => {
      const old = ((s.result[control] as MaskRegion[] | undefined) ?? []).find((r) => r.label === l.label);
      const region = empty ? null : { id: old?.id ?? newId(s.result, 'm'), label: l.label, mask };
      const next = withLabelMask(s, control, l.label, region);
      written.current[control] = next.result[control];
      return next;
    });
  };

  api.current = {
    begin(p, erase) {
      if (!active || wb.readOnly) return false;
      const label = wb.labelFor[active.name] ?? labelsOf(active)[0]?.value;
      if (!label) return false;
      const layer = layerOf(active.name, label);
      const radius = Math.max(0.5, brush.size / 2 / view.current.k);
      stroke.current = { layer, last: p, value: erase || brush.erase ? 0 : 1, radius };
      this.move([p]);
      return true;
    },
    move(points) {
      const s = stroke.current;
      if (!s) return;
      const dirty = emptyBounds();
      for (const p of points) {
        const r = paintSegment(s.layer.bitmap!, w, h, s.last, p, s.radius, s.value);
        growBounds(dirty, r);
        s.layer.cols.fill(null, r.x, r.x + r.w);
        if (s.value) growBounds(s.layer.bounds, r);
        s.last = p;
      }
      composeBounds(dirty);
    },
    end() {
      const s = stroke.current;
      stroke.current = null;
      if (s) commitStroke(s.layer);
    },
    show(v) {
      view.current = v;
      const c = canvasRef.current;
      if (c) c.style.transform = `translate(${v.tx}px, ${v.ty}px) scale(${v.k})`;
    },
    hover(x, y, visible) {
      const d = cursorRef.current;
      if (!d) return;
      d.style.display = visible && active && !wb.readOnly ? 'block' : 'none';
      d.style.width = d.style.height = `${brush.size}px`;
      d.style.transform = `translate(${x - brush.size / 2}px, ${y - brush.size / 2}px)`;
    },
  };

  useEffect(() => () => { api.current = null; }, [api]);

  return <>
    <canvas ref={canvasRef} className="mask-pixels" width={w} height={h} aria-hidden="true" data-testid="mask-canvas" />
    <div ref={cursorRef} className={`brush-cursor${brush.erase ? ' erase' : ''}`} aria-hidden="true" />
  </>;
}
