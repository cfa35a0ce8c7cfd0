// A video's frame rate from its own header, so frame numbers match the file's frames (the browser
// does not tell it). Pure parsers over bytes, and a reader that fetches only the bytes they need:
// MP4/MOV (the video track's `mdhd` time scale over its `stts` sample durations) and WebM/Matroska
// (the video track's DefaultDuration). Anything else, or a header without the figure: null.

/** Reads bytes [start, end) of the file; may answer fewer at its end. */
export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

const HEAD = 64 * 1024;
const MAX_MOOV = 32 * 1024 * 1024;

/** Frames per second rounded to 1/1000 (29.97 stays 29.97), or null when not a sane rate. */
function rate(fps: number): number | null {
  return Number.isFinite(fps) && fps >= 1 && fps <= 1000 ? Math.round(fps * 1000) / 1000 : null;
}

const type4 = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/** The boxes in b[from, to): [type, start of body, end]. A box running past `to` ends the walk. */
function* boxes(b: Uint8Array, from: number, to: number): Generator<[string, number, number]> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = from;
  while (at + 8 <= to) {
    let size = v.getUint32(at);
    let body = at + 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = Number(v.getBigUint64(at + 8));
      body = at + 16;
    } else if (size === 0) size = to - at;
    if (size < body - at || at + size > to) return;
    yield [type4(b, at + 4), body, at + size];
    at += size;
  }
}

/** The frame rate of the first video track in an MP4 `moov` box's bytes (the whole box, header included). */
export function mp4FrameRate(moov: Uint8Array): number | null {
  const v = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  const child = (from: number, to: number, name: string) => { for (const [t, s, e] of boxes(moov, from, to)) if (t === name) return [s, e] as const; return null; };
  const top = child(0, moov.length, 'moov');
  if (!top) return null;
  for (const [t, s, e] of boxes(moov, top[0], top[1])) {
    if (t !== 'trak') continue;
    const mdia = child(s, e, 'mdia');
    const hdlr = mdia && child(mdia[0], mdia[1], 'hdlr');
    if (!mdia || !hdlr || hdlr[0] + 12 > hdlr[1] || type4(moov, hdlr[0] + 8) !== 'vide') continue;
    const mdhd = child(mdia[0], mdia[1], 'mdhd');
    if (!mdhd) return null;
    const scaleAt = mdhd[0] + (moov[mdhd[0]] === 1 ? 20 : 12);
    if (scaleAt + 4 > mdhd[1]) return null;
    const scale = v.getUint32(scaleAt);
    const minf = child(mdia[0], mdia[1], 'minf');
    const stbl = minf && child(minf[0], minf[1], 'stbl');
    const stts = stbl && child(stbl[0], stbl[1], 'stts');
    if (!stts || stts[0] + 8 > stts[1]) return null;
    const n = v.getUint32(stts[0] + 4);
    let frames = 0; let ticks = 0;
    for (let i = 0, at = stts[0] + 8; i < n && at + 8 <= stts[1]; i++, at += 8) {
      const count = v.getUint32(at); const delta = v.getUint32(at + 4);
      frames += count; ticks += count * delta;
    }
    return ticks > 0 ? rate((scale * frames) / ticks) : null;
  }
  return null;
}

/** An EBML variable-length number at `at`: [value, length], the length marker removed; value -1 for "unknown size". */
function vint(b: Uint8Array, at: number, keepMarker = false): [number, number] | null {
  const first = b[at];
  if (first === undefined || first === 0) return null;
  const len = Math.clz32(first) - 23;
  if (at + len > b.length) return null;
  let value = keepMarker ? first : first & (0xff >> len);
  let allOnes = value === (0xff >> len);
  for (let i = 1; i < len; i++) { value = value * 256 + b[at + i]!; allOnes &&= b[at + i] === 0xff; }
  return [!keepMarker && allOnes ? -1 : value, len];
}

const SEGMENT = 0x18538067; const TRACKS = 0x1654ae6b; const TRACK_ENTRY = 0xae; const TRACK_TYPE = 0x83; const DEFAULT_DURATION = 0x23e383; const CLUSTER = 0x1f43b675;

/** The frame rate of the first video track in the first bytes of a WebM/Matroska file (its Tracks come before the first Cluster). */
export function webmFrameRate(b: Uint8Array): number | null {
  // Walks the elements in b[from, to), descending into Segment, Tracks and each TrackEntry.
  const walk = (from: number, to: number, entry: { type?: number; dd?: number } | null): number | null => {
    let at = from;
    while (at < to) {
      const id = vint(b, at, true); if (!id) return null;
      const size = vint(b, at + id[1]); if (!size) return null;
      const body = at + id[1] + size[1];
      const end = size[0] < 0 ? to : Math.min(to, body + size[0]);
      if (id[0] === CLUSTER) return null;
      if (id[0] === SEGMENT || id[0] === TRACKS) { const r = walk(body, end, null); if (r !== null || id[0] === TRACKS) return r; }
      else if (id[0] === TRACK_ENTRY) {
        const e: { type?: number; dd?: number } = {};
        walk(body, end, e);
        if (e.type === 1) return e.dd ? rate(1e9 / e.dd) : null;
      } else if (entry && (id[0] === TRACK_TYPE || id[0] === DEFAULT_DURATION)) {
        let n = 0;
        for (let i = body; i < end; i++) n = n * 256 + b[i]!;
        if (id[0] === TRACK_TYPE) entry.type = n; else entry.dd = n;
      }
      if (size[0] < 0) return null;
      at = body + size[0];
    }
    return null;
  };
  return vint(b, 0, true)?.[0] === 0x1a45dfa3 ? walk(0, b.length, null) : null;
}

/**
 * The file's frame rate, reading its first 64 KiB and, for an MP4 whose `moov` comes after the media
 * (as cameras write them), the `moov` box itself wherever it is. Null when the header does not say.
 */
export async function readFrameRate(read: ReadRange): Promise<number | null> {
  let b = await read(0, HEAD);
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return webmFrameRate(b);
  if (b.length < 12 || type4(b, 4) !== 'ftyp') return null;
  // Top-level boxes, hopping over the media data by its size until `moov`.
  let offset = 0;
  for (let hops = 0; hops < 16; hops++) {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (b.length < 8) return null;
    let size = v.getUint32(0);
    if (size === 1) { if (b.length < 16) return null; size = Number(v.getBigUint64(8)); }
    if (size === 0 || size < 8) return type4(b, 4) === 'moov' && size === 0 ? mp4FrameRate(b) : null;
    if (type4(b, 4) === 'moov') {
      if (size > MAX_MOOV) return null;
      return mp4FrameRate(b.length >= size ? b.subarray(0, size) : await read(offset, offset + size));
    }
    offset += size;
    b = size + 16 <= b.length ? b.subarray(size) : await read(offset, offset + HEAD);
  }
  return null;
}

/** Reads a URL's bytes by HTTP range (the media routes answer ranges). */
export function rangeReader(src: string): ReadRange {
  return async (start, end) => {
    const r = await fetch(src, { credentials: 'same-origin', headers: { Range: `bytes=${start}-${end - 1}` } });
    if (!r.ok) throw new Error(`${r.status}`);
    const all = new Uint8Array(await r.arrayBuffer());
    // A server that ignores Range answers 200 with the whole file.
    return r.status === 200 ? all.subarray(start, end) : all;
  };
}
