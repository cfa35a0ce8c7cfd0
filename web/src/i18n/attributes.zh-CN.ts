import type { attributesEn } from './attributes.en';

export const attributesZhCN: Record<keyof typeof attributesEn, string> = {
  'attr.title': '所选区域的属性',
  'attr.pick': '选中一个区域后填写它的{names}。',
  'attr.text': '该区域的文字',
  'attr.message': '第 {n} 条消息的回答',
  'attr.messageText': '关于这条消息的文字',
};
