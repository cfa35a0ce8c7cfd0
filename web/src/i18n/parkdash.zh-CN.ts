// 园区看板与控制台的文案：运营方总览、供应商/职场/团队页面、结算单，以及客户查看各供应商的进度（issue 12）。
import type { parkdashEn } from './parkdash.en';

export const parkdashZhCN: Record<keyof typeof parkdashEn, string> = {
  'nav.parkOverview': '园区',
  'parkdash.title': '园区总览',
  'parkdash.simulated': '模拟历史：演示环境（yz serve --demo）启动前九十天的数据是模拟生成的，只为让每张图表都有内容可看；此后的真实工作计入同一组数字。',
  'parkdash.back': '园区总览',
  'parkdash.vendorTitle': '供应商 #{id}',
  'parkdash.noSite': '未归属职场',
  'parkdash.noWork': '这段时间没有工作记录。',
  'parkdash.card.annotations': '标注量（90 天）',
  'parkdash.card.active': '活跃标注员',
  'parkdash.card.acceptance': '验收通过率',
  'parkdash.card.gold': '金标准准确率',
  'parkdash.card.seconds': '每条标注用时（秒）',
  'parkdash.card.billed': '供应商结算金额',
  'parkdash.card.earned': '标注员计件收入',
  'parkdash.perDay': '每日标注量（{from} 至 {to}）',
  'parkdash.perCounty': '按区县',
  'parkdash.vendors': '供应商排名（按产能，其次按质量）',
  'parkdash.annotations': '标注量',
  'parkdash.accepted': '已通过',
  'parkdash.annotators': '标注员',
  'parkdash.acceptance': '通过率',
  'parkdash.gold': '金标准准确率',
};
