import type { documentsEn } from './documents.en';

// 文档字段（PDF 或分页图片）的中文文案。
export const documentsZhCN: Record<keyof typeof documentsEn, string> = {
  'doc.pages': '文档 {name}',
  'doc.page': '第 {n} 页，共 {count} 页',
  'doc.prev': '上一页',
  'doc.next': '下一页',
  'doc.loading': '正在加载文档…',
  'doc.failed': '无法打开文档 {name}：{reason}',
  'doc.boxesOnPage': '本页有 {count} 个框',
  'err.annotation.box.page_out_of_range': '框所在的页码 {value} 不在文档中（页码从 0 开始）。',
};
