// A video's scrub proxy (issue 17): the server's small JPEG frames in chunks, so a drag along the
// timeline draws frames without seeking the video (a 1080p seek decodes in software for 77–250 ms;
// docs/benchmarks.md). Chunks are fetched around the pointer and ahead of it by its speed, and kept
// compressed; a chunk's frame is decoded with createImageBitmap, off the main thread, only when it is
// to be shown. A fast drag outruns the chunks (across 10 minutes in 5 s the pointer passes ~3 chunks
// per animation frame, and a chunk takes ~100 ms to come on a busy machine), so the proxy's
// storyboard, every s-th frame in one blob loaded when the video opens, supplies the frame nearest
// the pointer until the pointer's own chunk is there: its frames around and ahead of the pointer are
// kept decoded, so that one is drawn in the same animation frame as the pointer's move. Every frame
// shown is drawn with its own boxes.

/** The server's answer for a video's proxy (GET /api/projects/{id}/scrub?name=). */
export interface ScrubInfo {
  status: 'none' | 'queued' | 'running' | 'ready' | 'failed' | 'unavailable';
  error?: string | null;
  fps?: number | null;
  frames?: number | null;
  chunkFrames?: number | null;
  width?: number | null;
  height?: number | null;
  chunkUrl?: string | null;
  storyboardUrl?: string | null;
}

/** The project and media name a project media URL (`/api/projects/{id}/media/{name}`) names, else null. */
export function mediaOf(src: string): { projectId: number; name: string } | null {
  let path: string;
  try { path = new URL(src, 'http://x').pathname; } catch { return null; }
  const m = /^\/api\/projects\/(\d+)\/media\/(.+)$/.exec(path);
  if (!m) return null;
  try { return { projectId: Number(m[1]), name: decodeURIComponent(m[2]!) }; } catch { return null; }
}

/** The JPEG frames of one chunk from byte `from`: "YZSP", n, n lengths (32-bit little-endian), then the n images. Null when the bytes are not a chunk. */
export function splitChunk(bytes: ArrayBuffer, from = 0): { start: number; end: number }[] | null {
  if (bytes.byteLength < from + 8) return null;
  const v = new DataView(bytes);
  if (v.getUint32(from) !== 0x595a5350) return null; // "YZSP"
  const n = v.getInt32(from + 4, true);
  if (n < 0 || from + 8 + 4 * n > bytes.byteLength) return null;
  const out: { start: number; end: number }[] = [];
  let at = from + 8 + 4 * n;
  for (let i = 0; i < n; i++) {
    const len = v.getInt32(from + 8 + 4 * i, true);
    if (len <= 0 || at + len > bytes.byteLength) return null;
    out.push({ start: at, end: at + len });
    at += len;
  }
  return out;
}

/** A storyboard: "YZSB", the step s (32-bit little-endian), then a chunk of frames 1, 1 + s, 1 + 2s… Null when the bytes are not one. */
export function splitStoryboard(bytes: ArrayBuffer): { step: number; frames: { start: number; end: number }[] } | null {
  if (bytes.byteLength < 8) return null;
  const v = new DataView(bytes);
  if (v.getUint32(0) !== 0x595a5342) return null; // "YZSB"
  const step = v.getInt32(4, true);
  const frames = splitChunk(bytes, 8);
  return step >= 1 && frames?.length ? { step, frames } : null;
}

interface Chunk { bytes: ArrayBuffer; frames: { start: number; end: number }[] }
/** A frame that can be decoded now: its number, and where its JPEG lies in a chunk's or the storyboard's bytes. */
interface Here { frame: number; bytes: ArrayBuffer; at: { start: number; end: number } | undefined }

let worker: Worker | null | undefined; // the decoder (jpegWorker.ts), made on the first decode; null where there is none
const waiting = new Map<number, { jpeg: Uint8Array; done: (p: ImageBitmap) => void; fail: (e: unknown) => void }>();
let asked = 0;

const decodeHere = (jpeg: Uint8Array) => createImageBitmap(new Blob([jpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));

/**
 * Decodes one JPEG frame: in the decoder worker, the bytes copied to it (~10 KB), else (no workers,
 * or the worker failed) here. Not with a Blob made on this thread: making one cost the page more
 * than the decode (jpegWorker.ts).
 */
export function decodeJpeg(bytes: Uint8Array): Promise<ImageBitmap> {
  if (worker === undefined) {
    try {
      worker = typeof Worker === 'undefined' ? null : new Worker(new URL('./jpegWorker.ts', import.meta.url), { type: 'module' });
    } catch { worker = null; }
    if (worker) {
      worker.onmessage = (e: MessageEvent<{ id: number; picture?: ImageBitmap; error?: string }>) => {
        const w = waiting.get(e.data.id);
        waiting.delete(e.data.id);
        if (e.data.picture) w?.done(e.data.picture); else w?.fail(new Error(e.data.error ?? 'undecodable'));
      };
      worker.onerror = () => {
        // A worker that cannot run (a policy, a failed load): this thread decodes from now on, the frames asked of it too.
        worker?.terminate(); worker = null;
        for (const w of waiting.values()) decodeHere(w.jpeg).then(w.done, w.fail);
        waiting.clear();
      };
    }
  }
  if (!worker) return decodeHere(bytes);
  const jpeg = bytes.slice(); // its own ~10 KB, copied again to the worker: kept until the answer, for the case above
  const id = ++asked;
  const w = worker;
  return new Promise((done, fail) => { waiting.set(id, { jpeg, done, fail }); w.postMessage({ id, bytes: jpeg.buffer }); });
}

/** How far ahead of the pointer chunks are fetched: about a chunk's round trip and decode on a busy machine (docs/benchmarks.md: pointer→picture p50 126 ms). */
const AHEAD_MS = 150;
/** The farthest chunk (16 frames each by default) whose frame stands in for the pointer's own. */
const NEAR = 8;
/** How long a chunk whose fetch failed is not asked for again. */
const RETRY_MS = 2000;
/** A pointer that has not moved for this long is taken to rest: its own chunk is fetched even after a fast drag. */
const REST_MS = 100;
/** Storyboard frames kept decoded: ~0.5 MB each at 480 × 270, so ~32 MB (all 512 would be ~265 MB). */
const BOARD_PICTURES = 64;
/** Storyboard frames decoded on either side of the pointer at rest, and ahead of it by its speed over BOARD_AHEAD_MS. */
const BOARD_AROUND = 4;
const BOARD_AHEAD_MS = 400;
/** Storyboard decodes in flight at once. */
const BOARD_DECODES = 6;

/**
 * Frames of a ready proxy: `frame` counts from 1 as the view does (proxy image k is frame k + 1).
 *
 * What is shown for an ask: the frame itself once its chunk is here and it is decoded; until then the
 * nearest frame there is. Storyboard frames around the pointer, and ahead of it in the drag's
 * direction by its speed, are kept decoded, so an ask whose own frame is not ready is answered at
 * once, within the call, with the nearest of them (at most half a storyboard step away): a drag
 * across 10 minutes in 10 s moves 25 frames per animation frame, and a frame decoded after the ask
 * came an animation frame late, ~75 frames behind the pointer (docs/benchmarks.md, "Scrubbing at
 * 30 fps?"). A frame decoded later (the pointer's own, or one from a chunk fetched before, at most
 * NEAR chunks away) is shown only when it is nearer to the pointer than the frame on show.
 *
 * What is fetched: the pointer's chunk and the next one in the drag's direction, and the chunk where
 * the pointer will be when a fetch started now arrives. While the pointer moves so fast that its chunk
 * would come after it left (more than a chunk per AHEAD_MS) and a storyboard stands in, only that
 * chunk ahead is fetched, one at a time: the others would be thrown away, and on a 2-core machine the
 * server's and the browser's work on them slows the page itself.
 */
export class ScrubFrames {
  private readonly chunks = new Map<number, Chunk>(); // least recently used first
  private readonly loading = new Set<number>();
  private readonly failed = new Map<number, number>(); // chunk → when its fetch failed
  private board: { step: number; bytes: ArrayBuffer; frames: { start: number; end: number }[] } | null = null;
  private readonly pictures = new Map<number, ImageBitmap>(); // storyboard index → its decoded frame
  private readonly boardDecoding = new Set<number>();
  private readonly boardFailed = new Set<number>(); // storyboard frames that would not decode: not tried again
  private want = 0;
  private askedAt = 0;
  private speed = 0; // frames per millisecond of the drag, smoothed
  private rest: ReturnType<typeof setTimeout> | undefined; // the timer that takes the pointer to rest
  private decoding = false; // a chunk frame is being decoded
  private shown = 0; // the last frame handed to onFrame
  private closed = false;
  /**
   * Called with each frame to show for the newest ask, within `ask` when a decoded frame is nearer
   * than the one on show, else once one is decoded. The picture is lent for the call only: draw it
   * then, never keep it (a storyboard frame is drawn again later; the others are closed after the call).
   */
  onFrame: (frame: number, picture: ImageBitmap) => void = () => {};

  constructor(
    readonly info: { frames: number; chunkFrames: number; chunkUrl: string; storyboardUrl?: string | null },
    private readonly load: (url: string) => Promise<ArrayBuffer> = (url) => fetch(url, { credentials: 'same-origin' }).then((r) => {
      if (!r.ok) throw new Error(`${r.status}`);
      return r.arrayBuffer();
    }),
    private readonly decode: (jpeg: Uint8Array) => Promise<ImageBitmap> = decodeJpeg,
    // Compressed chunks kept: 16 frames of ~10 KB each, so ~40 MB at most.
    private readonly maxChunks = 256,
    private readonly maxLoads = 4,
  ) {
    // Loaded at once, before any drag: ~3 MB for 10 minutes (the server keeps it to 512 frames).
    if (info.storyboardUrl) {
      this.load(info.storyboardUrl).then((bytes) => {
        const b = splitStoryboard(bytes);
        if (!b || this.closed) return;
        this.board = { step: b.step, bytes, frames: b.frames };
        this.pump();
      }).catch(() => { /* none (a proxy made before storyboards): the chunks alone */ });
    }
  }

  /** Whether the proxy holds `frame`. */
  covers(frame: number): boolean { return frame >= 1 && frame <= this.info.frames; }

  chunkOf(frame: number): number { return Math.floor((frame - 1) / this.info.chunkFrames); }

  /** Asks for `frame` (`still`: the pointer stopped there, as on a release): the newest ask wins; `onFrame` hears it, or the nearest frame ready, at once or once decoded. */
  ask(frame: number, still = false): void {
    if (this.closed || !this.covers(frame)) return;
    const now = performance.now();
    if (still) this.speed = 0;
    else if (this.want && now > this.askedAt) this.speed = 0.5 * this.speed + 0.5 * ((frame - this.want) / (now - this.askedAt));
    this.askedAt = now;
    this.want = frame;
    clearTimeout(this.rest);
    if (this.speed) this.rest = setTimeout(() => { this.speed = 0; this.pump(); }, REST_MS);
    this.pump();
  }

  close(): void {
    this.closed = true; clearTimeout(this.rest); this.chunks.clear(); this.board = null;
    for (const p of this.pictures.values()) p.close();
    this.pictures.clear();
  }

  /** Whether `frame` would be nearer to the pointer than the frame on show. */
  private nearer(frame: number): boolean {
    return frame !== this.shown && (!this.shown || Math.abs(frame - this.want) < Math.abs(this.shown - this.want));
  }

  private hand(frame: number, picture: ImageBitmap): void {
    this.shown = frame;
    try { this.onFrame(frame, picture); } catch { /* the receiver's fault: the proxy goes on */ }
  }

  private pump(): void {
    if (this.closed) return;
    // Before any ask, the storyboard's first frames, where a video opens.
    if (!this.want) { this.decodeBoard(); return; }
    const want = this.want;
    const per = this.info.chunkFrames;
    const c = this.chunkOf(want);
    const chunk = this.chunks.get(c);
    // At once: the decoded storyboard frame nearest the pointer, when nearer than the frame on show.
    const ready = this.readyBoardFrame(want);
    if (ready && this.nearer(ready.frame)) this.hand(ready.frame, ready.picture);
    if (chunk) {
      this.chunks.delete(c); this.chunks.set(c, chunk); // most recently used
      if (!this.decoding && this.nearer(want)) void this.show(want, chunk.bytes, chunk.frames[(want - 1) % per]);
    } else if (!this.decoding) {
      const near = this.nearChunkFrame(want, c);
      if (near && this.nearer(near.frame) && !this.boardBeats(near.frame)) void this.show(near.frame, near.bytes, near.at);
    }
    this.decodeBoard();
    const lead = this.speed * AHEAD_MS; // frames the pointer moves while a chunk is fetched
    const fast = this.board !== null && Math.abs(lead) > per;
    const ahead = this.chunkOf(Math.max(1, Math.min(this.info.frames, Math.round(want + lead))));
    if (fast) {
      if (!this.loading.size && !this.chunks.has(ahead)) this.fetch(ahead);
      return;
    }
    if (!chunk) this.fetch(c);
    if (!this.chunks.has(ahead)) this.fetch(ahead);
    const next = c + (this.speed < 0 ? -1 : 1);
    if (next >= 0 && next * per < this.info.frames && !this.chunks.has(next)) this.fetch(next);
  }

  /** The storyboard index nearest to frame `f`. */
  private boardIndex(f: number): number {
    const b = this.board!;
    return Math.max(0, Math.min(b.frames.length - 1, Math.round((f - 1) / b.step)));
  }

  /** Whether the storyboard has a frame at least as near to the pointer as `frame` (shown at once, or soon once decoded). */
  private boardBeats(frame: number): boolean {
    if (!this.board) return false;
    const f = this.boardIndex(this.want) * this.board.step + 1;
    return Math.abs(f - this.want) <= Math.abs(frame - this.want);
  }

  /** The decoded storyboard frame nearest to `want`, looking a few indices either way. */
  private readyBoardFrame(want: number): { frame: number; picture: ImageBitmap } | null {
    const b = this.board;
    if (!b || !this.pictures.size) return null;
    const j = this.boardIndex(want);
    for (let d = 0; d <= BOARD_AROUND; d++) {
      // The nearer side first: the frame at j − d or j + d whose number is nearer to want.
      const sides = (j * b.step + 1) >= want ? [j - d, j + d] : [j + d, j - d];
      for (const k of d ? sides : [j]) {
        const p = this.pictures.get(k);
        if (p) { this.pictures.delete(k); this.pictures.set(k, p); return { frame: k * b.step + 1, picture: p }; }
      }
    }
    return null;
  }

  /** Decodes the storyboard frames around the pointer, and ahead of it by its speed, that are not decoded yet: nearest first. */
  private decodeBoard(): void {
    const b = this.board;
    if (!b) return;
    const j = this.boardIndex(this.want || 1);
    const lead = Math.round((this.speed * BOARD_AHEAD_MS) / b.step);
    const dir = lead < 0 ? -1 : 1;
    const ahead = Math.max(BOARD_AROUND, Math.abs(lead));
    // The pointer's index, then alternately ahead and behind until BOARD_AROUND behind, then ahead only.
    const order: number[] = [j];
    for (let d = 1; d <= ahead; d++) { order.push(j + dir * d); if (d <= BOARD_AROUND) order.push(j - dir * d); }
    for (const k of order) {
      if (this.boardDecoding.size >= BOARD_DECODES) return;
      if (k < 0 || k >= b.frames.length || this.pictures.has(k) || this.boardDecoding.has(k) || this.boardFailed.has(k)) continue;
      this.boardDecoding.add(k);
      const at = b.frames[k]!;
      this.decode(new Uint8Array(b.bytes, at.start, at.end - at.start)).then((picture) => {
        if (this.closed || this.board !== b) { picture.close(); return; }
        this.pictures.set(k, picture);
        this.evictBoard();
      }, () => { this.boardFailed.add(k); }).finally(() => {
        this.boardDecoding.delete(k);
        this.pump();
      });
    }
  }

  /** Keeps BOARD_PICTURES decoded storyboard frames: the ones farthest from the pointer go first. */
  private evictBoard(): void {
    if (this.pictures.size <= BOARD_PICTURES || !this.board) return;
    const j = this.boardIndex(this.want || 1);
    const far = [...this.pictures.keys()].sort((x, y) => Math.abs(y - j) - Math.abs(x - j));
    for (const k of far.slice(0, this.pictures.size - BOARD_PICTURES)) { this.pictures.get(k)!.close(); this.pictures.delete(k); }
  }

  /** The frame nearest to `want` (in chunk `c`, not here) in a chunk fetched before, at most NEAR chunks away. */
  private nearChunkFrame(want: number, c: number): Here | null {
    let best: Here | null = null;
    const per = this.info.chunkFrames;
    for (let d = 1; d <= NEAR; d++) {
      if (best && Math.abs(best.frame - want) <= (d - 1) * per) break; // no chunk this far can be nearer
      for (const n of [c - d, c + d]) {
        const got = this.chunks.get(n);
        if (!got) continue;
        const f = Math.min(Math.max(want, n * per + 1), Math.min(this.info.frames, (n + 1) * per));
        if (!best || Math.abs(f - want) < Math.abs(best.frame - want)) best = { frame: f, bytes: got.bytes, at: got.frames[(f - 1) % per] };
      }
    }
    return best;
  }

  private fetch(c: number): void {
    if (this.loading.has(c) || this.loading.size >= this.maxLoads) return;
    const failed = this.failed.get(c);
    if (failed !== undefined && performance.now() - failed < RETRY_MS) return;
    this.loading.add(c);
    this.load(this.info.chunkUrl + c).then((bytes) => {
      const frames = splitChunk(bytes);
      if (!frames) throw new Error('not a scrub chunk');
      this.failed.delete(c);
      this.chunks.set(c, { bytes, frames });
      while (this.chunks.size > this.maxChunks) this.chunks.delete(this.chunks.keys().next().value!);
    }).catch(() => {
      // A chunk that cannot be had: the drag shows the frames it has, and asks again only after a
      // while (the pump that follows would otherwise fetch it again at once, without end).
      this.failed.set(c, performance.now());
    }).finally(() => {
      this.loading.delete(c);
      this.pump();
    });
  }

  /** Decodes a chunk's frame and shows it if it is still nearer to the pointer than the frame on show. */
  private async show(frame: number, bytes: ArrayBuffer, f: { start: number; end: number } | undefined): Promise<void> {
    if (!f) return;
    this.decoding = true;
    try {
      const picture = await this.decode(new Uint8Array(bytes, f.start, f.end - f.start));
      if (!this.closed && this.nearer(frame)) this.hand(frame, picture);
      picture.close();
    } catch { /* undecodable: skipped */ } finally {
      this.decoding = false;
    }
    // Asked for another frame while this one decoded: that one next.
    if (this.want !== frame) this.pump();
  }
}
