import { describe, expect, it } from 'vitest';
import { ScrubFrames, mediaOf, splitChunk } from './scrub';

/** A chunk as the server writes it: "YZSP", n, n lengths, the images (here one byte each: the frame's number). */
function chunk(first: number, n: number): ArrayBuffer {
  const b = new Uint8Array(8 + 4 * n + n);
  const v = new DataView(b.buffer);
  b.set([0x59, 0x5a, 0x53, 0x50]);
  v.setInt32(4, n, true);
  for (let i = 0; i < n; i++) { v.setInt32(8 + 4 * i, 1, true); b[8 + 4 * n + i] = first + i; }
  return b.buffer;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('scrub proxy', () => {
  it('reads the project and name of a media URL, and nothing else', () => {
    expect(mediaOf('/api/projects/12/media/clips/%E8%A7%86%E9%A2%91.mp4')).toEqual({ projectId: 12, name: 'clips/视频.mp4' });
    expect(mediaOf('http://host/api/projects/3/media/a.mp4?x=1')).toEqual({ projectId: 3, name: 'a.mp4' });
    expect(mediaOf('https://cdn.example.com/video.mp4')).toBeNull();
    expect(mediaOf('/api/projects/x/media/a.mp4')).toBeNull();
  });

  it('splits a chunk into its frames and refuses what is not one', () => {
    expect(splitChunk(chunk(1, 3))).toEqual([{ start: 20, end: 21 }, { start: 21, end: 22 }, { start: 22, end: 23 }]);
    expect(splitChunk(new TextEncoder().encode('not a chunk at all').buffer)).toBeNull();
    const short = chunk(1, 3).slice(0, 22);
    expect(splitChunk(short)).toBeNull();
  });

  it('shows the frame asked for, from its chunk, and the newest ask wins', async () => {
    const loads: string[] = [];
    const shown: number[] = [];
    const frames = new ScrubFrames({ frames: 40, chunkFrames: 16, chunkUrl: '/c/' },
      (url) => { loads.push(url); const c = Number(url.slice(3)); return Promise.resolve(chunk(c * 16 + 1, Math.min(16, 40 - c * 16))); },
      async (blob) => ({ frame: new Uint8Array(await blob.arrayBuffer())[0], close() {} }) as unknown as ImageBitmap);
    frames.onFrame = (f, p) => { expect((p as unknown as { frame: number }).frame).toBe(f); shown.push(f); };
    frames.ask(5);
    frames.ask(20); // before chunk 0 came: frame 5 is never shown
    for (let i = 0; i < 10; i++) await tick();
    expect(shown).toEqual([20]);
    expect(loads).toContain('/c/0');
    expect(loads).toContain('/c/1');
    frames.ask(40);
    frames.ask(41); // past the proxy: ignored
    for (let i = 0; i < 10; i++) await tick();
    expect(shown).toEqual([20, 40]);
    frames.ask(40);
    for (let i = 0; i < 5; i++) await tick();
    expect(shown).toEqual([20, 40]); // shown already: not decoded again
  });
});
