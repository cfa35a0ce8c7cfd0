// 第 14 号问题的收尾：岗位看板上通往技能的课程和考试、供应商人员表中的证书。
import type { wfpathEn } from './wfpath.en';

export const wfpathZhCN: Record<keyof typeof wfpathEn, string> = {
  'wf.pathTo': '课程与考试',
  'wf.noPath': '本组织暂无相应的课程或考试',
  'wf.course': '课程',
  'wf.exam': '考试',
  'wf.examLevel': '{level} 级',
  'parkui.certificates': '证书',
  'parkui.certificateLine': '{skill} · {level} 级 · {issued} → {expires}',
  'parkui.noExpiry': '长期有效',
  'trainer.uploadImage': '上传图片',
  'trainer.uploadImageHint': '支持 PNG、JPEG、GIF、WebP，不超过 10 MiB；上传后插入到课文末尾。',
  'trainer.uploading': '正在上传…',
  'parkdash.card.tasks': '任务量（90 天）',
};
