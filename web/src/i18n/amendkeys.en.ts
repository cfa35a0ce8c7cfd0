// The amend page's note on keys pressed while the task loads. amendkeys.zh-CN.ts has the same keys.
export const amendkeysEn = {
  'amend.keysWaiting': '{count} key(s) pressed while the task loads: they apply as soon as it shows.',
} as const;
