// English strings of the HTML field; zh-CN in html.zh-CN.ts.
export const htmlEn = {
  'html.field': 'HTML {name}',
  'html.dropped': '{count} embedded or active elements (scripts, images, frames, form fields) are not shown.',
} as const;
