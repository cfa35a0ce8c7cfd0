// Submissions and drafts are written to local storage before they go to the server, so a failed
// request never loses work: the outbox is retried until the server acknowledges it.

import type { Result } from '../lib/schema';

export interface KeyValueStore { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void }

export interface PendingSubmit {
  /** Idempotency key: a retry of the same submission carries the same key. */
  key: string;
  assignmentId: number;
  projectId: number;
  result: Result;
  leadTimeSeconds: number;
  attempts: number;
  /** Set when the server refused it for good (a 4xx other than timeouts and rate limits). */
  rejected?: string;
}

/** Why a submission was not acknowledged: the HTTP status (0: no answer) and the server's words. */
export class SendError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/**
 * Network failures, server errors, timeouts and rate limits are worth retrying, and so is an
 * expired session (401): after logging in again the same submission goes through.
 */
export function retryable(e: { status: number }): boolean {
  return e.status === 0 || e.status >= 500 || e.status === 401 || e.status === 408 || e.status === 429;
}

const OUTBOX = 'yz.outbox';

export class Outbox {
  private flushing: Promise<void> | null = null;
  constructor(private readonly store: KeyValueStore, private readonly send: (p: PendingSubmit) => Promise<void>) {}

  list(): PendingSubmit[] {
    try { return JSON.parse(this.store.getItem(OUTBOX) ?? '[]') as PendingSubmit[]; } catch { return []; }
  }
  private save(items: PendingSubmit[]) {
    if (items.length) this.store.setItem(OUTBOX, JSON.stringify(items)); else this.store.removeItem(OUTBOX);
  }

  add(p: Omit<PendingSubmit, 'attempts'>): void {
    this.save([...this.list().filter((x) => x.key !== p.key), { ...p, attempts: 0 }]);
  }

  dismiss(key: string): void { this.save(this.list().filter((x) => x.key !== key)); }

  /** Sends everything not yet acknowledged, oldest first; concurrent calls share one pass. */
  flush(): Promise<void> {
    this.flushing ??= this.pass().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  private async pass(): Promise<void> {
    for (const p of this.list()) {
      if (p.rejected) continue;
      try {
        await this.send(p);
        this.save(this.list().filter((x) => x.key !== p.key));
      } catch (err) {
        const e = err as SendError;
        const items = this.list().map((x) => x.key === p.key
          ? { ...x, attempts: x.attempts + 1, ...(retryable(e) ? {} : { rejected: e.message || `HTTP ${e.status}` }) }
          : x);
        this.save(items);
        // Keep order: later submissions wait while an earlier one cannot get through.
        if (retryable(e)) return;
      }
    }
  }

  /** Submissions still to be sent (not counting those refused for good). */
  pending(): number { return this.list().filter((p) => !p.rejected).length; }

  /** Submissions that failed at least once and wait for a retry: what the banner warns about. */
  failing(): number { return this.list().filter((p) => !p.rejected && p.attempts > 0).length; }
}

/** Local copies of drafts, kept until the server has them. */
export class DraftStore {
  constructor(private readonly store: KeyValueStore) {}
  get(assignmentId: number): Result | null {
    try { return (JSON.parse(this.store.getItem(`yz.draft.${assignmentId}`) ?? 'null') as { result: Result } | null)?.result ?? null; } catch { return null; }
  }
  put(assignmentId: number, result: Result): void { this.store.setItem(`yz.draft.${assignmentId}`, JSON.stringify({ result })); }
  remove(assignmentId: number): void { this.store.removeItem(`yz.draft.${assignmentId}`); }
}
