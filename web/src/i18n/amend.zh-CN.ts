// 审核前修改自己已提交的答案（AmendPage 与“我最近的任务”面板）。
export const amendZhCN = {
  'amend.open': '修改',
  'amend.view': '查看',
  'amend.save': '保存修改',
  'amend.back': '回到标注',
  'amend.hint': '这条答案还没有人审核：改好后保存即可。任务的进度不变，审核员看到的是改后的答案。',
  'amend.saved': '修改已保存。审核员和项目统计看到的都是改后的答案。',
  'amend.readOnly': '这条答案已不能修改：',
  'amend.locked.reviewed': '审核员已审核过。',
  'amend.locked.under_review': '审核员正在审核，请稍后再试。',
  'amend.locked.replaced': '你已经改过它，请打开较新的版本。',
  'amend.locked.archived': '项目已归档。',
  'amend.locked.not_theirs': '这不是你的答案。',
  'amend.missing': '你最近的任务里没有这条答案（它后来被改过，或不是你的）。',
  'title.amend': '修改答案 · {project}',
};
