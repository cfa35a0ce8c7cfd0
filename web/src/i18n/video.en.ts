// English strings of the video view and the tracks control (issue 17); zh-CN in video.zh-CN.ts.
export const videoEn = {
  'video.frame': 'Frame {frame} / {total}',
  'video.prevFrame': 'Previous frame',
  'video.nextFrame': 'Next frame',
  'video.offFromHere': 'Hide box from here',
  'video.onFromHere': 'Show box from here',
  'video.keys': '←/→ one frame, Shift ×10, Space play · {fps} fps',
  'video.keyframes': '{count} keyframes from frame {first}',
  'video.scrub.queued': 'Scrub preview: waiting to be made',
  'video.scrub.running': 'Scrub preview: being made',
  'video.scrub.ready': 'Scrub preview ready',
  'video.scrub.failed': 'No scrub preview (the file could not be decoded): scrubbing seeks the video',
  'video.scrub.unavailable': 'No scrub preview on this server (no ffmpeg): scrubbing seeks the video',
  'err.annotation.track.frames_unordered': 'Keyframe at frame {frame} must come after the keyframe before it (frame {previous}).',
  'err.annotation.track.frame_outside': 'Frame {frame} is outside the video (frames 1 to {last}).',
  'err.annotation.track.box_outside': 'The box’s {key} {value} is outside the frame (percent, 0–100).',
  'err.schema.ls.not_video': '<{tag}> “{name}” must label a video, not “{field}”.',
} as const;
