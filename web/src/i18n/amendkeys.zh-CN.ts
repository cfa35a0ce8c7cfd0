import type { amendkeysEn } from './amendkeys.en';

// 修改页面：任务加载期间按下的键的提示。
export const amendkeysZhCN: Record<keyof typeof amendkeysEn, string> = {
  'amend.keysWaiting': '任务加载期间按下了 {count} 个键：任务一显示就会生效。',
};
