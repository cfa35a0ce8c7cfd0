import type { schemaFormEn } from './schemaform.en';

export const schemaFormZhCN: Record<keyof typeof schemaFormEn, string> = {
  'schema.perMessage': '逐条消息，对应',
  'schema.notPerMessage': '—（不逐条消息）',
  'schema.pairOf': '比较',
  'schema.pairItems': '列表的前两项',
  'schema.pairFields': '两个字段',
  'schema.pairLeft': '左（a）',
  'schema.pairRight': '右（b）',
  'schema.bucketsEdit': '分组（每行一个，可写“名称|标题”；不填则对全部条目排一个顺序）',
  'schema.optionsFrom': '更多选项取自任务数据的键',
  'schema.labelsFrom': '更多标签取自任务数据的键',
};
