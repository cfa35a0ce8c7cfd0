// Tracked boxes on a video as a pure module (no DOM, no React): where a track's box is at a frame,
// and the edits that add or move a keyframe. The same rules as the server's TrackMetrics
// (Schema/Controls/Tracks.cs): frames count from 1; between two keyframes the box moves linearly;
// after a keyframe with `enabled: false` the box is off until the next keyframe; the last keyframe,
// when enabled, holds the box to the end of the video.

import type { Keyframe, Track } from '../lib/schema';

export const DEFAULT_FPS = 25;

/** A box at one frame, in percent of the frame. */
export interface FrameBox { x: number; y: number; width: number; height: number }

/** The 1-based frame shown at `time` seconds. */
export function frameAt(time: number, fps: number): number {
  return Math.floor(time * fps + 1e-6) + 1;
}

/** The time at the middle of a frame, so that seeking there shows that frame and no other. */
export function timeOf(frame: number, fps: number): number {
  return (frame - 1 + 0.5) / fps;
}

/** Index of the last keyframe at or before `frame`; -1 when none is. Binary search: tracks can be long. */
export function keyIndex(seq: Keyframe[], frame: number): number {
  let lo = 0; let hi = seq.length - 1; let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (seq[mid]!.frame <= frame) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

/** The track's box at `frame` (interpolated), or null when the box is off there. `out` is reused to allocate nothing per frame. */
export function boxAt(track: Track, frame: number, lastFrame = Infinity, out: FrameBox = { x: 0, y: 0, width: 0, height: 0 }): FrameBox | null {
  const seq = track.sequence;
  const i = keyIndex(seq, frame);
  if (i < 0) return null;
  const a = seq[i]!;
  if (a.frame !== frame && !a.enabled) return null;
  const b = a.frame === frame ? undefined : seq[i + 1];
  if (!b) {
    if (frame > Math.max(a.frame, track.framesCount ?? lastFrame)) return null;
    out.x = a.x; out.y = a.y; out.width = a.width; out.height = a.height;
    return out;
  }
  const t = (frame - a.frame) / (b.frame - a.frame);
  out.x = a.x + (b.x - a.x) * t; out.y = a.y + (b.y - a.y) * t;
  out.width = a.width + (b.width - a.width) * t; out.height = a.height + (b.height - a.height) * t;
  return out;
}

const r4 = (v: number) => Math.round(v * 10000) / 10000;

/** The track with a keyframe at `frame` set to `box` (added, or replacing the one there), kept in frame order. */
export function setKeyframe(track: Track, frame: number, box: FrameBox, fps: number, enabled = true): Track {
  const key: Keyframe = {
    frame, x: r4(clamp(box.x, 0, 100)), y: r4(clamp(box.y, 0, 100)),
    width: r4(clamp(box.width, 0.01, 100 - clamp(box.x, 0, 100))), height: r4(clamp(box.height, 0.01, 100 - clamp(box.y, 0, 100))),
    enabled, rotation: 0, time: r4((frame - 1) / fps),
  };
  const seq = track.sequence.filter((k) => k.frame !== frame);
  const at = keyIndex(seq, frame) + 1;
  seq.splice(at, 0, key);
  return { ...track, sequence: seq };
}

/** Turns the box off from `frame` (a disabled keyframe there), or back on when it is off there. */
export function toggleFrom(track: Track, frame: number, fps: number, lastFrame = Infinity): Track {
  const on = boxAt(track, frame, lastFrame);
  const i = keyIndex(track.sequence, frame);
  const base = on ?? (i >= 0 ? track.sequence[i]! : track.sequence[0]);
  if (!base) return track;
  const existing = i >= 0 && track.sequence[i]!.frame === frame ? track.sequence[i]! : undefined;
  const enabled = existing ? !existing.enabled : !on;
  return setKeyframe(track, frame, on ?? base, fps, enabled);
}

function clamp(v: number, lo: number, hi: number) { return Math.min(hi, Math.max(lo, v)); }
