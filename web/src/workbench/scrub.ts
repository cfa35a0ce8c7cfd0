// A video's scrub proxy (issue 17): the server's small JPEG frames in chunks, so a drag along the
// timeline draws frames without seeking the video (a 1080p seek decodes in software for 77–250 ms;
// docs/benchmarks.md). Chunks are fetched around the pointer and ahead of it by its speed, and kept
// compressed; a frame is decoded with createImageBitmap, off the main thread, only when it is to be
// shown. A fast drag outruns the chunks (across 10 minutes in 5 s the pointer passes ~3 chunks per
// animation frame, and a chunk takes ~100 ms to come on a busy machine), so the proxy's storyboard,
// every s-th frame in one blob loaded when the video opens, supplies the frame nearest the pointer
// until the pointer's own chunk is there; every frame shown is drawn with its own boxes.

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

interface Chunk { blob: Blob; frames: { start: number; end: number }[] }
/** A frame that can be decoded now: its number, and where its JPEG lies in a chunk's or the storyboard's bytes. */
interface Here { frame: number; blob: Blob; at: { start: number; end: number } | undefined }

/** How far ahead of the pointer chunks are fetched: about a chunk's round trip and decode on a busy machine (docs/benchmarks.md: pointer→picture p50 126 ms). */
const AHEAD_MS = 150;
/** The farthest chunk (16 frames each by default) whose frame stands in for the pointer's own. */
const NEAR = 8;
/** How long a chunk whose fetch failed is not asked for again. */
const RETRY_MS = 2000;
/** A pointer that has not moved for this long is taken to rest: its own chunk is fetched even after a fast drag. */
const REST_MS = 100;

/**
 * Frames of a ready proxy: `frame` counts from 1 as the view does (proxy image k is frame k + 1).
 *
 * What is shown for an ask: the frame itself once its chunk is here; until then the nearest frame
 * there is, from the storyboard or a chunk fetched before (at most NEAR chunks away). What is
 * fetched: the pointer's chunk and the next one in the drag's direction, and the chunk where the
 * pointer will be when a fetch started now arrives. While the pointer moves so fast that its chunk
 * would come after it left (more than a chunk per AHEAD_MS) and a storyboard stands in, only that
 * chunk ahead is fetched, one at a time: the others would be thrown away, and on a 2-core machine the
 * server's and the browser's work on them slows the page itself.
 */
export class ScrubFrames {
  private readonly chunks = new Map<number, Chunk>(); // least recently used first
  private readonly loading = new Set<number>();
  private readonly failed = new Map<number, number>(); // chunk → when its fetch failed
  private board: { step: number; blob: Blob; frames: { start: number; end: number }[] } | null = null;
  private want = 0;
  private askedAt = 0;
  private speed = 0; // frames per millisecond of the drag, smoothed
  private rest: ReturnType<typeof setTimeout> | undefined; // the timer that takes the pointer to rest
  private decoding = false;
  private done = 0; // the last frame handed to onFrame
  private closed = false;
  /** Called with each frame decoded for the newest ask; the receiver owns (and closes) the bitmap. */
  onFrame: (frame: number, picture: ImageBitmap) => void = (_, p) => p.close();

  constructor(
    readonly info: { frames: number; chunkFrames: number; chunkUrl: string; storyboardUrl?: string | null },
    private readonly load: (url: string) => Promise<ArrayBuffer> = (url) => fetch(url, { credentials: 'same-origin' }).then((r) => {
      if (!r.ok) throw new Error(`${r.status}`);
      return r.arrayBuffer();
    }),
    private readonly decode: (blob: Blob) => Promise<ImageBitmap> = (blob) => createImageBitmap(blob),
    // Compressed chunks kept: 16 frames of ~10 KB each, so ~40 MB at most.
    private readonly maxChunks = 256,
    private readonly maxLoads = 4,
  ) {
    // Loaded at once, before any drag: ~3 MB for 10 minutes (the server keeps it to 512 frames).
    if (info.storyboardUrl) {
      this.load(info.storyboardUrl).then((bytes) => {
        const b = splitStoryboard(bytes);
        if (!b || this.closed) return;
        this.board = { step: b.step, blob: new Blob([bytes], { type: 'image/jpeg' }), frames: b.frames };
        this.pump();
      }).catch(() => { /* none (a proxy made before storyboards): the chunks alone */ });
    }
  }

  /** Whether the proxy holds `frame`. */
  covers(frame: number): boolean { return frame >= 1 && frame <= this.info.frames; }

  chunkOf(frame: number): number { return Math.floor((frame - 1) / this.info.chunkFrames); }

  /** Asks for `frame` (`still`: the pointer stopped there, as on a release): the newest ask wins; `onFrame` hears it (or a later ask) once decoded. */
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

  close(): void { this.closed = true; clearTimeout(this.rest); this.chunks.clear(); this.board = null; }

  private pump(): void {
    if (this.closed || !this.want) return;
    const want = this.want;
    const per = this.info.chunkFrames;
    const c = this.chunkOf(want);
    const chunk = this.chunks.get(c);
    if (chunk) {
      this.chunks.delete(c); this.chunks.set(c, chunk); // most recently used
      if (!this.decoding && want !== this.done) void this.show(want, chunk.blob, chunk.frames[(want - 1) % per]);
    } else if (!this.decoding) {
      const near = this.standIn(want, c);
      if (near && near.frame !== this.done) void this.show(near.frame, near.blob, near.at);
    }
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

  /** The frame nearest to `want` (in chunk `c`, not here) that can be shown now: from the storyboard or a chunk at most NEAR away. */
  private standIn(want: number, c: number): Here | null {
    let best: Here | null = null;
    const b = this.board;
    if (b) {
      const j = Math.max(0, Math.min(b.frames.length - 1, Math.round((want - 1) / b.step)));
      best = { frame: j * b.step + 1, blob: b.blob, at: b.frames[j] };
    }
    const per = this.info.chunkFrames;
    for (let d = 1; d <= NEAR; d++) {
      if (best && Math.abs(best.frame - want) <= (d - 1) * per) break; // no chunk this far can be nearer
      for (const n of [c - d, c + d]) {
        const got = this.chunks.get(n);
        if (!got) continue;
        const f = Math.min(Math.max(want, n * per + 1), Math.min(this.info.frames, (n + 1) * per));
        if (!best || Math.abs(f - want) < Math.abs(best.frame - want)) best = { frame: f, blob: got.blob, at: got.frames[(f - 1) % per] };
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
      this.chunks.set(c, { blob: new Blob([bytes], { type: 'image/jpeg' }), frames });
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

  private async show(frame: number, blob: Blob, f: { start: number; end: number } | undefined): Promise<void> {
    if (!f) return;
    this.decoding = true;
    try {
      const picture = await this.decode(blob.slice(f.start, f.end, 'image/jpeg'));
      if (this.closed) picture.close(); else { this.done = frame; this.onFrame(frame, picture); }
    } catch { /* undecodable: skipped */ } finally {
      this.decoding = false;
    }
    // Asked for another frame while this one decoded: that one next.
    if (this.want !== frame) this.pump();
  }
}
