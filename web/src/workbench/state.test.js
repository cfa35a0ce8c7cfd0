import { describe, expect, it } from 'vitest';
import * as S from './state';
const schema = {
    fields: [
        { name: 'text', type: 'text' }, { name: 'image', type: 'image' },
        { name: 'audio', type: 'audio' }, { name: 'responses', type: 'list' },
    ],
    controls: [
        { name: 'sentiment', type: 'choices', field: 'text', options: ['positive', 'negative'], required: true },
        { name: 'topics', type: 'choices', options: ['a', 'b', 'c'], multiple: true, max: 2 },
        { name: 'entities', type: 'spans', field: 'text', labels: ['PER', 'LOC'] },
        { name: 'links', type: 'relations', spans: 'entities', labels: ['lives_in'] },
        { name: 'boxes', type: 'rectangles', field: 'image', labels: ['car'] },
        { name: 'shapes', type: 'polygons', field: 'image', labels: ['road'] },
        { name: 'joints', type: 'keypoints', field: 'image', labels: ['nose'] },
        { name: 'turns', type: 'segments', field: 'audio', labels: ['speech'] },
        { name: 'transcript', type: 'transcription', field: 'audio', perSegment: 'turns' },
        { name: 'quality', type: 'rating', max: 5 },
        { name: 'preference', type: 'ranking', field: 'responses', mode: 'rank', rationale: true },
        { name: 'ab', type: 'ranking', field: 'responses', mode: 'pairwise' },
    ],
};
const ctl = (n) => schema.controls.find((c) => c.name === n);
// 张 三 😀 住 在 北 京 — the emoji takes two UTF-16 units, so UTF-16 and code-point offsets differ.
const text = '张三😀住在北京';
describe('workbench state', () => {
    it('stores spans selected after an emoji with code-point offsets and their text', () => {
        let s = S.emptyState();
        // DOM selection of 北京: UTF-16 [6, 8) — code points [5, 7).
        s = S.addSpanFromUtf16(s, ctl('entities'), text, 6, 8, 'LOC');
        s = S.addSpanFromUtf16(s, ctl('entities'), text, 0, 2, 'PER');
        expect(S.toResult(s, schema)).toEqual({
            entities: [
                { id: 's1', start: 5, end: 7, label: 'LOC', text: '北京' },
                { id: 's2', start: 0, end: 2, label: 'PER', text: '张三' },
            ],
        });
    });
    it('leaves a new span unselected, so the next label key starts the next span', () => {
        const s = S.addSpan(S.emptyState(), ctl('entities'), text, 0, 2, 'PER');
        expect(s.selected).toBeNull();
    });
    it('keeps an emoji whole when the selection ends inside it', () => {
        // UTF-16 [2, 3) is the high half of 😀 only.
        const s = S.addSpanFromUtf16(S.emptyState(), ctl('entities'), text, 2, 3, 'PER');
        expect(S.toResult(s, schema).entities).toEqual([{ id: 's1', start: 2, end: 3, label: 'PER', text: '😀' }]);
    });
    it('allows overlapping and nested spans but not exact duplicates', () => {
        let s = S.emptyState();
        s = S.addSpan(s, ctl('entities'), text, 0, 7, 'PER');
        s = S.addSpan(s, ctl('entities'), text, 5, 7, 'LOC');
        s = S.addSpan(s, ctl('entities'), text, 5, 7, 'LOC');
        expect(S.toResult(s, schema).entities.length).toBe(2);
    });
    it('removing a span removes relations that use it', () => {
        let s = S.emptyState();
        s = S.addSpan(s, ctl('entities'), text, 0, 2, 'PER');
        s = S.addSpan(s, ctl('entities'), text, 5, 7, 'LOC');
        s = S.addRelation(s, 'links', 's1', 's2', 'lives_in');
        expect(S.toResult(s, schema).links).toEqual([{ from: 's1', to: 's2', label: 'lives_in' }]);
        s = S.removeRegion(s, schema, 'entities', 's2');
        expect(S.toResult(s, schema)).toEqual({ entities: [{ id: 's1', start: 0, end: 2, label: 'PER', text: '张三' }] });
    });
    it('undoes and redoes edits in order', () => {
        let s = S.emptyState();
        s = S.addRect(s, ctl('boxes'), { label: 'car', x: 10, y: 20, width: 30, height: 40 });
        s = S.updateRegion(s, 'boxes', 'r1', { x: 15 });
        s = S.updateRegion(s, 'boxes', 'r1', { x: 16 }, false);
        s = S.updateRegion(s, 'boxes', 'r1', { x: 17 }, false);
        expect(S.toResult(s, schema).boxes[0].x).toBe(17);
        // The three moves of one drag undo together, back to the drawn box.
        s = S.undo(s);
        expect(S.toResult(s, schema).boxes[0].x).toBe(10);
        s = S.undo(s);
        expect(S.toResult(s, schema)).toEqual({});
        s = S.redo(S.redo(s));
        expect(S.toResult(s, schema).boxes[0].x).toBe(17);
        expect(S.redo(s)).toBe(s);
    });
    it('a new edit after undo drops the redo stack', () => {
        let s = S.addKeypoint(S.emptyState(), ctl('joints'), { label: 'nose', x: 1, y: 2 });
        s = S.undo(s);
        s = S.addKeypoint(s, ctl('joints'), { label: 'nose', x: 5, y: 6 });
        expect(S.redo(s)).toBe(s);
        expect(S.toResult(s, schema)).toEqual({ joints: [{ id: 'k1', label: 'nose', x: 5, y: 6 }] });
    });
    it('rejects degenerate geometry', () => {
        let s = S.emptyState();
        s = S.addRect(s, ctl('boxes'), { label: 'car', x: 1, y: 1, width: 0, height: 5 });
        s = S.addPolygon(s, ctl('shapes'), { label: 'road', points: [[0, 0], [1, 1]] });
        s = S.addSegment(s, ctl('turns'), { label: 'speech', start: 2, end: 2 });
        expect(S.toResult(s, schema)).toEqual({});
    });
    it('orders segment ends and keeps per-segment transcripts only for live segments', () => {
        let s = S.emptyState();
        s = S.addSegment(s, ctl('turns'), { label: 'speech', start: 3.1, end: 0.52 });
        s = S.addSegment(s, ctl('turns'), { label: 'speech', start: 4, end: 5 });
        s = S.setSegmentText(s, 'transcript', 'g1', '你好 👋');
        s = S.setSegmentText(s, 'transcript', 'g2', 'bye');
        s = S.removeRegion(s, schema, 'turns', 'g2');
        expect(S.toResult(s, schema)).toEqual({
            turns: [{ id: 'g1', start: 0.52, end: 3.1, label: 'speech' }],
            transcript: { g1: '你好 👋' },
        });
    });
    it('single choice toggles and replaces; multiple respects max', () => {
        let s = S.emptyState();
        const single = ctl('sentiment');
        const multi = ctl('topics');
        s = S.toggleChoice(s, single, 'positive');
        s = S.toggleChoice(s, single, 'negative');
        s = S.toggleChoice(s, multi, 'a');
        s = S.toggleChoice(s, multi, 'c');
        s = S.toggleChoice(s, multi, 'b');
        expect(S.toResult(s, schema)).toEqual({ sentiment: ['negative'], topics: ['a', 'c'] });
        s = S.toggleChoice(s, single, 'negative');
        expect(S.missingRequired(S.toResult(s, schema), schema)).toEqual(['sentiment']);
    });
    it('ranks by moving items and keeps the rationale', () => {
        let s = S.emptyState();
        s = S.moveRankItem(s, 'preference', ['a', 'b', 'c'], 'c', -2);
        s = S.moveRankItem(s, 'preference', ['a', 'b', 'c'], 'a', 1);
        s = S.setRationale(s, 'preference', 'c 最完整', ['a', 'b', 'c'], 'rank');
        s = S.setPairwise(s, 'ab', 'tie');
        s = S.setValue(s, 'quality', 4);
        expect(S.toResult(s, schema)).toEqual({
            preference: { order: ['c', 'b', 'a'], rationale: 'c 最完整' },
            ab: { preferred: 'tie' },
            quality: 4,
        });
    });
    it('leaves out a pairwise control that has only a rationale', () => {
        const s = S.setRationale(S.emptyState(), 'ab', 'hmm', [], 'pairwise');
        expect(S.toResult(s, schema)).toEqual({});
    });
    it('starts from predictions, marks them, and unmarks a region once edited', () => {
        const prediction = { model: 'm', result: { boxes: [{ id: 'r1', label: 'car', x: 0, y: 0, width: 5, height: 5 }], unknown: 1 } };
        let s = S.initState(schema, { predictions: [prediction] });
        expect(s.predicted).toEqual(['r1']);
        expect(S.toResult(s, schema)).toEqual({ boxes: [{ id: 'r1', label: 'car', x: 0, y: 0, width: 5, height: 5 }] });
        s = S.updateRegion(s, 'boxes', 'r1', { width: 8 });
        expect(s.predicted).toEqual([]);
    });
    it('prefers a saved draft over predictions', () => {
        const s = S.initState(schema, { draft: { quality: 2 }, predictions: [{ result: { quality: 5 } }] });
        expect(S.toResult(s, schema)).toEqual({ quality: 2 });
    });
    it('copies previous regions with fresh ids that do not collide', () => {
        let s = S.addRect(S.emptyState(), ctl('boxes'), { label: 'car', x: 1, y: 1, width: 2, height: 2 });
        const prev = {
            boxes: [{ id: 'r1', label: 'car', x: 9, y: 9, width: 3, height: 3 }],
            joints: [{ id: 'k1', label: 'nose', x: 4, y: 4 }],
        };
        s = S.copyRegions(s, schema, prev);
        const r = S.toResult(s, schema);
        expect(r.boxes).toEqual([
            { id: 'r1', label: 'car', x: 1, y: 1, width: 2, height: 2 },
            { id: 'r2', label: 'car', x: 9, y: 9, width: 3, height: 3 },
        ]);
        expect(r.joints).toEqual([{ id: 'k3', label: 'nose', x: 4, y: 4 }]);
        // One undo removes the whole copy.
        expect(S.toResult(S.undo(s), schema).boxes).toHaveLength(1);
    });
});
describe('typing and undo', () => {
    it('undoes a run of keystrokes in one box at once, but not edits of another box', () => {
        let s = S.emptyState();
        s = S.addSegment(s, ctl('turns'), { label: 'speech', start: 0, end: 1 });
        for (const v of ['你', '你好', '你好!'])
            s = S.setSegmentText(s, 'transcript', 'g1', v);
        s = S.setValue(s, 'quality', 3);
        for (const v of ['o', 'ok'])
            s = S.setRationale(s, 'preference', v, ['a', 'b'], 'rank');
        s = S.undo(s); // the rationale
        expect(S.toResult(s, schema)).toEqual({ turns: [{ id: 'g1', start: 0, end: 1, label: 'speech' }], transcript: { g1: '你好!' }, quality: 3 });
        s = S.undo(s); // the rating
        s = S.undo(s); // the whole transcript
        expect(S.toResult(s, schema)).toEqual({ turns: [{ id: 'g1', start: 0, end: 1, label: 'speech' }] });
    });
    it('starts a new undo step when typing resumes after another edit', () => {
        let s = S.typeText(S.emptyState(), 'transcript', 'a');
        s = S.typeText(s, 'transcript', 'ab');
        s = S.setValue(s, 'quality', 2);
        s = S.typeText(s, 'transcript', 'abc');
        s = S.undo(s);
        expect(S.toResult(s, schema)).toEqual({ transcript: 'ab', quality: 2 });
    });
});
describe('typing after undo', () => {
    it('keeps the undone state reachable when typing resumes in the same box', () => {
        let s = S.typeText(S.emptyState(), 'transcript', 'ab');
        s = S.undo(s);
        s = S.typeText(s, 'transcript', 'x');
        s = S.undo(s);
        expect(S.toResult(s, schema)).toEqual({});
        expect(s.past).toHaveLength(0);
    });
    it('keeps a prediction as the origin of an edited copy; hiding and locking leave the result alone', () => {
        const box = { id: 'r1', x: 10, y: 10, width: 50, height: 40, rotation: 0, label: 'car' };
        let s = S.initState(schema, { predictions: [{ result: { boxes: [box] } }] });
        const region = () => S.toResult(s, schema).boxes[0];
        expect(S.editedOrigin(s, region())).toBeUndefined();
        s = S.updateRegion(s, 'boxes', 'r1', { x: 20 });
        expect(S.editedOrigin(s, region())).toEqual(box);
        const before = S.toResult(s, schema);
        s = S.toggleLocked(S.toggleHidden(s, 'r1'), 'r1');
        expect(s.hidden).toEqual(['r1']);
        expect(s.locked).toEqual(['r1']);
        expect(S.toResult(s, schema)).toEqual(before);
        s = S.toggleHidden(s, 'r1');
        expect(s.hidden).toEqual([]);
    });
});
