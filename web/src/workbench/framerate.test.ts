import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mp4FrameRate, readFrameRate, webmFrameRate } from './framerate';

// MP4 boxes made by hand, byte for byte as the format has them: size, type, body.
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const box = (type: string, ...body: number[][]) => { const b = body.flat(); return [...u32(8 + b.length), ...ascii(type), ...b]; };
const full = (version: number) => [version, 0, 0, 0];
/** A `trak` of handler `kind` whose samples are `runs` of [count, delta] at `scale` ticks a second. */
function trak(kind: string, scale: number, runs: [number, number][], version = 0) {
  const times = version === 1 ? [...u32(0), ...u32(0), ...u32(0), ...u32(0)] : [...u32(0), ...u32(0)];
  const mdhd = box('mdhd', full(version), times, u32(scale), version === 1 ? [...u32(0), ...u32(1000)] : u32(1000), [0x55, 0xc4, 0, 0]);
  const hdlr = box('hdlr', full(0), u32(0), ascii(kind), u32(0), u32(0), u32(0), [0]);
  const stts = box('stts', full(0), u32(runs.length), runs.flatMap(([c, d]) => [...u32(c), ...u32(d)]));
  return box('trak', box('tkhd', full(0), new Array<number>(80).fill(0)), box('mdia', mdhd, hdlr, box('minf', box('stbl', stts))));
}
const ftyp = box('ftyp', ascii('isom'), u32(512), ascii('isomavc1'));
const reader = (b: Uint8Array) => (start: number, end: number) => Promise.resolve(b.subarray(start, end));

describe('frame rate from the file', () => {
  it('reads a WebM video track’s default duration (the e2e clip, made at 25 fps)', async () => {
    const clip = new Uint8Array(readFileSync(join(__dirname, '..', '..', 'e2e', 'media', 'clip.webm')));
    expect(webmFrameRate(clip)).toBe(25);
    expect(await readFrameRate(reader(clip))).toBe(25);
  });

  it('reads an MP4 video track’s time scale over its sample durations, after an audio track', async () => {
    const moov = box('moov', trak('soun', 48000, [[100, 1024]]), trak('vide', 12800, [[15000, 512]]));
    expect(mp4FrameRate(new Uint8Array(moov))).toBe(25);
    const file = new Uint8Array([...ftyp, ...moov, ...box('mdat', new Array<number>(1000).fill(7))]);
    expect(await readFrameRate(reader(file))).toBe(25);
  });

  it('keeps NTSC rates (30000/1001) and averages uneven sample durations', () => {
    expect(mp4FrameRate(new Uint8Array(box('moov', trak('vide', 30000, [[300, 1001]]))))).toBe(29.97);
    // 10 frames of 40 ms and 10 of 20 ms: 20 frames in 0.6 s.
    expect(mp4FrameRate(new Uint8Array(box('moov', trak('vide', 1000, [[10, 40], [10, 20]], 1))))).toBe(33.333);
  });

  it('finds the moov after the media data, as cameras write it, reading little of the file', async () => {
    const mdat = box('mdat', new Array<number>(300_000).fill(1));
    const file = new Uint8Array([...ftyp, ...box('free', [0, 0]), ...mdat, ...box('moov', trak('vide', 90000, [[50, 3000]]))]);
    let read = 0;
    const counting = (start: number, end: number) => { read += Math.min(end, file.length) - start; return reader(file)(start, end); };
    expect(await readFrameRate(counting)).toBe(30);
    expect(read).toBeLessThan(200_000);
  });

  it('answers null for a file that does not say (no video track, not a video, cut short)', async () => {
    expect(mp4FrameRate(new Uint8Array(box('moov', trak('soun', 48000, [[100, 1024]]))))).toBeNull();
    expect(await readFrameRate(reader(new Uint8Array(ascii('not a video at all'))))).toBeNull();
    const moov = box('moov', trak('vide', 12800, [[15000, 512]]));
    expect(await readFrameRate(reader(new Uint8Array([...ftyp, ...moov.slice(0, 60)])))).toBeNull();
  });
});
