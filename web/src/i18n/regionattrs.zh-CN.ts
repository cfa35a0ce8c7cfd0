import type { regionAttrsEn } from './regionattrs.en';

export const regionAttrsZhCN: Record<keyof typeof regionAttrsEn, string> = {
  'schema.perRegion': '逐区域，对应',
  'schema.wholeTask': '—（整个任务）',
  'schema.attributes': '每个区域的属性：',
  'schema.attribute.transcription': '文字',
  'schema.attribute.choices': '选项',
  'schema.attribute.rating': '评分',
};
