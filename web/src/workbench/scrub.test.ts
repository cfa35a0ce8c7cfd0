import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScrubFrames, mediaOf, splitChunk, splitStoryboard } from './scrub';

/** A chunk as the server writes it: "YZSP", n, n lengths, the images (here two bytes each: the frame's number). */
function pack(numbers: number[]): Uint8Array {
  const n = numbers.length;
  const b = new Uint8Array(8 + 4 * n + 2 * n);
  const v = new DataView(b.buffer);
  b.set([0x59, 0x5a, 0x53, 0x50]);
  v.setInt32(4, n, true);
  numbers.forEach((f, i) => { v.setInt32(8 + 4 * i, 2, true); v.setUint16(8 + 4 * n + 2 * i, f, true); });
  return b;
}

function chunk(first: number, n: number): ArrayBuffer {
  return pack(Array.from({ length: n }, (_, i) => first + i)).buffer as ArrayBuffer;
}

/** A storyboard as the server writes it: "YZSB", the step, then a chunk of frames 1, 1 + step… up to `frames`. */
function storyboard(step: number, frames: number): ArrayBuffer {
  const body = pack(Array.from({ length: Math.ceil(frames / step) }, (_, j) => j * step + 1));
  const b = new Uint8Array(8 + body.length);
  b.set([0x59, 0x5a, 0x53, 0x42]);
  new DataView(b.buffer).setInt32(4, step, true);
  b.set(body, 8);
  return b.buffer;
}

/** The test's "decoder": a picture that knows the frame number its image holds. */
const decode = (jpeg: Uint8Array) => Promise.resolve({ frame: new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength).getUint16(0, true), close() {} } as unknown as ImageBitmap);

// setImmediate: the tests that move the clock fake setTimeout (the rest timer), never this.
const tick = () => new Promise((r) => setImmediate(r));
const ticks = async (n = 10) => { for (let i = 0; i < n; i++) await tick(); };

/** A load that answers when the test says so. */
function slowLoads(answer: (url: string) => ArrayBuffer) {
  const asked: string[] = [];
  const pending = new Map<string, () => void>();
  const load = (url: string) => new Promise<ArrayBuffer>((done) => { asked.push(url); pending.set(url, () => done(answer(url))); });
  const release = (url: string) => { pending.get(url)!(); pending.delete(url); };
  return { asked, pending, load, release };
}

/** The clock of the tests where speed matters: performance.now and the timers, moved by the test alone. */
function clock() {
  let now = 1000;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  return { step: (ms: number) => { now += ms; vi.advanceTimersByTime(ms); } };
}

afterEach(() => { vi.useRealTimers(); vi.restoreAllMocks(); });

describe('scrub proxy', () => {
  it('reads the project and name of a media URL, and nothing else', () => {
    expect(mediaOf('/api/projects/12/media/clips/%E8%A7%86%E9%A2%91.mp4')).toEqual({ projectId: 12, name: 'clips/视频.mp4' });
    expect(mediaOf('http://host/api/projects/3/media/a.mp4?x=1')).toEqual({ projectId: 3, name: 'a.mp4' });
    expect(mediaOf('https://cdn.example.com/video.mp4')).toBeNull();
    expect(mediaOf('/api/projects/x/media/a.mp4')).toBeNull();
  });

  it('splits a chunk into its frames and refuses what is not one', () => {
    expect(splitChunk(chunk(1, 3))).toEqual([{ start: 20, end: 22 }, { start: 22, end: 24 }, { start: 24, end: 26 }]);
    expect(splitChunk(new TextEncoder().encode('not a chunk at all').buffer)).toBeNull();
    const short = chunk(1, 3).slice(0, 24);
    expect(splitChunk(short)).toBeNull();
  });

  it('reads a storyboard’s step and frames, and refuses a chunk or a step under 1', () => {
    const b = splitStoryboard(storyboard(32, 100))!;
    expect(b.step).toBe(32);
    expect(b.frames).toEqual([{ start: 32, end: 34 }, { start: 34, end: 36 }, { start: 36, end: 38 }, { start: 38, end: 40 }]);
    expect(splitStoryboard(chunk(1, 3))).toBeNull();
    const zero = storyboard(32, 100);
    new DataView(zero).setInt32(4, 0, true);
    expect(splitStoryboard(zero)).toBeNull();
  });

  it('shows the frame asked for, from its chunk, and the newest ask wins', async () => {
    const loads: string[] = [];
    const shown: number[] = [];
    const frames = new ScrubFrames({ frames: 40, chunkFrames: 16, chunkUrl: '/c/' },
      (url) => { loads.push(url); const c = Number(url.slice(3)); return Promise.resolve(chunk(c * 16 + 1, Math.min(16, 40 - c * 16))); },
      decode);
    frames.onFrame = (f, p) => { expect((p as unknown as { frame: number }).frame).toBe(f); shown.push(f); };
    frames.ask(5);
    frames.ask(20); // before chunk 0 came: frame 5 is never shown; 16, chunk 0's nearest to 20, may be while chunk 1 is on its way
    for (let i = 0; i < 10; i++) await tick();
    expect(shown.at(-1)).toBe(20);
    expect(shown.every((f) => f === 16 || f === 20)).toBe(true);
    expect(loads).toContain('/c/0');
    expect(loads).toContain('/c/1');
    shown.length = 0;
    frames.ask(40);
    frames.ask(41); // past the proxy: ignored
    for (let i = 0; i < 10; i++) await tick();
    expect(shown.at(-1)).toBe(40);
    const before = shown.length;
    frames.ask(40);
    for (let i = 0; i < 5; i++) await tick();
    expect(shown.length).toBe(before); // shown already: not decoded again
  });

  it('while the pointer’s chunk cannot be had, shows the nearest frame fetched, never one far off, and asks again only after a while', async () => {
    const shown: number[] = [];
    const loads: string[] = [];
    const frames = new ScrubFrames({ frames: 400, chunkFrames: 16, chunkUrl: '/c/' },
      (url) => { loads.push(url); const c = Number(url.slice(3)); return c === 0 ? Promise.resolve(chunk(1, 16)) : Promise.reject(new Error('slow')); },
      decode);
    frames.onFrame = (f) => { shown.push(f); };
    frames.ask(3);
    for (let i = 0; i < 10; i++) await tick();
    expect(shown).toEqual([3]);
    frames.ask(40); // chunk 2: never comes; chunk 0 is 2 away
    for (let i = 0; i < 10; i++) await tick();
    expect(shown).toEqual([3, 16]);
    frames.ask(300); // chunk 18: nothing fetched near it
    for (let i = 0; i < 10; i++) await tick();
    expect(shown).toEqual([3, 16]);
    expect(loads.filter((u) => u === '/c/2')).toHaveLength(1); // a failed chunk is not fetched again at once, without end
    frames.close();
  });

  it('in a fast drag shows the storyboard’s frame nearest the pointer, each with its number, and fetches one chunk ahead at a time', async () => {
    const time = clock();
    const shown: number[] = [];
    const net = slowLoads((url) => url === '/s' ? storyboard(32, 400) : chunk(Number(url.slice(3)) * 16 + 1, 16));
    const frames = new ScrubFrames({ frames: 400, chunkFrames: 16, chunkUrl: '/c/', storyboardUrl: '/s' }, net.load, decode);
    frames.onFrame = (f, p) => { expect((p as unknown as { frame: number }).frame).toBe(f); shown.push(f); };
    expect(net.asked).toEqual(['/s']); // loaded with the proxy, before any drag
    net.release('/s');
    await ticks();

    frames.ask(10); // at rest: its own chunk and the next are fetched; the storyboard's frame 1 meanwhile
    await ticks();
    expect(shown).toEqual([1]);
    expect(net.asked).toEqual(['/s', '/c/0', '/c/1']);
    time.step(16); frames.ask(110); // 100 frames in 16 ms: ~6 chunks in a fetch's time
    await ticks();
    time.step(16); frames.ask(210);
    await ticks();
    // round((110 − 1) / 32) = 3 → 97; round(209 / 32) = 7 → 225: each within the ask, from the storyboard's decoded frames.
    expect(shown).toEqual([1, 97, 225]);
    expect(net.asked).toEqual(['/s', '/c/0', '/c/1']); // chunks 6 and 13 would come after the pointer left
    net.release('/c/0'); net.release('/c/1');
    await ticks();
    // Ahead by the pointer's speed (~4.7 frames/ms × 150 ms past 210: the last chunk), alone.
    expect(net.asked).toEqual(['/s', '/c/0', '/c/1', '/c/24']);
    time.step(16); frames.ask(260);
    await ticks();
    expect(net.asked).toHaveLength(4); // one ahead at a time
    expect(shown.at(-1)).toBe(257);

    // The pointer rests: its own chunk comes, and its own frame.
    time.step(150);
    await ticks();
    expect(net.asked).toContain('/c/16');
    net.release('/c/16');
    await ticks();
    expect(shown.at(-1)).toBe(260);
    frames.close();
  });

  it('prefers a fetched chunk’s frame to the storyboard’s when it is nearer, and the pointer’s own frame to both', async () => {
    const shown: number[] = [];
    const net = slowLoads((url) => url === '/s' ? storyboard(32, 400) : chunk(Number(url.slice(3)) * 16 + 1, 16));
    const frames = new ScrubFrames({ frames: 400, chunkFrames: 16, chunkUrl: '/c/', storyboardUrl: '/s' }, net.load, decode);
    frames.onFrame = (f) => { shown.push(f); };
    net.release('/s');
    await ticks();
    frames.ask(40, true); // chunk 2 (frames 33–48) and the next, chunk 3
    await ticks();
    expect(net.asked).toEqual(['/s', '/c/2', '/c/3']);
    net.release('/c/2');
    await ticks();
    frames.ask(50, true); // chunk 3 on its way: the storyboard has 65 (15 off), chunk 2 has 48 (2 off)
    await ticks();
    net.release('/c/3');
    await ticks();
    expect(shown).toEqual([33, 40, 48, 50]);
    frames.close();
  });

  it('a release asks for its frame at rest: its chunk is fetched whatever the speed before', async () => {
    const time = clock();
    const net = slowLoads((url) => url === '/s' ? storyboard(32, 400) : chunk(Number(url.slice(3)) * 16 + 1, 16));
    const frames = new ScrubFrames({ frames: 400, chunkFrames: 16, chunkUrl: '/c/', storyboardUrl: '/s' }, net.load, decode);
    net.release('/s');
    await ticks();
    frames.ask(1);
    time.step(16); frames.ask(150);
    time.step(16); frames.ask(300);
    await ticks();
    expect(net.asked).not.toContain('/c/18');
    time.step(16); frames.ask(300, true);
    await ticks();
    expect(net.asked).toContain('/c/18');
    frames.close();
  });
  it('answers an ask within the call with the decoded storyboard frame nearest the pointer, then its own frame once decoded', async () => {
    clock(); // no time passes between the asks: the pointer is taken to be at rest, and its chunks are fetched
    const shown: number[] = [];
    const net = slowLoads((url) => url === '/s' ? storyboard(32, 400) : chunk(Number(url.slice(3)) * 16 + 1, 16));
    const frames = new ScrubFrames({ frames: 400, chunkFrames: 16, chunkUrl: '/c/', storyboardUrl: '/s' }, net.load, decode);
    frames.onFrame = (f, p) => { expect((p as unknown as { frame: number }).frame).toBe(f); shown.push(f); };
    net.release('/s');
    await ticks(); // the storyboard's first frames are decoded before any ask
    frames.ask(60);
    expect(shown).toEqual([65]); // round(59 / 32) = 2 → 65, before anything else runs
    frames.ask(100);
    expect(shown).toEqual([65, 97]);
    net.release('/c/3'); net.release('/c/4');
    await ticks();
    expect(shown).toEqual([65, 97]); // chunks 3 and 4 (frames 49–80) came, but the pointer is at 100: 80 is no nearer than 97
    net.release('/c/6'); // the pointer's own chunk (97–112)
    await ticks();
    expect(shown).toEqual([65, 97, 100]);
    frames.close();
  });

  it('shows a frame decoded after the pointer moved on only when it is nearer than the frame on show', async () => {
    const shown: number[] = [];
    let finish: (() => void) | undefined;
    const slowDecode = (jpeg: Uint8Array) => new Promise<ImageBitmap>((done) => { void decode(jpeg).then((p) => { finish = () => done(p); }); });
    const frames = new ScrubFrames({ frames: 400, chunkFrames: 16, chunkUrl: '/c/' },
      (url) => Promise.resolve(chunk(Number(url.slice(3)) * 16 + 1, 16)), slowDecode);
    frames.onFrame = (f) => { shown.push(f); };
    frames.ask(5, true);
    await ticks();
    finish!();
    await ticks();
    expect(shown).toEqual([5]);
    frames.ask(200, true); // frame 200's chunk comes at once; its decode waits
    await ticks();
    frames.ask(6, true); // back beside frame 5, on show: 200 is farther
    finish!();
    await ticks();
    expect(shown).toEqual([5]);
    finish!(); // then 6 itself
    await ticks();
    expect(shown).toEqual([5, 6]);
    frames.close();
  });

  it('keeps storyboard frames decoded around and ahead of a drag, at most 64, and closes the ones it drops and all on close', async () => {
    const time = clock();
    const open = new Set<number>();
    let closed = 0;
    const counted = async (jpeg: Uint8Array) => {
      await tick();
      const frame = new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength).getUint16(0, true);
      open.add(frame);
      return { frame, close() { open.delete(frame); closed++; } } as unknown as ImageBitmap;
    };
    // 15,000 frames, every 32nd in the storyboard (469 frames); chunks never come.
    const frames = new ScrubFrames({ frames: 15000, chunkFrames: 16, chunkUrl: '/c/', storyboardUrl: '/s' },
      (url) => url === '/s' ? Promise.resolve(storyboard(32, 15000)) : new Promise<ArrayBuffer>(() => {}), counted);
    const shown: number[] = [];
    frames.onFrame = (f) => { shown.push(f); };
    await ticks(30);
    expect([...open].sort((a, b) => a - b)).toEqual([1, 33, 65, 97, 129]); // the first frames, before any ask
    // A drag at 25 frames per 16 ms, one ask per animation frame: most asks get a new storyboard frame within the call.
    let f = 1;
    let within = 0;
    for (let i = 0; i < 300; i++) {
      time.step(16); f += 25;
      const before = shown.length;
      frames.ask(f);
      if (shown.length > before) { within++; expect(Math.abs(shown.at(-1)! - f)).toBeLessThanOrEqual(16); }
      await ticks(4);
    }
    expect(within).toBeGreaterThan(200); // 300 asks pass ~234 storyboard frames
    expect(open.size).toBeLessThanOrEqual(64);
    expect(closed).toBeGreaterThan(0);
    frames.close();
    await ticks();
    expect(open.size).toBe(0);
  });
});
