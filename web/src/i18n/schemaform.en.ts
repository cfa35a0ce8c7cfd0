// The schema form editor's words for per-message answers, ranking buckets, pairwise between two fields and options from the task data.
export const schemaFormEn = {
  'schema.perMessage': 'Per message of',
  'schema.notPerMessage': '— (not per message)',
  'schema.pairOf': 'Compare',
  'schema.pairItems': 'the first two items of a list',
  'schema.pairFields': 'two fields',
  'schema.pairLeft': 'Left (a)',
  'schema.pairRight': 'Right (b)',
  'schema.bucketsEdit': 'Buckets (one per line, optional “name|title”; none: one order of all items)',
  'schema.optionsFrom': 'More options from the task data key',
  'schema.labelsFrom': 'More labels from the task data key',
} as const;
