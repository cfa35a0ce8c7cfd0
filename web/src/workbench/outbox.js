// Submissions and drafts are written to local storage before they go to the server, so a failed
// request never loses work: the outbox is retried until the server acknowledges it.
/** Why a submission was not acknowledged: the HTTP status (0: no answer) and the server's words. */
export class SendError extends Error {
    status;
    problem;
    constructor(status, message, problem) {
        super(message);
        this.status = status;
        this.problem = problem;
    }
}
/** The server's answer when the assignment already holds a submission (another key, or another tab). */
export const ALREADY_SUBMITTED = 'queue.already_submitted';
/**
 * Network failures, server errors, timeouts and rate limits are worth retrying, and so is an
 * expired session (401): after logging in again the same submission goes through.
 */
export function retryable(e) {
    return e.status === 0 || e.status >= 500 || e.status === 401 || e.status === 408 || e.status === 429;
}
const OUTBOX = 'yz.outbox';
/** The result last acknowledged per assignment (the latest few), to tell a repeat from later edits. */
const SENT = 'yz.outbox.sent';
const SENT_KEPT = 50;
export class Outbox {
    store;
    send;
    flushing = null;
    constructor(store, send) {
        this.store = store;
        this.send = send;
    }
    list() {
        try {
            return JSON.parse(this.store.getItem(OUTBOX) ?? '[]');
        }
        catch {
            return [];
        }
    }
    save(items) {
        if (items.length)
            this.store.setItem(OUTBOX, JSON.stringify(items));
        else
            this.store.removeItem(OUTBOX);
    }
    add(p) {
        this.save([...this.list().filter((x) => x.key !== p.key), { ...p, attempts: 0 }]);
    }
    dismiss(key) { this.save(this.list().filter((x) => x.key !== key)); }
    sent() {
        try {
            return JSON.parse(this.store.getItem(SENT) ?? '[]');
        }
        catch {
            return [];
        }
    }
    acknowledged(p) {
        const kept = this.sent().filter(([id]) => id !== p.assignmentId);
        this.store.setItem(SENT, JSON.stringify([...kept, [p.assignmentId, JSON.stringify(p.result)]].slice(-SENT_KEPT)));
    }
    /** Whether this very result was acknowledged for its assignment: a repeat, with nothing new in it. */
    repeats(p) {
        return this.sent().some(([id, json]) => id === p.assignmentId && json === JSON.stringify(p.result));
    }
    /** Sends everything not yet acknowledged, oldest first; concurrent calls share one pass. */
    flush() {
        this.flushing ??= this.pass().finally(() => { this.flushing = null; });
        return this.flushing;
    }
    async pass() {
        for (const p of this.list()) {
            if (p.rejected)
                continue;
            try {
                await this.send(p);
                this.acknowledged(p);
                this.save(this.list().filter((x) => x.key !== p.key));
            }
            catch (err) {
                const e = err;
                if (e.problem?.code === ALREADY_SUBMITTED && this.repeats(p)) {
                    // The same result went through before (a double press): nothing of the annotator's is lost.
                    this.save(this.list().filter((x) => x.key !== p.key));
                    continue;
                }
                const refusal = retryable(e) ? {} : {
                    rejected: e.message || `HTTP ${e.status}`,
                    ...(e.problem ? { problem: e.problem } : {}),
                    ...(e.problem?.code === ALREADY_SUBMITTED ? { editedAfterSubmit: true } : {}),
                };
                const items = this.list().map((x) => x.key === p.key ? { ...x, attempts: x.attempts + 1, ...refusal } : x);
                this.save(items);
                // Keep order: later submissions wait while an earlier one cannot get through.
                if (retryable(e))
                    return;
            }
        }
    }
    /** Submissions still to be sent (not counting those refused for good). */
    pending() { return this.list().filter((p) => !p.rejected).length; }
    /** Refusals to show: edits kept after an earlier submission, and submissions the server would not take. */
    refused() { return this.list().filter((p) => p.rejected); }
    /** Submissions that failed at least once and wait for a retry: what the banner warns about. */
    failing() { return this.list().filter((p) => !p.rejected && p.attempts > 0).length; }
}
/** Local copies of drafts, kept until the server has them. */
export class DraftStore {
    store;
    constructor(store) {
        this.store = store;
    }
    get(assignmentId) {
        try {
            return JSON.parse(this.store.getItem(`yz.draft.${assignmentId}`) ?? 'null')?.result ?? null;
        }
        catch {
            return null;
        }
    }
    put(assignmentId, result) { this.store.setItem(`yz.draft.${assignmentId}`, JSON.stringify({ result })); }
    remove(assignmentId) { this.store.removeItem(`yz.draft.${assignmentId}`); }
}
