import { describe, expect, it } from 'vitest';
import { DraftStore, Outbox, SendError } from './outbox';
import { readProblem } from '../api/problems';
class MemStore {
    m = new Map();
    getItem(k) { return this.m.get(k) ?? null; }
    setItem(k, v) { this.m.set(k, v); }
    removeItem(k) { this.m.delete(k); }
}
let nextAssignment = 1;
const sub = (key) => ({ key, assignmentId: nextAssignment++, projectId: 7, result: { quality: 3 }, leadTimeSeconds: 4 });
describe('outbox', () => {
    it('keeps a submission through a network failure and sends it with the same key later', async () => {
        const store = new MemStore();
        const sent = [];
        let online = false;
        const box = new Outbox(store, (p) => {
            if (!online)
                return Promise.reject(new SendError(0, 'offline'));
            sent.push(p.key);
            return Promise.resolve();
        });
        box.add(sub('k1'));
        // Not yet tried: pending, but nothing to warn about.
        expect(box.failing()).toBe(0);
        await box.flush();
        expect(box.pending()).toBe(1);
        expect(box.failing()).toBe(1);
        expect(box.list()[0].attempts).toBe(1);
        // A new Outbox over the same storage (a page reload) still has it.
        online = true;
        const again = new Outbox(store, (p) => { sent.push(p.key); return Promise.resolve(); });
        await again.flush();
        expect(sent).toEqual(['k1']);
        expect(again.pending()).toBe(0);
        expect(store.m.has('yz.outbox')).toBe(false);
    });
    it('stops at the first retryable failure to keep submissions in order', async () => {
        const tried = [];
        const box = new Outbox(new MemStore(), (p) => { tried.push(p.key); return Promise.reject(new SendError(503, 'busy')); });
        box.add(sub('a'));
        box.add(sub('b'));
        await box.flush();
        expect(tried).toEqual(['a']);
        expect(box.pending()).toBe(2);
    });
    it('marks a refused submission and goes on with the next', async () => {
        const sent = [];
        const box = new Outbox(new MemStore(), (p) => {
            if (p.key === 'bad')
                return Promise.reject(new SendError(422, 'entities/0/end out of range'));
            sent.push(p.key);
            return Promise.resolve();
        });
        box.add(sub('bad'));
        box.add(sub('good'));
        await box.flush();
        expect(sent).toEqual(['good']);
        expect(box.pending()).toBe(0);
        expect(box.list()).toHaveLength(1);
        expect(box.list()[0].rejected).toBe('entities/0/end out of range');
        box.dismiss('bad');
        expect(box.list()).toEqual([]);
    });
    /** A server that takes one submission per assignment and answers 409 already_submitted to the rest. */
    const oneEach = () => {
        const taken = new Map();
        return { taken, send: (p) => {
                if (taken.has(p.assignmentId)) {
                    return Promise.reject(new SendError(409, 'This assignment was already submitted.', readProblem(409, { code: 'queue.already_submitted', params: {}, title: 'This assignment was already submitted.' })));
                }
                taken.set(p.assignmentId, JSON.stringify(p.result));
                return Promise.resolve();
            } };
    };
    it('drops a repeat of an acknowledged submission: the same result, nothing lost', async () => {
        const server = oneEach();
        const box = new Outbox(new MemStore(), server.send);
        box.add({ key: 'first', assignmentId: 900, projectId: 7, result: { label: ['pos'] }, leadTimeSeconds: 1 });
        box.add({ key: 'double-press', assignmentId: 900, projectId: 7, result: { label: ['pos'] }, leadTimeSeconds: 1 });
        await box.flush();
        expect(server.taken.get(900)).toBe('{"label":["pos"]}');
        expect(box.list()).toEqual([]);
    });
    it('keeps edits made after a submission and says so, until they are discarded', async () => {
        const server = oneEach();
        const store = new MemStore();
        const box = new Outbox(store, server.send);
        box.add({ key: 'first', assignmentId: 901, projectId: 7, result: { label: ['pos'] }, leadTimeSeconds: 1, taskId: 55 });
        await box.flush();
        box.add({ key: 'edited', assignmentId: 901, projectId: 7, result: { label: ['neg'] }, leadTimeSeconds: 2, taskId: 55 });
        await box.flush();
        // Still there after a reload, with its edits and the reason.
        const kept = new Outbox(store, server.send).refused();
        expect(kept).toHaveLength(1);
        expect(kept[0].result).toEqual({ label: ['neg'] });
        expect(kept[0].editedAfterSubmit).toBe(true);
        expect(kept[0].problem?.code).toBe('queue.already_submitted');
        expect(box.pending()).toBe(0);
        box.dismiss('edited');
        expect(box.refused()).toEqual([]);
    });
    it('sends everything submitted offline once back, each exactly once and in order', async () => {
        let online = false;
        const arrived = [];
        const box = new Outbox(new MemStore(), (p) => {
            if (!online)
                return Promise.reject(new SendError(0, 'offline'));
            arrived.push(p.assignmentId);
            return Promise.resolve();
        });
        box.add({ key: 'o1', assignmentId: 910, projectId: 7, result: { q: 1 }, leadTimeSeconds: 1 });
        await box.flush();
        box.add({ key: 'o2', assignmentId: 911, projectId: 7, result: { q: 2 }, leadTimeSeconds: 1 });
        await box.flush();
        expect(box.pending()).toBe(2);
        expect(arrived).toEqual([]);
        online = true;
        await Promise.all([box.flush(), box.flush()]);
        await box.flush();
        expect(arrived).toEqual([910, 911]);
        expect(box.pending()).toBe(0);
    });
    it('shares one pass between concurrent flushes so nothing is sent twice', async () => {
        let calls = 0;
        const box = new Outbox(new MemStore(), async () => { calls++; await new Promise((r) => setTimeout(r, 5)); });
        box.add(sub('x'));
        await Promise.all([box.flush(), box.flush()]);
        expect(calls).toBe(1);
    });
});
describe('draft store', () => {
    it('round-trips a draft per assignment', () => {
        const d = new DraftStore(new MemStore());
        d.put(1, { entities: [{ id: 's1', start: 0, end: 2, label: 'PER', text: '张三' }] });
        expect(d.get(1)).toEqual({ entities: [{ id: 's1', start: 0, end: 2, label: 'PER', text: '张三' }] });
        expect(d.get(2)).toBeNull();
        d.remove(1);
        expect(d.get(1)).toBeNull();
    });
});
describe('retry policy', () => {
    it('retries an expired session but not a validation error', async () => {
        const { retryable } = await import('./outbox');
        expect(retryable({ status: 401 })).toBe(true);
        expect(retryable({ status: 0 })).toBe(true);
        expect(retryable({ status: 503 })).toBe(true);
        expect(retryable({ status: 422 })).toBe(false);
        expect(retryable({ status: 409 })).toBe(false);
    });
});
