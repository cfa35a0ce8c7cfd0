// 超文本字段的中文文案；英文见 html.en.ts。
import type { htmlEn } from './html.en';

export const htmlZhCN: Record<keyof typeof htmlEn, string> = {
  'html.field': 'HTML {name}',
  'html.dropped': '有 {count} 个嵌入或可执行的元素（脚本、图片、框架、表单控件）未显示。',
};
