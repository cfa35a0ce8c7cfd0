import type { masksEn } from './masks.en';

export const masksZhCN: Record<keyof typeof masksEn, string> = {
  'tpl.segmentation.name': '分割掩码',
  'tpl.segmentation.desc': '用画笔为每个类别涂出像素级掩码：道路、车辆、行人、天空。可导出 COCO RLE。',
  'masks.tool': '掩码画笔',
  'masks.brush': '画笔',
  'masks.eraser': '橡皮擦',
  'masks.size': '笔刷大小',
  'masks.sizeValue': '{size} 像素',
  'masks.pixels': '{count} 个像素',
  'masks.hideAll': '隐藏掩码',
  'masks.showAll': '显示掩码',
  'keys.maskTools': '掩码：画笔 / 橡皮擦',
  'keys.brushSize': '掩码：缩小 / 放大笔刷',
  'keys.maskHide': '掩码：全部隐藏 / 显示',
  'err.annotation.mask.needed': '掩码区域缺少掩码（尺寸和游程）。',
  'err.annotation.mask.size_invalid': '掩码尺寸必须是 [高, 宽]，两个大于 0 的整数。',
  'err.annotation.mask.size_mismatch': '掩码是 {width}×{height} 像素，但图片是 {imageWidth}×{imageHeight}。',
  'err.annotation.mask.counts_invalid': '无法读取掩码的游程：{reason}。',
  'err.annotation.mask.counts_sum': '掩码的游程覆盖了 {covered} 个像素，而图片有 {pixels} 个。',
};
