// The workbench's annotation state as a pure module: no DOM, no React. Every edit returns a new
// state; `toResult` gives the native result object of docs/label-schema.md.
import { cpSlice, selectionToCp } from '../lib/codepoints';
const HISTORY = 200;
const PREFIX = {
    spans: 's', rectangles: 'r', polygons: 'p', keypoints: 'k', segments: 'g',
};
export function emptyState(result = {}, predicted = []) {
    return { result, predicted, past: [], future: [], selected: null };
}
/** Prediction objects from the API may be `{ result }` wrappers or bare results. */
function predictionResult(p) {
    if (!p || typeof p !== 'object')
        return null;
    const r = p.result;
    return (r && typeof r === 'object' ? r : p);
}
/**
 * Starting state of a task: a saved draft or existing annotation wins; otherwise the first
 * prediction's regions become editable starting regions, remembered as predicted.
 */
export function initState(schema, opts) {
    if (opts.draft && Object.keys(opts.draft).length > 0)
        return emptyState(structuredClone(opts.draft));
    const pred = opts.predictions?.map(predictionResult).find((r) => r != null);
    if (!pred)
        return emptyState();
    const result = {};
    const predicted = [];
    const origins = {};
    for (const c of schema.controls) {
        const v = pred[c.name];
        if (v == null)
            continue;
        result[c.name] = structuredClone(v);
        if (Array.isArray(v))
            for (const r of v)
                if (r && typeof r === 'object' && 'id' in r) {
                    predicted.push(String(r.id));
                    origins[String(r.id)] = structuredClone(r);
                }
    }
    return { ...emptyState(result, predicted), origins };
}
function allIds(result) {
    const ids = new Set();
    for (const v of Object.values(result))
        if (Array.isArray(v))
            for (const r of v)
                if (r && typeof r === 'object' && 'id' in r)
                    ids.add(String(r.id));
    return ids;
}
/** A region id unique within the whole result. */
export function newId(result, prefix) {
    const ids = allIds(result);
    let n = ids.size + 1;
    while (ids.has(prefix + n))
        n++;
    return prefix + n;
}
function commit(s, result, extra, typing) {
    if (typing && s.typing === typing)
        return { ...s, ...extra, result, future: [], typing };
    return { ...s, ...extra, result, past: [...s.past.slice(-(HISTORY - 1)), s.result], future: [], typing };
}
function list(result, control) {
    const v = result[control];
    return Array.isArray(v) ? v : [];
}
function touch(s, id) {
    return s.predicted.includes(id) ? s.predicted.filter((p) => p !== id) : s.predicted;
}
export function undo(s) {
    const prev = s.past[s.past.length - 1];
    if (!prev)
        return s;
    return { ...s, result: prev, past: s.past.slice(0, -1), future: [s.result, ...s.future], selected: null, typing: undefined };
}
export function redo(s) {
    const next = s.future[0];
    if (!next)
        return s;
    return { ...s, result: next, past: [...s.past, s.result], future: s.future.slice(1), selected: null, typing: undefined };
}
export function select(s, sel) {
    return { ...s, selected: sel };
}
// ---- whole-task values -------------------------------------------------------------------
export function toggleChoice(s, c, value) {
    const cur = list(s.result, c.name);
    let next;
    if (c.multiple) {
        next = cur.includes(value) ? cur.filter((v) => v !== value) : [...cur, value];
        if (c.max != null && next.length > c.max)
            return s;
    }
    else {
        next = cur[0] === value ? [] : [value];
    }
    return commit(s, { ...s.result, [c.name]: next });
}
/** Sets a whole-control value (rating, task-level transcription, ranking); null clears it. */
export function setValue(s, control, value, typing) {
    if (JSON.stringify(s.result[control] ?? null) === JSON.stringify(value))
        return s;
    return commit(s, { ...s.result, [control]: value }, undefined, typing);
}
/** Text typed into a box: a run of keystrokes in one box is one undo step. */
export function typeText(s, control, text) {
    return setValue(s, control, text, `text:${control}`);
}
export function setRankOrder(s, control, order) {
    const cur = s.result[control];
    return setValue(s, control, { ...cur, order });
}
/** Moves item `id` by `delta` places in the ranking, starting from `initial` when untouched. */
export function moveRankItem(s, control, initial, id, delta) {
    const order = [...(s.result[control]?.order ?? initial)];
    const i = order.indexOf(id);
    const j = Math.max(0, Math.min(order.length - 1, i + delta));
    if (i < 0 || i === j)
        return s;
    order.splice(i, 1);
    order.splice(j, 0, id);
    return setRankOrder(s, control, order);
}
export function setPairwise(s, control, preferred) {
    const cur = s.result[control];
    return setValue(s, control, { ...cur, preferred });
}
export function setRationale(s, control, rationale, initialOrder, mode) {
    const cur = (s.result[control] ?? (mode === 'rank' ? { order: initialOrder } : {}));
    return setValue(s, control, { ...cur, rationale }, `rationale:${control}`);
}
// ---- regions -----------------------------------------------------------------------------
/** Adds a region; `select` leaves it selected (a drawn shape, to adjust at once), or not (a span:
 *  the next label key then starts the next span instead of relabelling this one). */
function addRegion(s, c, region, select = true) {
    const id = newId(s.result, PREFIX[c.type] ?? 'x');
    const next = { ...region, id };
    return commit(s, { ...s.result, [c.name]: [...list(s.result, c.name), next] }, { selected: select ? { control: c.name, id } : null });
}
/** Adds a span from code-point offsets; the span's `text` is its slice of the field text. */
export function addSpan(s, c, text, start, end, label) {
    if (!(start >= 0 && end > start))
        return s;
    const dup = list(s.result, c.name).some((x) => x.start === start && x.end === end && x.label === label);
    if (dup)
        return s;
    return addRegion(s, c, { start, end, label, text: cpSlice(text, start, end) }, false);
}
/** Adds a span from a DOM selection given as UTF-16 offsets into the field text. */
export function addSpanFromUtf16(s, c, text, a, b, label) {
    const r = selectionToCp(text, a, b);
    return r ? addSpan(s, c, text, r.start, r.end, label) : s;
}
export function addRect(s, c, r) {
    if (!(r.width > 0 && r.height > 0))
        return s;
    return addRegion(s, c, r);
}
export function addPolygon(s, c, p) {
    if (p.points.length < 3)
        return s;
    return addRegion(s, c, p);
}
export function addKeypoint(s, c, k) {
    return addRegion(s, c, k);
}
export function addSegment(s, c, g) {
    const start = Math.min(g.start, g.end);
    const end = Math.max(g.start, g.end);
    if (!(end > start) || start < 0)
        return s;
    return addRegion(s, c, { ...g, start, end });
}
/**
 * Changes a region. A drag calls this many times: only the first call (`record` true) makes an
 * undo step, so one gesture undoes at once.
 */
export function updateRegion(s, control, id, patch, record = true) {
    const items = list(s.result, control);
    if (!items.some((r) => r.id === id))
        return s;
    const result = { ...s.result, [control]: items.map((r) => (r.id === id ? { ...r, ...patch } : r)) };
    const predicted = touch(s, id);
    return record ? commit(s, result, { predicted }) : { ...s, result, predicted };
}
/** Relabels a region (the selected one, typically, when a label hotkey is pressed). */
export function relabel(s, control, id, label) {
    return updateRegion(s, control, id, { label });
}
/** Removes a region with everything that points at it: relations and per-segment transcripts. */
export function removeRegion(s, schema, control, id) {
    const items = list(s.result, control);
    if (!items.some((r) => r.id === id))
        return s;
    const result = { ...s.result, [control]: items.filter((r) => r.id !== id) };
    for (const c of schema.controls) {
        if (c.type === 'relations' && c.spans === control)
            result[c.name] = list(result, c.name).filter((r) => r.from !== id && r.to !== id);
        if (c.type === 'transcription' && c.perSegment === control) {
            const m = result[c.name];
            if (m && typeof m === 'object' && !Array.isArray(m) && id in m) {
                const copy = { ...m };
                delete copy[id];
                result[c.name] = copy;
            }
        }
    }
    const selected = s.selected?.id === id ? null : s.selected;
    return commit(s, result, { selected, predicted: s.predicted.filter((p) => p !== id) });
}
export function addRelation(s, control, from, to, label) {
    if (from === to)
        return s;
    const cur = list(s.result, control);
    if (cur.some((r) => r.from === from && r.to === to && r.label === label))
        return s;
    const rel = label ? { from, to, label } : { from, to };
    return commit(s, { ...s.result, [control]: [...cur, rel] });
}
export function removeRelation(s, control, index) {
    const cur = list(s.result, control);
    if (index < 0 || index >= cur.length)
        return s;
    return commit(s, { ...s.result, [control]: cur.filter((_, i) => i !== index) });
}
export function setSegmentText(s, control, segmentId, text) {
    const m = s.result[control];
    const cur = m && typeof m === 'object' && !Array.isArray(m) ? m : {};
    if ((cur[segmentId] ?? '') === text)
        return s;
    return commit(s, { ...s.result, [control]: { ...cur, [segmentId]: text } }, undefined, `seg:${control}:${segmentId}`);
}
/**
 * Copies the image regions of a previous task's result into this one, with fresh ids, as one
 * undo step (annotators of video-like image sequences redraw the same boxes otherwise).
 */
export function copyRegions(s, schema, previous) {
    let result = { ...s.result };
    let copied = 0;
    for (const c of schema.controls) {
        if (c.type !== 'rectangles' && c.type !== 'polygons' && c.type !== 'keypoints')
            continue;
        const prev = list(previous, c.name);
        const items = [...list(result, c.name)];
        for (const r of prev) {
            const id = newId({ ...result, [c.name]: items }, PREFIX[c.type]);
            items.push({ ...structuredClone(r), id });
            copied++;
        }
        result = { ...result, [c.name]: items };
    }
    return copied ? commit(s, result) : s;
}
export function findRegion(s, sel) {
    if (!sel)
        return undefined;
    return list(s.result, sel.control).find((r) => r.id === sel.id);
}
// ---- output ------------------------------------------------------------------------------
function isEmpty(v) {
    if (v == null)
        return true;
    if (typeof v === 'string')
        return v.trim() === '';
    if (Array.isArray(v))
        return v.length === 0;
    if (typeof v === 'object')
        return Object.values(v).every((x) => x == null || x === '');
    return false;
}
/** The native result: only controls of the schema, empty values left out. */
export function toResult(s, schema) {
    const out = {};
    for (const c of schema.controls) {
        let v = s.result[c.name];
        if (c.type === 'transcription' && c.perSegment && v && typeof v === 'object' && !Array.isArray(v)) {
            const live = new Set(list(s.result, c.perSegment).map((g) => g.id));
            v = Object.fromEntries(Object.entries(v).filter(([k, t]) => live.has(k) && t !== ''));
        }
        if ((c.type === 'ranking') && v && typeof v === 'object' && !Array.isArray(v)) {
            const o = { ...v };
            if (o.rationale === '' || o.rationale == null)
                delete o.rationale;
            v = o;
            if (c.mode === 'pairwise' && o.preferred == null)
                v = null;
            if (c.mode === 'rank' && !Array.isArray(o.order))
                v = null;
        }
        if (!isEmpty(v))
            out[c.name] = structuredClone(v);
    }
    return out;
}
/** Names of required controls the result does not answer yet. */
export function missingRequired(result, schema) {
    return schema.controls.filter((c) => c.required && isEmpty(result[c.name])).map((c) => c.name);
}
/** A region the annotator changed from the model's: its origin, to show beside it; otherwise undefined. */
export function editedOrigin(s, r) {
    const o = s.origins?.[r.id];
    return o && !s.predicted.includes(r.id) && JSON.stringify(o) !== JSON.stringify(r) ? o : undefined;
}
/** Shows or hides a region on the image (the result keeps it either way). */
export function toggleHidden(s, id) {
    const h = s.hidden ?? [];
    return { ...s, hidden: h.includes(id) ? h.filter((x) => x !== id) : [...h, id], selected: s.selected?.id === id && !h.includes(id) ? null : s.selected };
}
/** Locks a region against moving and selection on the image, or unlocks it. */
export function toggleLocked(s, id) {
    const l = s.locked ?? [];
    return { ...s, locked: l.includes(id) ? l.filter((x) => x !== id) : [...l, id], selected: s.selected?.id === id && !l.includes(id) ? null : s.selected };
}
