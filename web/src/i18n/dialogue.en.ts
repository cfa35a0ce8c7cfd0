// English strings of the dialogue field and control; zh-CN in dialogue.zh-CN.ts.
export const dialogueEn = {
  'dlg.conversation': 'Conversation {name}',
  'dlg.message': 'Message {n} from {role}',
  'dlg.unknownRole': 'unknown',
  'dlg.labelMessage': 'Label message {n} as “{label}”',
  'dlg.hint': 'Select text in a message to label it; Tab to a message and press Enter to label the whole message.',
  'dlg.whole': 'message {n}',
  'err.data.dialogue_invalid': 'The field “{name}” must be a list of messages.',
  'err.data.message_no_text': 'Message {index} of the field “{name}” has no text (content, text or value).',
  'err.annotation.dialogue.no_messages': 'The task has no conversation in the field “{name}” to label.',
  'err.annotation.dialogue.message_invalid': 'Each region needs the number of its message.',
  'err.annotation.dialogue.message_out_of_range': 'Message {value} is not in the conversation, which has {count} messages.',
} as const;
