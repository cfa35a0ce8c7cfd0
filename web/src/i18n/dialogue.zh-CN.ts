// 对话字段与对话标注控件的中文文案；英文见 dialogue.en.ts。
export const dialogueZhCN = {
  'dlg.conversation': '对话 {name}',
  'dlg.message': '第 {n} 条消息，来自 {role}',
  'dlg.unknownRole': '未知',
  'dlg.labelMessage': '将第 {n} 条消息标为“{label}”',
  'dlg.hint': '在消息中选中文字即可标注；按 Tab 移到某条消息后按回车，可标注整条消息。',
  'dlg.whole': '第 {n} 条消息',
  'err.data.dialogue_invalid': '字段“{name}”必须是消息列表。',
  'err.data.message_no_text': '字段“{name}”的第 {index} 条消息没有文本（content、text 或 value）。',
  'err.annotation.dialogue.no_messages': '任务的字段“{name}”中没有可标注的对话。',
  'err.annotation.dialogue.message_invalid': '每个标注区域都需要注明所在消息的序号。',
  'err.annotation.dialogue.message_out_of_range': '第 {value} 条消息不在对话中，对话共有 {count} 条消息。',
} as const;
