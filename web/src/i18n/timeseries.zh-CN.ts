// 时间序列字段与控件的中文文案；英文见 timeseries.en.ts。
export const timeseriesZhCN = {
  'ts.series': '时间序列 {name}',
  'ts.charts': '通道：拖动标注区间，Shift+拖动平移，滚轮缩放',
  'ts.loading': '正在载入时间序列…',
  'ts.loadFailed': '时间序列载入失败：{reason}',
  'ts.points': '{count} 个点',
  'ts.shown': '显示 {pct}%',
  'ts.zoomIn': '放大（+）',
  'ts.zoomOut': '缩小（−）',
  'ts.all': '全部显示（0）',
  'ts.hint': '在图上拖动即可用所选标签标注一个区间；按住 Shift 拖动可平移，滚轮缩放。键盘：←/→ 移动游标，+ 和 − 缩放，[ 标记起点，] 标注到游标处。',
  'tpl.timeseries.name': '时间序列区间',
  'tpl.timeseries.desc': '在传感器通道上标注区间和时刻：行为、故障、异常。支持 Label Studio TimeSeries 导入导出。',
  'err.data.timeseries_invalid': '字段“{name}”必须是 CSV 文件地址，或由等长数值列组成。',
  'err.annotation.timeseries.time_invalid': '区间的 {key} 必须是数字或 ISO 8601 时间。',
  'err.annotation.timeseries.range_reversed': '区间的结束（{end}）不能早于开始（{start}）；时刻的结束须等于开始。',
};
