// The workbench's annotation state as a pure module: no DOM, no React. Every edit returns a new
// state; `toResult` gives the native result object of docs/label-schema.md.

import { cpSlice, selectionToCp } from '../lib/codepoints';
import type {
  BucketsValue, ChoicesControl, Control, Keypoint, PairwiseValue, Polygon, RankValue, Rect, Relation, Result,
  ResultValue, Schema, Segment, Span, Track,
} from '../lib/schema';

export interface Selection { control: string; id: string }

export interface WbState {
  result: Result;
  /** Region ids that came from a prediction and have not been touched by the annotator. */
  predicted: string[];
  past: Result[];
  future: Result[];
  selected: Selection | null;
  /** Key of the last typing edit; further typing into the same box joins its undo step. */
  typing?: string;
  /** Predicted regions as the model gave them, by id: shown as the origin of an edited copy. */
  origins?: Record<string, Region>;
  /** Regions the annotator hid from the image, and locked against moving (the view only, not the result). */
  hidden?: string[];
  locked?: string[];
}

const HISTORY = 200;
export type Region = Span | Rect | Polygon | Keypoint | Segment | Track;
const PREFIX: Partial<Record<Control['type'], string>> = {
  spans: 's', rectangles: 'r', polygons: 'p', keypoints: 'k', segments: 'g', tracks: 't', dialogue: 'm', timeseries: 'i',
};

export function emptyState(result: Result = {}, predicted: string[] = []): WbState {
  return { result, predicted, past: [], future: [], selected: null };
}

/** Prediction objects from the API may be `{ result }` wrappers or bare results. */
function predictionResult(p: unknown): Result | null {
  if (!p || typeof p !== 'object') return null;
  const r = (p as { result?: unknown }).result;
  return (r && typeof r === 'object' ? r : p) as Result;
}

/**
 * Starting state of a task: a saved draft or existing annotation wins; otherwise the first
 * prediction's regions become editable starting regions, remembered as predicted.
 */
export function initState(schema: Schema, opts: { draft?: Result | null; predictions?: unknown[] | null }): WbState {
  if (opts.draft && Object.keys(opts.draft).length > 0) return emptyState(structuredClone(opts.draft));
  const pred = opts.predictions?.map(predictionResult).find((r) => r != null);
  if (!pred) return emptyState();
  const result: Result = {};
  const predicted: string[] = [];
  const origins: Record<string, Region> = {};
  for (const c of schema.controls) {
    const v = pred[c.name];
    if (v == null) continue;
    result[c.name] = structuredClone(v);
    if (Array.isArray(v)) for (const r of v) if (r && typeof r === 'object' && 'id' in r) {
      predicted.push(String((r as Region).id));
      origins[String((r as Region).id)] = structuredClone(r as Region);
    }
  }
  return { ...emptyState(result, predicted), origins };
}

function allIds(result: Result): Set<string> {
  const ids = new Set<string>();
  for (const v of Object.values(result))
    if (Array.isArray(v)) for (const r of v) if (r && typeof r === 'object' && 'id' in r) ids.add(String((r as Region).id));
  return ids;
}

/** A region id unique within the whole result. */
export function newId(result: Result, prefix: string): string {
  const ids = allIds(result);
  let n = ids.size + 1;
  while (ids.has(prefix + n)) n++;
  return prefix + n;
}

function commit(s: WbState, result: Result, extra?: Partial<WbState>, typing?: string): WbState {
  if (typing && s.typing === typing) return { ...s, ...extra, result, future: [], typing };
  return { ...s, ...extra, result, past: [...s.past.slice(-(HISTORY - 1)), s.result], future: [], typing };
}

function list<T>(result: Result, control: string): T[] {
  const v = result[control];
  return Array.isArray(v) ? (v as T[]) : [];
}

function touch(s: WbState, id: string): string[] {
  return s.predicted.includes(id) ? s.predicted.filter((p) => p !== id) : s.predicted;
}

export function undo(s: WbState): WbState {
  const prev = s.past[s.past.length - 1];
  if (!prev) return s;
  return { ...s, result: prev, past: s.past.slice(0, -1), future: [s.result, ...s.future], selected: null, typing: undefined };
}

export function redo(s: WbState): WbState {
  const next = s.future[0];
  if (!next) return s;
  return { ...s, result: next, past: [...s.past, s.result], future: s.future.slice(1), selected: null, typing: undefined };
}

export function select(s: WbState, sel: Selection | null): WbState {
  return { ...s, selected: sel };
}

// ---- whole-task values -------------------------------------------------------------------

export function toggleChoice(s: WbState, c: ChoicesControl, value: string): WbState {
  const cur = list<string>(s.result, c.name);
  let next: string[];
  if (c.multiple) {
    next = cur.includes(value) ? cur.filter((v) => v !== value) : [...cur, value];
    if (c.max != null && next.length > c.max) return s;
  } else {
    next = cur[0] === value ? [] : [value];
  }
  return commit(s, { ...s.result, [c.name]: next });
}

/** Sets a whole-control value (rating, task-level transcription, ranking); null clears it. */
export function setValue(s: WbState, control: string, value: ResultValue, typing?: string): WbState {
  if (JSON.stringify(s.result[control] ?? null) === JSON.stringify(value)) return s;
  return commit(s, { ...s.result, [control]: value }, undefined, typing);
}

/** Text typed into a box: a run of keystrokes in one box is one undo step. */
export function typeText(s: WbState, control: string, text: string): WbState {
  return setValue(s, control, text, `text:${control}`);
}

export function setRankOrder(s: WbState, control: string, order: string[]): WbState {
  const cur = s.result[control] as RankValue | undefined;
  return setValue(s, control, { ...cur, order });
}

/** Moves item `id` by `delta` places in the ranking, starting from `initial` when untouched. */
export function moveRankItem(s: WbState, control: string, initial: string[], id: string, delta: number): WbState {
  const order = [...((s.result[control] as RankValue | undefined)?.order ?? initial)];
  const i = order.indexOf(id);
  const j = Math.max(0, Math.min(order.length - 1, i + delta));
  if (i < 0 || i === j) return s;
  order.splice(i, 1);
  order.splice(j, 0, id);
  return setRankOrder(s, control, order);
}

export function setPairwise(s: WbState, control: string, preferred: PairwiseValue['preferred']): WbState {
  const cur = s.result[control] as PairwiseValue | undefined;
  return setValue(s, control, { ...cur, preferred });
}

/** Sets a bucketed ranking's buckets (bucket name → item ids). */
export function setBuckets(s: WbState, control: string, buckets: BucketsValue['buckets']): WbState {
  const cur = s.result[control] as BucketsValue | undefined;
  return setValue(s, control, { ...cur, buckets });
}

export function setRationale(s: WbState, control: string, rationale: string, initialOrder: string[], mode: 'rank' | 'pairwise' | 'buckets'): WbState {
  const cur = (s.result[control] ?? (mode === 'rank' ? { order: initialOrder } : mode === 'buckets' ? { buckets: {} } : {})) as Record<string, unknown>;
  return setValue(s, control, { ...cur, rationale }, `rationale:${control}`);
}

// ---- regions -----------------------------------------------------------------------------

/** Adds a region; `select` leaves it selected (a drawn shape, to adjust at once), or not (a span:
 *  the next label key then starts the next span instead of relabelling this one). */
export function addRegion<T extends Region>(s: WbState, c: Control, region: Omit<T, 'id'>, select = true): WbState {
  const id = newId(s.result, PREFIX[c.type] ?? 'x');
  const next = { ...region, id } as T;
  return commit(s, { ...s.result, [c.name]: [...list<T>(s.result, c.name), next] }, { selected: select ? { control: c.name, id } : null });
}

/** Adds a span from code-point offsets; the span's `text` is its slice of the field text. */
export function addSpan(s: WbState, c: Control, text: string, start: number, end: number, label: string): WbState {
  if (!(start >= 0 && end > start)) return s;
  const dup = list<Span>(s.result, c.name).some((x) => x.start === start && x.end === end && x.label === label);
  if (dup) return s;
  return addRegion<Span>(s, c, { start, end, label, text: cpSlice(text, start, end) }, false);
}

/** Adds a span from a DOM selection given as UTF-16 offsets into the field text. */
export function addSpanFromUtf16(s: WbState, c: Control, text: string, a: number, b: number, label: string): WbState {
  const r = selectionToCp(text, a, b);
  return r ? addSpan(s, c, text, r.start, r.end, label) : s;
}

export function addRect(s: WbState, c: Control, r: Omit<Rect, 'id'>): WbState {
  if (!(r.width > 0 && r.height > 0)) return s;
  return addRegion<Rect>(s, c, r);
}

export function addPolygon(s: WbState, c: Control, p: Omit<Polygon, 'id'>): WbState {
  if (p.points.length < 3) return s;
  return addRegion<Polygon>(s, c, p);
}

export function addKeypoint(s: WbState, c: Control, k: Omit<Keypoint, 'id'>): WbState {
  return addRegion<Keypoint>(s, c, k);
}

export function addSegment(s: WbState, c: Control, g: Omit<Segment, 'id'>): WbState {
  const start = Math.min(g.start, g.end);
  const end = Math.max(g.start, g.end);
  if (!(end > start) || start < 0) return s;
  return addRegion<Segment>(s, c, { ...g, start, end });
}

/**
 * Changes a region. A drag calls this many times: only the first call (`record` true) makes an
 * undo step, so one gesture undoes at once.
 */
export function updateRegion<T extends Region>(s: WbState, control: string, id: string, patch: Partial<T>, record = true): WbState {
  const items = list<T>(s.result, control);
  if (!items.some((r) => r.id === id)) return s;
  const result = { ...s.result, [control]: items.map((r) => (r.id === id ? { ...r, ...patch } : r)) };
  const predicted = touch(s, id);
  return record ? commit(s, result, { predicted }) : { ...s, result, predicted };
}

/** Relabels a region (the selected one, typically, when a label hotkey is pressed). */
export function relabel(s: WbState, control: string, id: string, label: string): WbState {
  return updateRegion(s, control, id, { label });
}

/** Removes a region with everything that points at it: relations and per-segment transcripts. */
export function removeRegion(s: WbState, schema: Schema, control: string, id: string): WbState {
  const items = list<Region>(s.result, control);
  if (!items.some((r) => r.id === id)) return s;
  const result: Result = { ...s.result, [control]: items.filter((r) => r.id !== id) };
  for (const c of schema.controls) {
    if (c.type === 'relations' && c.spans === control)
      result[c.name] = list<Relation>(result, c.name).filter((r) => r.from !== id && r.to !== id);
    if ((c.type === 'transcription' && c.perSegment === control) || ('perRegion' in c && c.perRegion?.includes(control))) {
      const m = result[c.name];
      if (m && typeof m === 'object' && !Array.isArray(m) && id in m) {
        const copy = { ...(m as Record<string, string>) };
        delete copy[id];
        result[c.name] = copy;
      }
    }
  }
  const selected = s.selected?.id === id ? null : s.selected;
  return commit(s, result, { selected, predicted: s.predicted.filter((p) => p !== id) });
}

export function addRelation(s: WbState, control: string, from: string, to: string, label?: string): WbState {
  if (from === to) return s;
  const cur = list<Relation>(s.result, control);
  if (cur.some((r) => r.from === from && r.to === to && r.label === label)) return s;
  const rel: Relation = label ? { from, to, label } : { from, to };
  return commit(s, { ...s.result, [control]: [...cur, rel] });
}

export function removeRelation(s: WbState, control: string, index: number): WbState {
  const cur = list<Relation>(s.result, control);
  if (index < 0 || index >= cur.length) return s;
  return commit(s, { ...s.result, [control]: cur.filter((_, i) => i !== index) });
}

export function setSegmentText(s: WbState, control: string, segmentId: string, text: string): WbState {
  const m = s.result[control];
  const cur = m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, string>) : {};
  if ((cur[segmentId] ?? '') === text) return s;
  return commit(s, { ...s.result, [control]: { ...cur, [segmentId]: text } }, undefined, `seg:${control}:${segmentId}`);
}

/** Sets one region's value of a per-region attribute (null clears it); typing in one region's text is one undo step. */
export function setRegionAttribute(s: WbState, control: string, regionId: string, value: unknown, typing?: boolean): WbState {
  const m = s.result[control];
  const cur = m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>) : {};
  const next = { ...cur };
  if (value == null) delete next[regionId];
  else next[regionId] = value;
  return commit(s, { ...s.result, [control]: next }, undefined, typing ? `attr:${control}:${regionId}` : undefined);
}

/**
 * Copies the image regions of a previous task's result into this one, with fresh ids, as one
 * undo step (annotators of video-like image sequences redraw the same boxes otherwise).
 */
export function copyRegions(s: WbState, schema: Schema, previous: Result): WbState {
  let result = { ...s.result };
  let copied = 0;
  for (const c of schema.controls) {
    if (c.type !== 'rectangles' && c.type !== 'polygons' && c.type !== 'keypoints') continue;
    const prev = list<Region>(previous, c.name);
    const items = [...list<Region>(result, c.name)];
    for (const r of prev) {
      const id = newId({ ...result, [c.name]: items }, PREFIX[c.type]!);
      items.push({ ...structuredClone(r), id });
      copied++;
    }
    result = { ...result, [c.name]: items };
  }
  return copied ? commit(s, result) : s;
}

export function findRegion(s: WbState, sel: Selection | null): Region | undefined {
  if (!sel) return undefined;
  return list<Region>(s.result, sel.control).find((r) => r.id === sel.id);
}

// ---- output ------------------------------------------------------------------------------

function isEmpty(v: ResultValue | undefined): boolean {
  if (v == null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v).every((x) => x == null || x === '');
  return false;
}

/** The native result: only controls of the schema, empty values left out. */
export function toResult(s: WbState, schema: Schema): Result {
  const out: Result = {};
  for (const c of schema.controls) {
    let v = s.result[c.name];
    if (c.type === 'transcription' && c.perSegment && v && typeof v === 'object' && !Array.isArray(v)) {
      const live = new Set(list<Segment>(s.result, c.perSegment).map((g) => g.id));
      v = Object.fromEntries(Object.entries(v as Record<string, string>).filter(([k, t]) => live.has(k) && t !== ''));
    }
    if ('perMessage' in c && c.perMessage && v && typeof v === 'object' && !Array.isArray(v)) {
      v = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => !isEmpty(x as ResultValue)));
    }
    if ('perRegion' in c && c.perRegion && v && typeof v === 'object' && !Array.isArray(v)) {
      const live = new Set(c.perRegion.flatMap((r) => list<Region>(s.result, r).map((g) => g.id)));
      v = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k, x]) => live.has(k) && !isEmpty(x as ResultValue)));
    }
    if ((c.type === 'ranking') && v && typeof v === 'object' && !Array.isArray(v)) {
      const o = { ...(v as unknown as Record<string, unknown>) };
      if (o.rationale === '' || o.rationale == null) delete o.rationale;
      v = o;
      if (c.mode === 'pairwise' && o.preferred == null) v = null;
      if (c.mode === 'rank' && c.buckets?.length) {
        if (!o.buckets || typeof o.buckets !== 'object') v = null;
      } else if (c.mode === 'rank' && !Array.isArray(o.order)) v = null;
    }
    if (!isEmpty(v)) out[c.name] = structuredClone(v!);
  }
  return out;
}

/** Names of required controls the result does not answer yet. */
export function missingRequired(result: Result, schema: Schema): string[] {
  return schema.controls.filter((c) => c.required && isEmpty(result[c.name])).map((c) => c.name);
}

/** A region the annotator changed from the model's: its origin, to show beside it; otherwise undefined. */
export function editedOrigin(s: WbState, r: Region): Region | undefined {
  const o = s.origins?.[r.id];
  return o && !s.predicted.includes(r.id) && JSON.stringify(o) !== JSON.stringify(r) ? o : undefined;
}

/** Shows or hides a region on the image (the result keeps it either way). */
export function toggleHidden(s: WbState, id: string): WbState {
  const h = s.hidden ?? [];
  return { ...s, hidden: h.includes(id) ? h.filter((x) => x !== id) : [...h, id], selected: s.selected?.id === id && !h.includes(id) ? null : s.selected };
}

/** Locks a region against moving and selection on the image, or unlocks it. */
export function toggleLocked(s: WbState, id: string): WbState {
  const l = s.locked ?? [];
  return { ...s, locked: l.includes(id) ? l.filter((x) => x !== id) : [...l, id], selected: s.selected?.id === id && !l.includes(id) ? null : s.selected };
}
