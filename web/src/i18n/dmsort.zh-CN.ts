// 数据管理器：按数据字段排序。
export const dmsortZhCN = {
  'dmsort.field': '数据：{name}',
};
