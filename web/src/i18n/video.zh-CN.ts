// 视频视图与跟踪框控件的中文（issue 17）；英文见 video.en.ts。
import type { videoEn } from './video.en';

export const videoZhCN: Record<keyof typeof videoEn, string> = {
  'video.frame': '第 {frame} 帧 / 共 {total} 帧',
  'video.prevFrame': '上一帧',
  'video.nextFrame': '下一帧',
  'video.offFromHere': '从此帧起隐藏框',
  'video.onFromHere': '从此帧起显示框',
  'video.keys': '←/→ 逐帧，Shift 每次 10 帧，空格播放 · {fps} 帧/秒',
  'video.keyframes': '{count} 个关键帧，始于第 {first} 帧',
  'video.scrub.queued': '拖动预览：等待生成',
  'video.scrub.running': '拖动预览：正在生成',
  'video.scrub.ready': '拖动预览已就绪',
  'video.scrub.failed': '无拖动预览（文件无法解码）：拖动时直接定位视频',
  'video.scrub.unavailable': '服务器无拖动预览（未安装 ffmpeg）：拖动时直接定位视频',
  'err.annotation.track.frames_unordered': '第 {frame} 帧的关键帧必须在前一个关键帧（第 {previous} 帧）之后。',
  'err.annotation.track.frame_outside': '第 {frame} 帧超出了视频范围（第 1 至 {last} 帧）。',
  'err.annotation.track.box_outside': '框的 {key} 值 {value} 超出画面（百分比，0–100）。',
  'err.schema.ls.not_video': '<{tag}>“{name}”只能标注视频，不能标注“{field}”。',
};
