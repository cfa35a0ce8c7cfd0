export const attributesEn = {
  'attr.title': 'Attributes of the selected region',
  'attr.pick': 'Select a region to give it its {names}.',
  'attr.text': 'Text of this region',
  'attr.message': 'Answers for message {n}',
  'attr.messageText': 'Text about this message',
} as const;
