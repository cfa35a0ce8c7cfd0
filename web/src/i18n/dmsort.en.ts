// The data manager's sort by a data field.
export const dmsortEn = {
  'dmsort.field': 'Data: {name}',
};
