import { describe, expect, it } from 'vitest';
import type { Track } from '../lib/schema';
import { boxAt, frameAt, setKeyframe, timeOf, toggleFrom } from './tracks';

const track = (seq: Track['sequence'], framesCount?: number): Track => ({ id: 't1', label: 'Car', sequence: seq, framesCount });

describe('tracks', () => {
  it('moves the box linearly between keyframes', () => {
    let t = track([]);
    t = setKeyframe(t, 1, { x: 10, y: 20, width: 30, height: 10 }, 25);
    t = setKeyframe(t, 31, { x: 40, y: 50, width: 10, height: 10 }, 25);
    expect(boxAt(t, 16)).toEqual({ x: 25, y: 35, width: 20, height: 10 });
    expect(boxAt(t, 0)).toBeNull();
    expect(t.sequence.map((k) => k.frame)).toEqual([1, 31]);
    expect(t.sequence[1]!.time).toBe(1.2);
  });

  it('keeps keyframes in order and replaces one at the same frame', () => {
    let t = track([]);
    t = setKeyframe(t, 20, { x: 1, y: 1, width: 5, height: 5 }, 25);
    t = setKeyframe(t, 5, { x: 2, y: 1, width: 5, height: 5 }, 25);
    t = setKeyframe(t, 20, { x: 3, y: 1, width: 5, height: 5 }, 25);
    expect(t.sequence.map((k) => [k.frame, k.x])).toEqual([[5, 2], [20, 3]]);
  });

  it('turns a box off until the next keyframe and holds the last one to the end', () => {
    let t = track([], 100);
    t = setKeyframe(t, 1, { x: 1, y: 1, width: 5, height: 5 }, 25);
    t = toggleFrom(t, 10, 25);
    expect(boxAt(t, 10)).not.toBeNull();
    expect(boxAt(t, 11)).toBeNull();
    expect(boxAt(t, 9)).not.toBeNull();
    t = toggleFrom(t, 50, 25);
    expect(boxAt(t, 100)).not.toBeNull();
    expect(boxAt(t, 101)).toBeNull();
  });

  it('maps time to frames from 1 and back to the middle of the frame', () => {
    expect(frameAt(0, 25)).toBe(1);
    expect(frameAt(timeOf(31, 25), 25)).toBe(31);
    expect(frameAt(1.2, 25)).toBe(31);
  });
});
