// A video's scrub proxy (issue 17): the server's small JPEG frames in chunks, so a drag along the
// timeline draws frames without seeking the video (a 1080p seek decodes in software for 77–250 ms;
// docs/benchmarks.md). Chunks are fetched around the pointer, newest ask first, and kept compressed;
// a frame is decoded with createImageBitmap, off the main thread, only when it is to be shown.

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
}

/** The project and media name a project media URL (`/api/projects/{id}/media/{name}`) names, else null. */
export function mediaOf(src: string): { projectId: number; name: string } | null {
  let path: string;
  try { path = new URL(src, 'http://x').pathname; } catch { return null; }
  const m = /^\/api\/projects\/(\d+)\/media\/(.+)$/.exec(path);
  if (!m) return null;
  try { return { projectId: Number(m[1]), name: decodeURIComponent(m[2]!) }; } catch { return null; }
}

/** The JPEG frames of one chunk: "YZSP", n, n lengths (32-bit little-endian), then the n images. Null when the bytes are not a chunk. */
export function splitChunk(bytes: ArrayBuffer): { start: number; end: number }[] | null {
  if (bytes.byteLength < 8) return null;
  const v = new DataView(bytes);
  if (v.getUint32(0) !== 0x595a5350) return null; // "YZSP"
  const n = v.getInt32(4, true);
  if (n < 0 || 8 + 4 * n > bytes.byteLength) return null;
  const out: { start: number; end: number }[] = [];
  let at = 8 + 4 * n;
  for (let i = 0; i < n; i++) {
    const len = v.getInt32(8 + 4 * i, true);
    if (len <= 0 || at + len > bytes.byteLength) return null;
    out.push({ start: at, end: at + len });
    at += len;
  }
  return out;
}

interface Chunk { blob: Blob; frames: { start: number; end: number }[] }

/** Frames of a ready proxy: `frame` counts from 1 as the view does (proxy image k is frame k + 1). */
export class ScrubFrames {
  private readonly chunks = new Map<number, Chunk>(); // least recently used first
  private readonly loading = new Set<number>();
  private want = 0;
  private direction = 1;
  private decoding = false;
  private done = 0; // the last frame handed to onFrame
  private closed = false;
  /** Called with each frame decoded for the newest ask; the receiver owns (and closes) the bitmap. */
  onFrame: (frame: number, picture: ImageBitmap) => void = (_, p) => p.close();

  constructor(
    readonly info: { frames: number; chunkFrames: number; chunkUrl: string },
    private readonly load: (url: string) => Promise<ArrayBuffer> = (url) => fetch(url, { credentials: 'same-origin' }).then((r) => {
      if (!r.ok) throw new Error(`${r.status}`);
      return r.arrayBuffer();
    }),
    private readonly decode: (blob: Blob) => Promise<ImageBitmap> = (blob) => createImageBitmap(blob),
    // Compressed chunks kept: 16 frames of ~10 KB each, so ~40 MB at most.
    private readonly maxChunks = 256,
    private readonly maxLoads = 4,
  ) {}

  /** Whether the proxy holds `frame`. */
  covers(frame: number): boolean { return frame >= 1 && frame <= this.info.frames; }

  chunkOf(frame: number): number { return Math.floor((frame - 1) / this.info.chunkFrames); }

  /** Asks for `frame`: the newest ask wins; `onFrame` hears it (or a later ask) once decoded. */
  ask(frame: number): void {
    if (this.closed || !this.covers(frame)) return;
    if (this.want) this.direction = frame >= this.want ? 1 : -1;
    this.want = frame;
    this.pump();
  }

  close(): void { this.closed = true; this.chunks.clear(); }

  private pump(): void {
    if (this.closed || !this.want) return;
    const c = this.chunkOf(this.want);
    const chunk = this.chunks.get(c);
    if (chunk) {
      this.chunks.delete(c); this.chunks.set(c, chunk); // most recently used
      if (!this.decoding && this.want !== this.done) void this.show(this.want, chunk);
    } else this.fetch(c);
    // The next chunk in the direction of the drag, while a load is free.
    const next = c + this.direction;
    if (next >= 0 && next * this.info.chunkFrames < this.info.frames && !this.chunks.has(next)) this.fetch(next);
  }

  private fetch(c: number): void {
    if (this.loading.has(c) || this.loading.size >= this.maxLoads) return;
    this.loading.add(c);
    this.load(this.info.chunkUrl + c).then((bytes) => {
      const frames = splitChunk(bytes);
      if (!frames) throw new Error('not a scrub chunk');
      this.chunks.set(c, { blob: new Blob([bytes], { type: 'image/jpeg' }), frames });
      while (this.chunks.size > this.maxChunks) this.chunks.delete(this.chunks.keys().next().value!);
    }).catch(() => { /* a chunk that cannot be had: the drag shows the frames it has */ }).finally(() => {
      this.loading.delete(c);
      this.pump();
    });
  }

  private async show(frame: number, chunk: Chunk): Promise<void> {
    const f = chunk.frames[(frame - 1) % this.info.chunkFrames];
    if (!f) return;
    this.decoding = true;
    try {
      const picture = await this.decode(chunk.blob.slice(f.start, f.end, 'image/jpeg'));
      if (this.closed) picture.close(); else { this.done = frame; this.onFrame(frame, picture); }
    } catch { /* undecodable: skipped */ } finally {
      this.decoding = false;
    }
    // Asked for another frame while this one decoded: that one next.
    if (this.want !== frame) this.pump();
  }
}
