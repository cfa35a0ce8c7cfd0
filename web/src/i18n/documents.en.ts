// English strings of the document field (PDF or page images); zh-CN in documents.zh-CN.ts.
export const documentsEn = {
  'doc.pages': 'Document {name}',
  'doc.page': 'Page {n} of {count}',
  'doc.prev': 'Previous page',
  'doc.next': 'Next page',
  'doc.loading': 'Loading the document…',
  'doc.failed': 'The document {name} could not be opened: {reason}',
  'doc.boxesOnPage': 'Boxes on this page: {count}',
  'err.annotation.box.page_out_of_range': 'The box is on page {value}, which the document does not have (pages are numbered from 0).',
} as const;
